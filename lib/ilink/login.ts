/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * QR login (ilink-protocol.md §2): get_bot_qrcode on the fixed base with the
 * previous bot tokens, then the get_qrcode_status long poll through every
 * status — wait, scaned, need_verifycode (digits from a callback), verify_code_blocked,
 * expired (a new QR, at most 3 in all), scaned_but_redirect (poll another host),
 * binded_redirect (already bound: no new credentials), confirmed — as an async
 * generator of login events that returns the outcome.
 */
import { isAbort, LoginFailedError, LoginTimeoutError, NetworkError, ProtocolError } from './errors';
import type { IlinkHttp } from './http';
import { assertIlinkUrl, DEFAULT_BASE_URL, redirectBase } from './hosts';
import { IlinkSession } from './session';

export const BOT_TYPE = '3';
/** Client timeout of the held status poll (§2.2). */
export const QR_POLL_TIMEOUT_MS = 35000;
export const MAX_QR_CODES = 3;
export const LOGIN_DEADLINE_MS = 480_000;
export const MAX_LOCAL_TOKENS = 10;

export type IlinkLoginEvent =
	| { type: 'qr'; qrcode: string; url: string; attempt: number }
	| { type: 'scanned' }
	| { type: 'verifyCodeNeeded'; retry: boolean }
	| { type: 'verifyCodeAccepted' }
	| { type: 'verifyCodeBlocked'; attempt: number }
	| { type: 'qrExpired'; attempt: number }
	| { type: 'redirected'; host: string }
	| { type: 'alreadyBound' }
	| { type: 'confirmed'; botId: string; ownerId: string; baseUrl: string };

export type IlinkLoginOutcome = { kind: 'session'; session: IlinkSession } | { kind: 'alreadyBound' };

export interface IlinkLoginOptions {
	signal?: AbortSignal;
	/** Bot tokens issued before, newest first (≤ 10 sent): lets the server answer binded_redirect. */
	previousTokens?: string[];
	/** Supplies the number shown on the phone when the server asks for it (need_verifycode). */
	verifyCode?: (info: { retry: boolean; signal?: AbortSignal }) => Promise<string>;
	/** QR codes in all before giving up (default 3, like the official client). */
	maxQrCodes?: number;
	/** Overall deadline (default 480 s). */
	timeoutMs?: number;
	/** Gap between polls (default 1 s; none right after a verify code). */
	pollGapMs?: number;
	/** The fixed QR base (default https://ilinkai.weixin.qq.com). */
	qrBaseUrl?: string;
}

interface QrResponse {
	qrcode?: unknown;
	qrcode_img_content?: unknown;
}

