/**
 * One error class per situation a user must act on. Messages say what happened
 * and what to do; they never contain a token, cookie or ticket (callers pass
 * only names, codes and server texts).
 */

import { RouteError } from '../route-errors';
import { isPlatformAbort } from './transport';
import type { SharedErrorCode } from '../route-errors';

/** The shared codes (lib/route-errors.ts) plus what only WeChat Web says. */
export type WeChatErrorCode =
	| SharedErrorCode
	| 'NOT_LOGGED_IN'
	| 'LOGIN_REFUSED'
	| 'LOGIN_TIMEOUT'
	| 'LOGIN_CANCELLED'
	| 'LOGGED_OUT'
	| 'RATE_LIMITED'
	| 'UNKNOWN_CONTACT'
	| 'AMBIGUOUS_CONTACT'
	| 'MEDIA_UNAVAILABLE'
	| 'NETWORK'
	| 'PROTOCOL'
	| 'API'
	| 'INVALID_INPUT'
	| 'ABORTED';

export class WeChatError extends RouteError<WeChatErrorCode> {
	constructor(code: WeChatErrorCode, message: string, hint = '', retryable = false) {
		super(code, message, hint, retryable);
		this.name = 'WeChatError';
	}
}

export class NotLoggedInError extends WeChatError {
	constructor(message = 'No WeChat session is available.') {
		super('NOT_LOGGED_IN', message, 'Log in by scanning the QR code (trigger node or `n8n-nodes-wechat-web login`).');
		this.name = 'NotLoggedInError';
	}
}

/** ret 1203 or an HTML refusal at webwxnewloginpage: this account may not use the Web protocol. */
export class LoginRefusedError extends WeChatError {
	readonly serverMessage: string;
	readonly ret: number;
	constructor(ret: number, serverMessage: string) {
		super(
			'LOGIN_REFUSED',
			`WeChat refused the web login for this account (ret ${ret}${serverMessage ? `: ${serverMessage}` : ''}).`,
			'Tencent blocks many accounts on the Web/UOS protocol; retrying will not help and repeated attempts risk a ban. Try the other login mode once, or use another account.',
		);
		this.name = 'LoginRefusedError';
		this.ret = ret;
		this.serverMessage = serverMessage;
	}
}

export type LogoutReason = 'sessionMissing' | 'sessionInvalid' | 'kicked' | 'loggedOutByUser' | 'rateLimited';

export const LOGOUT_TEXT: Record<LogoutReason, string> = {
	sessionMissing: 'the session no longer exists on the server (retcode 1100: logged out on the phone or expired)',
	sessionInvalid: 'the session became invalid (retcode 1101: logged in elsewhere)',
	kicked: 'the server ended the session (retcode 1102: ended on the phone or kicked by WeChat)',
	loggedOutByUser: 'this client logged out',
	rateLimited: 'the server logged the session out after frequency interception (Ret 1205)',
};

export function logoutReasonFor(code: number): LogoutReason {
	if (code === 1100) return 'sessionMissing';
	if (code === 1101) return 'sessionInvalid';
	return 'kicked';
}

export class LoggedOutError extends WeChatError {
	readonly reason: LogoutReason;
	readonly retcode?: number;
	constructor(reason: LogoutReason, retcode?: number) {
		super('LOGGED_OUT', `WeChat logged this session out: ${LOGOUT_TEXT[reason]}.`, 'Log in again (scan the QR code, or confirm the push login on the phone).');
		this.name = 'LoggedOutError';
		this.reason = reason;
		this.retcode = retcode;
	}
}

/**
 * The 2025 pattern (protocol.md §7, §6 item 4): since 2025-01-09 WeChat ends
 * almost every Web/UOS login with synccheck retcode 1102 seconds after it
 * succeeded (openwechat#565: three synccheck answers, then 1102), and accounts
 * that kept logging in were banned for up to a month. A 1102 this soon after a
 * fresh login is a refusal, not an ordinary logout: logging in again by itself
 * would only repeat it.
 */
export const REFUSAL_KICK_WINDOW_MS = 60_000;

export function kickedRightAfterLogin(error: LoggedOutError, loggedInAt: number | undefined, now: number): boolean {
	return error.reason === 'kicked' && loggedInAt !== undefined && now >= loggedInAt && now - loggedInAt < REFUSAL_KICK_WINDOW_MS;
}

