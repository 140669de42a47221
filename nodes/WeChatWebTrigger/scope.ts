/**
 * What every phase of the trigger shares: the n8n context, the one abort
 * signal that ends everything when n8n closes the trigger, the abortable
 * pause, the emit onto the two outputs, and the one back-off policy.
 */
import type { IDeferredPromise, INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';
import { backoffDelay } from '../../lib/wechat';
import { n8nClock } from '../shared/n8n-runtime';

/** Back-off for transient failures outside the sync loop (which has its own, same policy). */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 5 * 60_000;

export class TriggerScope {
	readonly controller = new AbortController();
	readonly signal = this.controller.signal;
	readonly manual: boolean;
	private emitted = false;

	constructor(
		readonly ctx: ITriggerFunctions,
		private readonly onFirstEmit: () => void,
	) {
		this.manual = ctx.getMode() === 'manual';
	}

	get logger(): ITriggerFunctions['logger'] {
		return this.ctx.logger;
	}

	get closing(): boolean {
		return this.signal.aborted;
	}

	/** Sleeps unless the trigger closes (then false). */
	async pause(ms: number, signal: AbortSignal = this.signal): Promise<boolean> {
		try {
			await n8nClock.sleep(ms, signal);
			return !this.signal.aborted;
		} catch {
			return false;
		}
	}

	/** The capped, jittered delay before retry number `attempt` (0-based): the clock's policy. */
	retryDelay(attempt: number): number {
		return backoffDelay(n8nClock, attempt, RETRY_BASE_MS, RETRY_MAX_MS);
	}

	emitMessages(items: INodeExecutionData[], done?: IDeferredPromise<IRun>): void {
		this.emit([items, []], done);
	}

	emitEvent(item: INodeExecutionData): void {
		this.emit([[], [item]]);
	}

	private emit(data: INodeExecutionData[][], done?: IDeferredPromise<IRun>): void {
		// Nothing may start a workflow once the trigger is closed.
		if (this.signal.aborted) return;
		// Read `emit` at call time: in manual mode n8n replaces it after trigger() returned.
		this.ctx.emit(data, undefined, done);
		if (!this.emitted) {
			this.emitted = true;
			this.onFirstEmit();
		}
	}
}