interface StatusResponse {
	status?: unknown;
	bot_token?: unknown;
	ilink_bot_id?: unknown;
	baseurl?: unknown;
	ilink_user_id?: unknown;
	redirect_host?: unknown;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** POST get_bot_qrcode?bot_type=3 — no Authorization, no base_info (§2.1). */
export async function fetchQrCode(http: IlinkHttp, base: string, previousTokens: string[], signal?: AbortSignal): Promise<{ qrcode: string; url: string }> {
	const tokens = previousTokens.map((t) => t.trim()).filter(Boolean).slice(0, MAX_LOCAL_TOKENS);
	const data = await http.post<QrResponse>(base, `ilink/bot/get_bot_qrcode?bot_type=${BOT_TYPE}`, { local_token_list: tokens }, { bare: true, signal, purpose: 'login', timeoutMs: 30000, secrets: tokens });
	const qrcode = str(data.qrcode);
	if (!qrcode) throw new ProtocolError('get_bot_qrcode answered without a qrcode.');
	return { qrcode, url: str(data.qrcode_img_content) || qrcode };
}

/** One status poll; a timeout, network error or non-2xx counts as `wait` (§2.2). */
export async function pollQrStatus(http: IlinkHttp, base: string, qrcode: string, verifyCode: string | undefined, signal?: AbortSignal): Promise<StatusResponse> {
	let endpoint = `ilink/bot/get_qrcode_status?qrcode=${encodeURIComponent(qrcode)}`;
	if (verifyCode) endpoint += `&verify_code=${encodeURIComponent(verifyCode)}`;
	try {
		return await http.get<StatusResponse>(base, endpoint, { signal, timeoutMs: QR_POLL_TIMEOUT_MS, secrets: [qrcode] });
	} catch (err) {
		if (isAbort(err, signal)) throw err;
		if (err instanceof NetworkError || err instanceof ProtocolError) return { status: 'wait' };
		throw err;
	}
}

/** The account base from `confirmed`: a WeChat https URL, or anything when an override sends every call to one origin. */
function accountBase(http: IlinkHttp, baseurl: string): string {
	if (!baseurl) return DEFAULT_BASE_URL;
	if (http.originOverride) {
		try {
			return new URL(baseurl).toString().replace(/\/$/, '');
		} catch {
			return DEFAULT_BASE_URL;
		}
	}
	return assertIlinkUrl(baseurl, 'account base URL from the login').toString().replace(/\/$/, '');
}

export async function* loginEvents(http: IlinkHttp, opts: IlinkLoginOptions = {}): AsyncGenerator<IlinkLoginEvent, IlinkLoginOutcome, void> {
	const { signal } = opts;
	const clock = http.clock;
	const qrBase = opts.qrBaseUrl ?? DEFAULT_BASE_URL;
	const maxQr = Math.max(1, opts.maxQrCodes ?? MAX_QR_CODES);
	const gap = opts.pollGapMs ?? 1000;
	const deadline = clock.now() + (opts.timeoutMs ?? LOGIN_DEADLINE_MS);
	const previous = opts.previousTokens ?? [];

	let attempt = 1;
	let { qrcode, url } = await fetchQrCode(http, qrBase, previous, signal);
	yield { type: 'qr', qrcode, url, attempt };
	let pollBase = qrBase;
	let pendingCode: string | undefined;
	let scanned = false;

	const nextQr = async (): Promise<boolean> => {
		attempt++;
		if (attempt > maxQr) return false;
		({ qrcode, url } = await fetchQrCode(http, qrBase, previous, signal));
		pollBase = qrBase;
		pendingCode = undefined;
		scanned = false;
		return true;
	};

	while (clock.now() < deadline) {
		const answer = await pollQrStatus(http, pollBase, qrcode, pendingCode, signal);
		const status = str(answer.status);
		let pause = true;
		switch (status) {
			case 'scaned':
				if (pendingCode) {
					pendingCode = undefined;
					yield { type: 'verifyCodeAccepted' };
				}
				if (!scanned) {
					scanned = true;
					yield { type: 'scanned' };
				}
				break;
			case 'need_verifycode': {
				const retry = pendingCode !== undefined;
				yield { type: 'verifyCodeNeeded', retry };
				if (!opts.verifyCode) throw new LoginFailedError('WeChat asks for the number shown on the phone, and no source of it was given', 'Log in from a place that can ask for the number (the command line), or try again.');
				const digits = str(await opts.verifyCode({ retry, signal }));
				if (!digits) throw new LoginFailedError('no number was entered');
				pendingCode = digits;
				pause = false;
				break;
			}
			case 'verify_code_blocked':
				yield { type: 'verifyCodeBlocked', attempt };
				if (!(await nextQr())) throw new LoginFailedError('the number was entered wrong too often', 'Wait a while, then start the login again.');
				yield { type: 'qr', qrcode, url, attempt };
				break;
			case 'expired':
				yield { type: 'qrExpired', attempt };
				if (!(await nextQr())) throw new LoginTimeoutError(`the QR code expired ${maxQr} times`);
				yield { type: 'qr', qrcode, url, attempt };
				break;
			case 'scaned_but_redirect': {
				const base = redirectBase(answer.redirect_host);
				if (base) {
					pollBase = base;
					yield { type: 'redirected', host: new URL(base).host };
				}
				break;
			}
			case 'binded_redirect':
				yield { type: 'alreadyBound' };
				return { kind: 'alreadyBound' };
			case 'confirmed': {
				const botId = str(answer.ilink_bot_id);
				const botToken = str(answer.bot_token);
				if (!botId) throw new LoginFailedError('the server confirmed without a bot id');
				if (!botToken) throw new LoginFailedError('the server confirmed without a bot token');
				const session = new IlinkSession({ botToken, botId, ownerId: str(answer.ilink_user_id), baseUrl: accountBase(http, str(answer.baseurl)), loggedInAt: clock.now() });
				yield { type: 'confirmed', botId, ownerId: session.ownerId, baseUrl: session.baseUrl };
				return { kind: 'session', session };
			}
			default:
				// 'wait' and anything this version does not know: keep polling.
				break;
		}
		if (pause && gap > 0) await clock.sleep(gap, signal);
	}
	throw new LoginTimeoutError(`nobody confirmed within ${Math.round((opts.timeoutMs ?? LOGIN_DEADLINE_MS) / 1000)} s`);
}
