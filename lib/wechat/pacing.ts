/**
 * Send pacing. Ret 1205 ("frequency interception") makes the official client log
 * the session out (protocol.md §1.29, §6.14), so every message-producing call of a
 * client goes through one SendPacer: calls run one at a time, request starts are
 * spaced by a minimum interval plus jitter, an optional per-minute cap holds over
 * any sliding 60 s window, and a 1205 is retried a few times after an exponential
 * back-off. Waiting uses only `clock.sleep(ms, signal)`, so it is abortable and
 * testable with a fake clock.
 */
import type { Clock } from './clock';
import { backoffDelay } from './clock';
import { AbortedError, InvalidInputError, RateLimitedError, isAbort } from './errors';

export interface PacingOptions {
	/** Least time between the starts of two sends. */
	minIntervalMs: number;
	/** Up to this much random extra time on top of the interval, so sends do not look machine-timed. */
	jitterMs: number;
	/** Most send attempts in any 60 s window; 0 disables the cap. */
	maxPerMinute: number;
	/** How often a send rejected with Ret 1205 is tried again before the RateLimitedError is rethrown. */
	rateLimitRetries: number;
	/** First back-off after a 1205; doubles per retry (with jitter) up to the cap. */
	rateLimitBackoffMs: number;
	rateLimitBackoffCapMs: number;
}

export const DEFAULT_PACING_OPTIONS: Readonly<PacingOptions> = Object.freeze({
	minIntervalMs: 1500,
	jitterMs: 1000,
	maxPerMinute: 20,
	rateLimitRetries: 2,
	rateLimitBackoffMs: 10_000,
	rateLimitBackoffCapMs: 300_000,
});

const WINDOW_MS = 60_000;

export class SendPacer {
	readonly options: Readonly<PacingOptions>;
	private readonly clock: Clock;
	/** Settles when the most recently queued call has finished; new calls wait on it. */
	private tail: Promise<void> = Promise.resolve();
	private lastStart: number | undefined;
	/** Start times of recent attempts, oldest first (only the last 60 s matter). */
	private recentStarts: number[] = [];

	constructor(clock: Clock, options: Partial<PacingOptions> = {}) {
		this.clock = clock;
		this.options = Object.freeze(validate({ ...DEFAULT_PACING_OPTIONS, ...definedOnly(options) }));
	}

	/** True when `options` (unset ones meaning the defaults) are the ones this pacer runs with. */
	hasOptions(options: Partial<PacingOptions>): boolean {
		const wanted = { ...DEFAULT_PACING_OPTIONS, ...definedOnly(options) };
		return (Object.keys(DEFAULT_PACING_OPTIONS) as Array<keyof PacingOptions>).every((k) => this.options[k] === wanted[k]);
	}

	/**
	 * Runs `task` when its turn has come and the rate allows it. A RateLimitedError
	 * from the task is retried after a back-off; every other error (including a
	 * timeout, whose outcome is unknown) is passed through untouched.
	 */
	async run<T>(task: () => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
		const { signal } = opts;
		if (signal?.aborted) throw new AbortedError();
		const previous = this.tail;
		let release!: () => void;
		const mine = new Promise<void>((resolve) => (release = resolve));
		// Later callers wait for the previous call and this one, even if this one gives up early.
		this.tail = previous.then(() => mine);
		try {
			await untilSettledOrAborted(previous, signal);
			for (let attempt = 0; ; attempt++) {
				await this.waitForSlot(signal);
				const outcome = await settle(task);
				if (outcome.ok) return outcome.value;
				if (!(outcome.error instanceof RateLimitedError) || attempt >= this.options.rateLimitRetries) throw outcome.error;
				const delay = backoffDelay(this.clock, attempt, this.options.rateLimitBackoffMs, this.options.rateLimitBackoffCapMs);
				await this.sleep(delay, signal);
			}
		} finally {
			release();
		}
	}

	/** Milliseconds until the next attempt may start (ignoring jitter and queued calls). */
	delayUntilNextSlot(): number {
		return Math.max(0, this.earliestStart(0) - this.clock.now());
	}

	private async waitForSlot(signal: AbortSignal | undefined): Promise<void> {
		const jitter = this.options.jitterMs > 0 ? Math.floor(this.clock.random() * this.options.jitterMs) : 0;
		// Re-check after sleeping: a clock may wake early, and the window must hold exactly.
		for (;;) {
			const wait = this.earliestStart(jitter) - this.clock.now();
			if (wait <= 0) break;
			await this.sleep(wait, signal);
		}
		const start = this.clock.now();
		this.lastStart = start;
		this.recentStarts.push(start);
	}

	private earliestStart(jitter: number): number {
		const now = this.clock.now();
		let at = now;
		if (this.lastStart !== undefined) at = Math.max(at, this.lastStart + this.options.minIntervalMs + jitter);
		const max = this.options.maxPerMinute;
		if (max > 0) {
			this.recentStarts = this.recentStarts.filter((t) => t > now - WINDOW_MS);
			// The max-th most recent start must leave the window before another may begin.
			if (this.recentStarts.length >= max) at = Math.max(at, this.recentStarts[this.recentStarts.length - max] + WINDOW_MS);
		}
		return at;
	}

	private async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
		const outcome = await settle(() => this.clock.sleep(ms, signal));
		if (!outcome.ok && !isAbort(outcome.error, signal)) throw outcome.error;
		if (!outcome.ok || signal?.aborted) throw new AbortedError();
	}
}

/** A task's result or error as a value (keeps error mapping out of catch blocks). */
async function settle<T>(task: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await task() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Waits for `promise` (whose outcome is irrelevant) unless `signal` aborts first. */
function untilSettledOrAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
	const settled = promise.then(
		() => undefined,
		() => undefined,
	);
	if (!signal) return settled;
	return new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(new AbortedError());
		if (signal.aborted) return onAbort();
		signal.addEventListener('abort', onAbort, { once: true });
		void settled.then(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		});
	});
}

function definedOnly(options: Partial<PacingOptions>): Partial<PacingOptions> {
	const out: Partial<PacingOptions> = {};
	for (const [key, value] of Object.entries(options) as Array<[keyof PacingOptions, number | undefined]>) {
		if (value !== undefined) out[key] = value;
	}
	return out;
}

function validate(options: PacingOptions): PacingOptions {
	for (const [key, value] of Object.entries(options)) {
		if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
			throw new InvalidInputError(`Pacing option ${key} must be a non-negative number.`);
		}
	}
	if (!Number.isInteger(options.rateLimitRetries) || !Number.isInteger(options.maxPerMinute)) {
		throw new InvalidInputError('Pacing options rateLimitRetries and maxPerMinute must be whole numbers.');
	}
	return options;
}