export const REFUSAL_KICK_HINT =
	'Do not log in again soon: since 2025-01-09 WeChat ends almost every Web/UOS login this way, and accounts that kept trying were banned for up to a month. WeChat\'s official bot API (the iLink route) works for every account.';

export class RateLimitedError extends WeChatError {
	constructor(what = 'send') {
		super('RATE_LIMITED', `WeChat rejected the ${what} as too frequent (Ret 1205).`, 'Slow down: raise the minimum interval between sends. WeChat may log the session out if this continues.', true);
		this.name = 'RateLimitedError';
	}
}

export class UnknownContactError extends WeChatError {
	constructor(query: string) {
		super('UNKNOWN_CONTACT', `No contact or group matches "${query}".`, 'Use the exact UserName, remark name, nickname or WeChat ID; UserNames change at every login.');
		this.name = 'UnknownContactError';
	}
}

export class AmbiguousContactError extends WeChatError {
	readonly candidates: string[];
	constructor(query: string, candidates: string[]) {
		super('AMBIGUOUS_CONTACT', `"${query}" matches ${candidates.length} contacts: ${candidates.slice(0, 5).join(', ')}${candidates.length > 5 ? ', …' : ''}.`, 'Use the UserName or a unique remark name.');
		this.name = 'AmbiguousContactError';
		this.candidates = candidates;
	}
}

export class MediaUnavailableError extends WeChatError {
	constructor(message: string) {
		super('MEDIA_UNAVAILABLE', message, 'Some media (videos not recorded in WeChat, store stickers, files over 25 MB, old messages) cannot be downloaded through the Web protocol.');
		this.name = 'MediaUnavailableError';
	}
}

export class NetworkError extends WeChatError {
	readonly status?: number;
	constructor(message: string, status?: number) {
		super('NETWORK', message, 'Check the network or the origin override; the client retries transient failures by itself.', true);
		this.name = 'NetworkError';
		this.status = status;
	}
}

/** The server answered, but not in a shape the protocol allows (truncated, malformed, empty). */
export class ProtocolError extends WeChatError {
	constructor(message: string) {
		super('PROTOCOL', message, 'Usually transient; if it persists the server changed its protocol.', true);
		this.name = 'ProtocolError';
	}
}

/** A JSON endpoint answered with a non-zero BaseResponse.Ret not covered above. */
export class ApiError extends WeChatError {
	readonly ret: number;
	readonly endpoint: string;
	/** The server's own words (ErrMsg), if any. */
	readonly serverMessage: string;
	constructor(endpoint: string, ret: number, errMsg: string) {
		super('API', `WeChat answered ${endpoint} with Ret ${ret}${errMsg ? ` (${errMsg})` : ''}.`, retHint(ret), ret === -1);
		this.name = 'ApiError';
		this.ret = ret;
		this.endpoint = endpoint;
		this.serverMessage = errMsg;
	}
}

export class LoginCancelledError extends WeChatError {
	constructor() {
		super('LOGIN_CANCELLED', 'The login was cancelled on the phone.', 'Start the login again and tap "Log in" on the phone.');
		this.name = 'LoginCancelledError';
	}
}

export class LoginTimeoutError extends WeChatError {
	constructor(refreshes: number) {
		super('LOGIN_TIMEOUT', `Nobody confirmed the login; the QR code expired ${refreshes + 1} times.`, 'Start the login again and scan the QR code with WeChat on the phone, then confirm.');
		this.name = 'LoginTimeoutError';
	}
}

function retHint(ret: number): string {
	if (ret === 3) return 'The phone has been offline too long: open WeChat on the phone.';
	if (ret === 1204) return 'This account has no access to that chat.';
	if (ret === 1) return 'The server rejected a parameter.';
	return '';
}

export class InvalidInputError extends WeChatError {
	constructor(message: string, hint = '') {
		super('INVALID_INPUT', message, hint);
		this.name = 'InvalidInputError';
	}
}

export class AbortedError extends WeChatError {
	constructor() {
		super('ABORTED', 'The operation was cancelled.');
		this.name = 'AbortedError';
	}
}

export function isAbort(err: unknown, signal?: AbortSignal): boolean {
	return err instanceof AbortedError || isPlatformAbort(err, signal);
}
