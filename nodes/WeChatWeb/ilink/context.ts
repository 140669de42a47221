/** What every iLink operation gets: n8n's execution context and this execution's one client. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { IlinkClient } from '../../../lib/ilink';
import type { OpenedIlinkClient } from '../../shared/ilink-store';

export interface IlinkActionContext {
	fn: IExecuteFunctions;
	/** The credential's client, opened once per execution: every item reserves from the same budget. */
	open(): Promise<OpenedIlinkClient>;
	client(): Promise<IlinkClient>;
	/** Aborts when the execution is cancelled. */
	signal?: AbortSignal;
}

/** One input item's outcome; execute.ts adds `pairedItem`. */
export type IlinkItemOperation = (ctx: IlinkActionContext, itemIndex: number) => Promise<INodeExecutionData[]>;
