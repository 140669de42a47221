import type { Clock } from '../../lib/wechat/clock';

function abortError(): Error {
	return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
}

interface PendingSleep {
	until: number;
	resolve: () => void;
}

/**
 * A clock for tests. Time only moves when someone sleeps (auto mode) or when the
 * test calls `advance` (manual mode, for aborting a sleeper mid-wait). Every
 * sleep is recorded; `random()` replays queued values, else a constant.
 */
export class FakeClock implements Clock {
	time: number;
	readonly sleeps: number[] = [];
	readonly randomQueue: number[] = [];
	defaultRandom = 0.5;
	manual = false;
	private pending: PendingSleep[] = [];

	constructor(start = 1_700_000_000_000) {
		this.time = start;
	}

	now(): number {
		return this.time;
	}

	random(): number {
		return this.randomQueue.length ? (this.randomQueue.shift() as number) : this.defaultRandom;
	}

	async sleep(ms: number, signal?: AbortSignal): Promise<void> {
		if (signal?.aborted) throw abortError();
		this.sleeps.push(ms);
		if (!this.manual) {
			this.time += ms;
			await Promise.resolve();
			if (signal?.aborted) throw abortError();
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const entry: PendingSleep = {
				until: this.time + ms,
				resolve: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			const onAbort = () => {
				this.pending = this.pending.filter((p) => p !== entry);
				reject(abortError());
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.pending.push(entry);
		});
	}

	/** Manual mode: moves time and wakes the sleepers that are due. */
	advance(ms: number): void {
		this.time += ms;
		const due = this.pending.filter((p) => p.until <= this.time);
		this.pending = this.pending.filter((p) => p.until > this.time);
		for (const p of due) p.resolve();
	}

	get sleeping(): number {
		return this.pending.length;
	}
}

/** Lets queued promise callbacks run. */
export async function flush(times = 10): Promise<void> {
	for (let i = 0; i < times; i++) await Promise.resolve();
}
