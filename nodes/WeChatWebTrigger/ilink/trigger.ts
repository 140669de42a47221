/** The trigger on the iLink route (stub: being built). */
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export async function triggerIlink(this: ITriggerFunctions): Promise<ITriggerResponse> {
	throw new NodeOperationError(this.getNode(), 'The iLink route is not available in this build yet.');
}
