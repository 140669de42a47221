/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * The receive loop: synccheck (long poll on the push host) → webwxsync on any
 * non-zero selector, both keys replaced after every sync, ContinueFlag drained,
 * SKey refreshed, transient failures retried with capped, jittered back-off.
 * Yields raw batches; the client turns them into messages (protocol.md §1.10, §1.11, §4.5).
 */
import type { Clock } from './clock';
import { backoffDelay } from './clock';
import { isAbort, LoggedOutError, logoutReasonFor, NetworkError, ProtocolError, WeChatError } from './errors';
import type { WeChatHttp } from './http';
import { CGI } from './http';
import { deviceId, notTime } from './ids';
import { parseSyncCheck } from './jsbody';
import type { Session } from './session';
import { formatSyncKey } from './session';
import type { BaseResponse, RawAddMsg, RawContact, SyncKey } from './types';

export interface SyncResponse {
	BaseResponse: BaseResponse;
	AddMsgCount?: number;
	AddMsgList?: RawAddMsg[];
	ModContactCount?: number;
	ModContactList?: RawContact[];
	DelContactCount?: number;
	DelContactList?: Array<{ UserName: string }>;
	ModChatRoomMemberCount?: number;
	ModChatRoomMemberList?: unknown[];
	Profile?: unknown;
	ContinueFlag?: number;
	SyncKey?: SyncKey;
	SyncCheckKey?: SyncKey;
	SKey?: string;
}

export interface SyncOptions {
	signal?: AbortSignal;
	/** Client timeout of the held synccheck; must exceed the server's ~25 s hold (OFF: 35 s). */
	syncCheckTimeoutMs?: number;
	/** Client timeout of one webwxsync (default 30 s). */
	syncTimeoutMs?: number;
	/** Back-off bounds for transient failures (default 1 s → 60 s). */
	backoffBaseMs?: number;
	backoffCapMs?: number;
	/** An answer of "nothing new" faster than this means the server did not hold: wait before asking again. */
	minHoldMs?: number;
}

export type SyncBatch = {
	type: 'batch';
	addMsgs: RawAddMsg[];
	modContacts: RawContact[];
	delContacts: string[];
	selector: number;
	continueFlag: number;
};

export type SyncLoopEvent =
	| SyncBatch
	| { type: 'retrying'; error: WeChatError; attempt: number; delayMs: number }
	| { type: 'recovered'; afterAttempts: number }
	| { type: 'loggedOut'; error: LoggedOutError };

/** One synccheck: `{retcode, selector}`; logout codes throw LoggedOutError. */
export async function syncCheck(http: WeChatHttp, session: Session, counter: number, opts: SyncOptions = {}): Promise<{ retcode: number; selector: number }> {
	const key = session.syncCheckKey ?? session.syncKey;
	if (!key) throw new ProtocolError('No SyncKey yet: webwxinit must run before synccheck.');
	// Parameter order as the official client sends it.
	const url = http.url(session, 'push', `${CGI}/synccheck`, {
		r: Math.floor(http.clock.now()),
		skey: session.tokens.skey,
		sid: session.tokens.sid,
		uin: session.tokens.uin,
		deviceid: deviceId(http.clock),
		synckey: formatSyncKey(key),
		_: counter,
	});
	const { text } = await http.text(session.jar, 'GET', url, { signal: opts.signal, timeoutMs: opts.syncCheckTimeoutMs ?? 35000 });
	const parsed = parseSyncCheck(text);
	if (!parsed) throw new ProtocolError(`synccheck answered in an unexpected format (${text.length} bytes).`);
	if (parsed.retcode === 1100 || parsed.retcode === 1101 || parsed.retcode === 1102) {
		throw new LoggedOutError(logoutReasonFor(parsed.retcode), parsed.retcode);
	}
	return parsed;
}

/** One webwxsync; replaces both keys (when non-empty) and the SKey in the session. */
export async function webwxSync(http: WeChatHttp, session: Session, opts: SyncOptions = {}): Promise<SyncResponse> {
	if (!session.syncKey) throw new ProtocolError('No SyncKey yet: webwxinit must run before webwxsync.');
	const res = await http.postJson<SyncResponse>(
		session,
		`${CGI}/webwxsync`,
		{ sid: session.tokens.sid, skey: session.tokens.skey, pass_ticket: session.tokens.passTicket, lang: 'zh_CN' },
		{ SyncKey: session.syncKey, rr: notTime(http.clock) },
		{ signal: opts.signal, timeoutMs: opts.syncTimeoutMs ?? 30000 },
	);
	// OFF accepts new keys only when they carry entries.
	if (res.SyncKey && res.SyncKey.Count > 0 && Array.isArray(res.SyncKey.List)) session.syncKey = res.SyncKey;
	if (res.SyncCheckKey && res.SyncCheckKey.Count > 0 && Array.isArray(res.SyncCheckKey.List)) session.syncCheckKey = res.SyncCheckKey;
	session.refreshSkey(res.SKey);
	return res;
}

