import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { WeChatClient } from '../../../lib/wechat';

/** What every operation gets: n8n's execution context and this execution's client. */
export interface ActionContext {
	fn: IExecuteFunctions;
	/** The account's client for this execution (restored once, then reused for every item). */
	client(): Promise<WeChatClient>;
	/** Aborts when the execution is cancelled. */
	signal?: AbortSignal;
}

/** One input item's outcome; the node adds `pairedItem`. */
export type ItemResult = INodeExecutionData[];

export type ItemOperation = (ctx: ActionContext, itemIndex: number) => Promise<ItemResult>;

/**
 * An operation that serves all input items together (one batched request) but
 * still answers per item: a result or an error for each index.
 */
export type BatchOperation = (ctx: ActionContext, itemIndexes: number[]) => Promise<Map<number, ItemResult | { error: unknown }>>;
