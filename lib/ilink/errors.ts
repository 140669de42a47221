/**
 * iLink's typed errors: the shared route codes (lib/route-errors.ts) plus what
 * only iLink says (ilink-protocol.md §10). Messages name endpoints, codes and
 * the server's errmsg — never a bot_token, context_token, typing ticket, QR
 * key or AES key (callers pass only names and numbers; `redact` cleans the
 * rest).
 */
import { RouteError } from '../route-errors';
import { isPlatformAbort } from '../wechat/transport';
import type { SharedErrorCode } from '../route-errors';

export type IlinkErrorCode =
	| SharedErrorCode
	/** errcode/ret -14 "session timeout": the bot token is stale or revoked; a new QR login is needed. */
	| 'SESSION_STALE'
	/** ret -2 on a send: the server refused it by policy; `until` says when to try again. */
	| 'THROTTLED'
	/** The owner's 24-hour window is closed (or was never opened): they must message the bot first. */
	| 'WINDOW_CLOSED'
	/** The sends allowed per owner message are used up: they must message the bot again. */
	| 'QUOTA_EXHAUSTED'
	| 'LOGIN_TIMEOUT'
	| 'LOGIN_FAILED'
	| 'MEDIA_UNAVAILABLE'
	| 'PROTOCOL'
	| 'API';

export class IlinkError extends RouteError<IlinkErrorCode> {
	constructor(code: IlinkErrorCode, message: string, hint = '', retryable = false) {
		super(code, message, hint, retryable);
		this.name = 'IlinkError';
	}
}

const RELOGIN = 'Log in again: scan the new QR code with the WeChat account that owns the bot.';

export class NotLoggedInError extends IlinkError {
	constructor(message = 'No iLink session is available.') {
		super('NOT_LOGGED_IN', message, RELOGIN);
		this.name = 'NotLoggedInError';
	}
}

/** -14 in `ret` or `errcode` (ilink-protocol.md §10): the official client pauses an hour; only a new login helps. */
export class SessionStaleError extends IlinkError {
	readonly endpoint: string;
	constructor(endpoint: string) {
		super('SESSION_STALE', `iLink answered ${endpoint} with errcode -14 (session timeout): the bot token is no longer valid.`, RELOGIN);
		this.name = 'SessionStaleError';
		this.endpoint = endpoint;
	}
}

/** ret -2 on sendmessage: refused by policy (rate limit, quota, window); blocked until `until` (ms since epoch). */
export class ThrottledError extends IlinkError {
	readonly until: number;
	readonly serverMessage: string;
	constructor(until: number, serverMessage = '', what = 'the send') {
		super(
			'THROTTLED',
			`iLink refused ${what} (ret -2${serverMessage ? `: ${serverMessage}` : ''}); no sends until ${new Date(until).toISOString()}.`,
			'iLink limits a bot to about 10 sends per message of its owner, within 24 hours of it, and throttles bursts for 30 minutes or more. Wait, or have the owner message the bot.',
			true,
		);
		this.name = 'ThrottledError';
		this.until = until;
		this.serverMessage = serverMessage;
	}
}

export class WindowClosedError extends IlinkError {
	/** What reopens the window. */
	readonly reopen: string;
	readonly peer: string;
	constructor(peer: string, why: string, reopen = 'The owner sends the bot a message in WeChat.') {
		super('WINDOW_CLOSED', `No send to this chat is possible: ${why}.`, reopen);
		this.name = 'WindowClosedError';
		this.reopen = reopen;
		this.peer = peer;
	}
}

export class QuotaExhaustedError extends IlinkError {
	readonly reopen: string;
	readonly limit: number;
	readonly needed: number;
	readonly left: number;
	constructor(limit: number, needed: number, left: number, reopen = 'The owner sends the bot another message in WeChat.') {
		super('QUOTA_EXHAUSTED', `This send needs ${needed} message(s), but only ${left} of ${limit} per owner message are left.`, reopen);
		this.name = 'QuotaExhaustedError';
		this.reopen = reopen;
		this.limit = limit;
		this.needed = needed;
		this.left = left;
	}
}

/** A non-zero `ret` or `errcode` not covered above. Either field may be absent. */
export class IlinkApiError extends IlinkError {
	readonly endpoint: string;
	readonly ret?: number;
	readonly errcode?: number;
	readonly serverMessage: string;
	constructor(endpoint: string, ret: number | undefined, errcode: number | undefined, errmsg: string) {
		const codes = [ret !== undefined ? `ret ${ret}` : '', errcode !== undefined ? `errcode ${errcode}` : ''].filter(Boolean).join(', ');
		super('API', `iLink answered ${endpoint} with ${codes || 'an error'}${errmsg ? ` (${errmsg})` : ''}.`, '');
		this.name = 'IlinkApiError';
		this.endpoint = endpoint;
		this.ret = ret;
		this.errcode = errcode;
		this.serverMessage = errmsg;
	}
}

export class NetworkError extends IlinkError {
	readonly status?: number;
	/** The transport gave up waiting (long polls treat this as "nothing new"). */
	readonly timeout: boolean;
	constructor(message: string, status?: number, timeout = false) {
		super('NETWORK', message, 'Check the network or the origin override; the client retries transient failures by itself.', true);
		this.name = 'NetworkError';
		this.status = status;
		this.timeout = timeout;
	}
}

export class ProtocolError extends IlinkError {
	constructor(message: string) {
		super('PROTOCOL', message, 'Usually transient; if it persists the server changed its protocol.', true);
		this.name = 'ProtocolError';
	}
}

export class LoginTimeoutError extends IlinkError {
	constructor(why: string) {
		super('LOGIN_TIMEOUT', `Nobody completed the iLink login: ${why}.`, 'Start the login again, scan the QR code with WeChat and confirm on the phone.');
		this.name = 'LoginTimeoutError';
	}
}

export class LoginFailedError extends IlinkError {
	constructor(why: string, hint = 'Start the login again.') {
		super('LOGIN_FAILED', `The iLink login failed: ${why}.`, hint);
		this.name = 'LoginFailedError';
	}
}

export class MediaUnavailableError extends IlinkError {
	constructor(message: string) {
		super('MEDIA_UNAVAILABLE', message, 'The media reference may be incomplete or expired on the CDN.');
		this.name = 'MediaUnavailableError';
	}
}

export class InvalidInputError extends IlinkError {
	constructor(message: string, hint = '') {
		super('INVALID_INPUT', message, hint);
		this.name = 'InvalidInputError';
	}
}

export class AbortedError extends IlinkError {
	constructor() {
		super('ABORTED', 'The operation was cancelled.');
		this.name = 'AbortedError';
	}
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
	return err instanceof AbortedError || isPlatformAbort(err, signal);
}

/** Text with every given secret (≥ 4 chars, as is and URL-encoded) and every URL taken out. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let out = text;
	const list = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
	for (const s of [...list, ...list.map(encodeURIComponent)].sort((a, b) => b.length - a.length)) out = out.split(s).join('<hidden>');
	return out.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>').replace(/\b(bearer)\s+\S+/gi, '$1 <hidden>');
}
