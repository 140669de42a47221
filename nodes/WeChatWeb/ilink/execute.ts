/** The action node on the iLink route (stub: being built). */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export async function executeIlink(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	throw new NodeOperationError(this.getNode(), 'The iLink route is not available in this build yet.');
}