function isTransient(err: unknown): err is WeChatError {
	return err instanceof NetworkError || err instanceof ProtocolError || (err instanceof WeChatError && err.retryable);
}

function toBatch(res: SyncResponse, selector: number): SyncBatch {
	return {
		type: 'batch',
		addMsgs: Array.isArray(res.AddMsgList) ? res.AddMsgList : [],
		modContacts: Array.isArray(res.ModContactList) ? res.ModContactList : [],
		delContacts: Array.isArray(res.DelContactList) ? res.DelContactList.map((c) => c?.UserName).filter((u): u is string => typeof u === 'string') : [],
		selector,
		continueFlag: Number(res.ContinueFlag) || 0,
	};
}

function sameKey(a: SyncKey | null, b: SyncKey | null): boolean {
	return !!a && !!b && formatSyncKey(a) === formatSyncKey(b);
}

/**
 * The loop as an async iterator. Each yielded batch has already advanced the
 * session's keys in memory; the consumer persists the session after handing
 * the batch on, which is what makes a restart neither skip nor replay.
 * Ends (after a `loggedOut` event) on 1100/1101/1102, or when `signal` aborts.
 */
export async function* syncLoop(http: WeChatHttp, session: Session, opts: SyncOptions = {}): AsyncGenerator<SyncLoopEvent, void, void> {
	const clock: Clock = http.clock;
	const base = opts.backoffBaseMs ?? 1000;
	const cap = opts.backoffCapMs ?? 60000;
	const minHold = opts.minHoldMs ?? 1000;
	let counter = Math.floor(clock.now());
	let failures = 0;
	let emptySpins = 0;
	let drainContinue = false;

	const wait = (ms: number) => clock.sleep(ms, opts.signal);

	while (!opts.signal?.aborted) {
		try {
			let selector = 2;
			if (!drainContinue) {
				const started = clock.now();
				const check = await syncCheck(http, session, counter++, opts);
				if (check.retcode !== 0) throw new ProtocolError(`synccheck answered retcode ${check.retcode}.`);
				selector = check.selector;
				if (selector === 0) {
					if (failures) yield { type: 'recovered', afterAttempts: failures };
					failures = 0;
					// The server normally holds ~25 s; an instant "nothing" must not become a busy loop.
					const took = clock.now() - started;
					if (took < minHold) await wait(minHold - took);
					continue;
				}
			}
			const before = session.syncKey;
			const res = await webwxSync(http, session, opts);
			const batch = toBatch(res, selector);
			if (failures) yield { type: 'recovered', afterAttempts: failures };
			failures = 0;
			const empty = batch.addMsgs.length === 0 && batch.modContacts.length === 0 && batch.delContacts.length === 0;
			// A key that did not move means the server will hand the same page out again at once.
			const stalled = sameKey(before, session.syncKey);
			// ContinueFlag: more is pending — fetch it now instead of waiting for the next synccheck.
			drainContinue = batch.continueFlag !== 0 && !empty && !stalled;
			if (!empty) yield batch;
			if (empty || stalled) {
				// Selector spin (§6.9) or a stuck SyncKey: the server keeps signalling without
				// progress. Slow down progressively instead of polling it in a tight loop.
				emptySpins++;
				if (emptySpins > 1) await wait(backoffDelay(clock, emptySpins - 2, base, cap));
				continue;
			}
			emptySpins = 0;
		} catch (err) {
			if (isAbort(err, opts.signal)) return;
			if (err instanceof LoggedOutError) {
				yield { type: 'loggedOut', error: err };
				return;
			}
			if (!isTransient(err)) throw err;
			drainContinue = false;
			const delayMs = backoffDelay(clock, failures, base, cap);
			failures++;
			yield { type: 'retrying', error: err, attempt: failures, delayMs };
			try {
				await wait(delayMs);
			} catch (sleepErr) {
				if (isAbort(sleepErr, opts.signal)) return;
				throw sleepErr;
			}
		}
	}
}
