/**
 * Delivery: hands batches to n8n and commits each batch's cursor when the
 * chosen mode says the batch is done. It knows nothing of any WeChat route: a
 * batch is items plus the opaque cursor that covers them.
 *
 * - onHandOff (exactly once): commit, then emit — n8n saves static data inside
 *   emit, so the position and the hand-off are one step.
 * - afterFinish / afterSuccess (at least once): emit with a donePromise, commit
 *   when the run ended (afterFinish) or succeeded (afterSuccess). A run n8n
 *   gave up (crashed; queue mode: its worker died) gets the batch again.
 */
import type { INodeExecutionData, IRun } from 'n8n-workflow';
import type { TriggerScope } from './scope';

export type AdvanceMode = 'onHandOff' | 'afterFinish' | 'afterSuccess';

export interface Batch {
	items: INodeExecutionData[];
	/** The position after these items (route-defined, opaque here). */
	cursor: string;
}

/**
 * afterFinish: a batch whose run crashed is handed over again, at most this
 * many times (n8n's recovery marks it crashed instead of running it again).
 */
export const CRASH_REDELIVERIES = 2;
type Outcome = 'closed' | 'succeeded' | 'failed' | 'crashed';

export class Delivery {
	constructor(
		private readonly scope: TriggerScope,
		private readonly mode: AdvanceMode,
		private readonly commit: (cursor: string) => void,
	) {}

	/** True when the mode waits for each run (never in manual runs). */
	get waitsForRuns(): boolean {
		return this.mode !== 'onHandOff' && !this.scope.manual;
	}

	/** Nothing to hand over (all filtered out): the position may move past it at once. */
	skip(cursor: string): void {
		if (!this.scope.closing) this.commit(cursor);
	}

	async deliver(batch: Batch): Promise<void> {
		if (this.scope.closing) return;
		if (!this.waitsForRuns) {
			this.commit(batch.cursor);
			this.scope.emitMessages(batch.items);
			return;
		}
		await this.handOverUntilDone(batch);
	}

	private async handOverUntilDone(batch: Batch): Promise<void> {
		const count = batch.items.length;
		const log = this.scope.logger;
		for (let attempt = 1; ; attempt++) {
			const done = this.scope.ctx.helpers.createDeferredPromise<IRun>();
			this.scope.emitMessages(batch.items, done);
			const outcome = await this.outcome(done.promise);
			if (outcome === 'closed') return; // Nothing committed: a restart hands the batch over again.
			if (this.mode === 'afterFinish') {
				if (outcome === 'crashed' && attempt <= CRASH_REDELIVERIES) {
					log.warn(`WeChat Web Trigger: the workflow run for ${count} message(s) crashed; handing them over again.`);
					continue;
				}
				if (outcome === 'crashed') log.error(`WeChat Web Trigger: the workflow run for ${count} message(s) crashed ${attempt} times; moving on without them.`);
				this.commit(batch.cursor);
				return;
			}
			if (outcome === 'succeeded') {
				this.commit(batch.cursor);
				return;
			}
			const delay = this.scope.retryDelay(attempt - 1);
			log.warn(`WeChat Web Trigger: the workflow run for ${count} message(s) ${outcome} (attempt ${attempt}); handing them over again in ${Math.round(delay / 1000)} s.`);
			if (!(await this.scope.pause(delay))) return;
		}
	}

	/**
	 * How the run started by emit ended, or `closed` when the trigger closes
	 * first. No timeout of our own: a run may rightly wait for days (Wait node),
	 * and one that hangs is ended by n8n's execution timeout, which resolves it.
	 */
	private async outcome(run: Promise<IRun>): Promise<Outcome> {
		if (this.scope.closing) return 'closed';
		const signal = this.scope.signal;
		return await new Promise<Outcome>((resolve) => {
			const onClose = () => resolve('closed');
			signal.addEventListener('abort', onClose, { once: true });
			const settle = (outcome: Outcome) => {
				signal.removeEventListener('abort', onClose);
				resolve(signal.aborted ? 'closed' : outcome);
			};
			run.then(
				(result) => settle(outcomeOf(result)),
				() => settle('failed'),
			);
		});
	}
}

/**
 * How n8n ended a run. Crashed: n8n gave it up rather than ran it — marked
 * crashed by its crash recovery, failed without any node result (queue mode,
 * n8n 2.x: the dead worker's job "stalled more than maxStalledCount"), or no
 * result at all (n8n 1.x resolves with nothing when the run never started,
 * e.g. its credentials check failed). Failed: a node's own error.
 */
export function outcomeOf(run: IRun | undefined): 'succeeded' | 'failed' | 'crashed' {
	if (!run) return 'crashed';
	if (run.status === 'crashed') return 'crashed';
	if (run.status === 'error' && Object.keys(run.data?.resultData?.runData ?? {}).length === 0) return 'crashed';
	return run.status === 'error' || run.data?.resultData?.error ? 'failed' : 'succeeded';
}
