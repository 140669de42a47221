/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * The getupdates long poll (ilink-protocol.md §3, §9): the opaque
 * get_updates_buf cursor (kept only when the answer's is non-empty), the
 * server's longpolling_timeout_ms as the next client timeout, a client timeout
 * as "nothing new", -14 as the end of the session, and the official back-off:
 * 2 s after an error, 30 s after 3 in a row.
 */
import { isAbort, IlinkError, NetworkError, SessionStaleError } from './errors';
import type { IlinkHttp } from './http';
import { checkEnvelope } from './http';
import type { WeixinMessage } from './messages';
import type { IlinkSession } from './session';

export const DEFAULT_LONG_POLL_MS = 35000;
/**
 * Our timeout waits this much longer than the hold the server announced: iLink
 * consumes messages when it answers, so a client that gives up at the very
 * moment the server answers would drop that batch (the official client uses the
 * hint as is).
 */
export const LONG_POLL_MARGIN_MS = 5000;
export const RETRY_DELAY_MS = 2000;
export const BACKOFF_DELAY_MS = 30000;
export const MAX_CONSECUTIVE_FAILURES = 3;

export interface UpdatesAnswer {
	msgs: WeixinMessage[];
	/** The next cursor, or undefined when the answer had none (keep the old one). */
	updatesBuf?: string;
	longPollMs?: number;
}

interface RawUpdates {
	ret?: unknown;
	errcode?: unknown;
	errmsg?: unknown;
	msgs?: unknown;
	get_updates_buf?: unknown;
	sync_buf?: unknown;
	longpolling_timeout_ms?: unknown;
}

/** One getupdates; a client timeout answers "nothing new". */
export async function getUpdates(http: IlinkHttp, session: IlinkSession, timeoutMs: number, signal?: AbortSignal): Promise<UpdatesAnswer> {
	let data: RawUpdates;
	try {
		data = await http.post<RawUpdates>(session.baseUrl, 'ilink/bot/getupdates', { get_updates_buf: session.updatesBuf }, { token: session.botToken, signal, timeoutMs, secrets: [session.updatesBuf] });
	} catch (err) {
		if (err instanceof NetworkError && err.timeout && !signal?.aborted) return { msgs: [] };
		throw err;
	}
	checkEnvelope('getupdates', data);
	const msgs = Array.isArray(data.msgs) ? data.msgs.filter((m): m is WeixinMessage => !!m && typeof m === 'object') : [];
	const buf = typeof data.get_updates_buf === 'string' && data.get_updates_buf ? data.get_updates_buf : undefined;
	const hint = typeof data.longpolling_timeout_ms === 'number' && data.longpolling_timeout_ms > 0 ? data.longpolling_timeout_ms : undefined;
	return { msgs, updatesBuf: buf, longPollMs: hint };
}

export type UpdatesEvent =
	| { type: 'updates'; msgs: WeixinMessage[]; cursorChanged: boolean }
	| { type: 'retrying'; error: IlinkError; attempt: number; delayMs: number }
	| { type: 'recovered'; afterAttempts: number }
	| { type: 'stale'; error: SessionStaleError };

export interface UpdatesOptions {
	signal?: AbortSignal;
	/** First client timeout (default 35 s); the server's hint replaces it. */
	longPollMs?: number;
	retryDelayMs?: number;
	backoffDelayMs?: number;
	/** An empty answer faster than this means the server did not hold: wait the rest before asking again (default 1 s). */
	minPollIntervalMs?: number;
}

/** Polls until aborted or the session goes stale; advances `session.updatesBuf` before yielding. */
export async function* updateLoop(http: IlinkHttp, session: IlinkSession, opts: UpdatesOptions = {}): AsyncGenerator<UpdatesEvent, void, void> {
	const { signal } = opts;
	const clock = http.clock;
	let timeoutMs = opts.longPollMs ?? DEFAULT_LONG_POLL_MS;
	let failures = 0;
	let attempts = 0;
	while (!signal?.aborted) {
		const started = clock.now();
		let answer: UpdatesAnswer;
		try {
			answer = await getUpdates(http, session, timeoutMs + LONG_POLL_MARGIN_MS, signal);
		} catch (err) {
			if (isAbort(err, signal)) return;
			if (err instanceof SessionStaleError) {
				yield { type: 'stale', error: err };
				return;
			}
			if (!(err instanceof IlinkError)) throw err;
			failures++;
			attempts++;
			const delayMs = failures >= MAX_CONSECUTIVE_FAILURES ? (opts.backoffDelayMs ?? BACKOFF_DELAY_MS) : (opts.retryDelayMs ?? RETRY_DELAY_MS);
			if (failures >= MAX_CONSECUTIVE_FAILURES) failures = 0;
			yield { type: 'retrying', error: err, attempt: attempts, delayMs };
			try {
				await clock.sleep(delayMs, signal);
			} catch {
				return;
			}
			continue;
		}
		if (attempts) {
			yield { type: 'recovered', afterAttempts: attempts };
			attempts = 0;
		}
		failures = 0;
		if (answer.longPollMs) timeoutMs = answer.longPollMs;
		const cursorChanged = answer.updatesBuf !== undefined && answer.updatesBuf !== session.updatesBuf;
		if (answer.updatesBuf !== undefined) session.updatesBuf = answer.updatesBuf;
		if (answer.msgs.length || cursorChanged) yield { type: 'updates', msgs: answer.msgs, cursorChanged };
		else {
			const rest = (opts.minPollIntervalMs ?? 1000) - (clock.now() - started);
			if (rest > 0) {
				try {
					await clock.sleep(rest, signal);
				} catch {
					return;
				}
			}
		}
	}
}
