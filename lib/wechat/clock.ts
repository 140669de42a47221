/**
 * Time and randomness, injected so the client never touches timers itself: n8n
 * hands it `sleepWithAbort`, the command line Node's timers, tests a fake clock.
 */
export interface Clock {
	/** Milliseconds since the Unix epoch. */
	now(): number;
	/** Resolves after `ms`; rejects with an AbortError-like error as soon as `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/** A number in [0, 1), for jitter, DeviceID and ClientMsgId. */
	random(): number;
}

/** Capped exponential back-off with full jitter (AWS style): [base, min(cap, base*2^n)]. */
export function backoffDelay(clock: Clock, attempt: number, baseMs = 1000, capMs = 60000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
	return Math.round(baseMs + clock.random() * Math.max(0, ceiling - baseMs));
}
