/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * Getting a session: push login (the phone only confirms) when a previous
 * session is known, else QR login; scan polling; the ticket exchange at
 * webwxnewloginpage in classic web or desktop (UOS) mode (protocol.md §1.1–1.5, §8).
 */
import { CookieJar } from '../vendor';
import { ApiError, isAbort, LoginCancelledError, LoginRefusedError, LoginTimeoutError, NetworkError, ProtocolError } from './errors';
import type { WeChatHttp } from './http';
import { CGI } from './http';
import { hostsFor, mainHostFromRedirect } from './hosts';
import { notTime } from './ids';
import { parseJsLogin, parseLoginPoll } from './jsbody';
import { qrLink } from './qr';
import type { LoginMode } from './session';
import { Session } from './session';
import { parseXml, xmlChild, xmlText } from './xml';

export const APP_ID = 'wx782c26e4c19acffb';
/** The 2022-04-14 UOS attestation every maintained library replays (§1.4). */
export const UOS_EXTSPAM =
	'Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY/5FfiO++1yH4ykCyNPWKXmco+wfQzK5R98D3so7rJ5LmGFvBLjGceleySrc3SOf2Pc1gVehzJgODeS0lDL3/I/0S2SSE98YgKleq6Uqx6ndTy9yaL9qFxJL7eiA/R3SEfTaW1SBoSITIu+EEkXff+Pv8NHOk7N57rcGk1w0ZzRrQDkXTOXFN2iHYIzAAZPIOY45Lsh+A4slpgnDiaOvRtlQYCt97nmPLuTipOJ8Qc5pM7ZsOsAPPrCQL7nK0I7aPrFDF0q4ziUUKettzW8MrAaiVfmbD1/VkmLNVqqZVvBCtRblXb5FHmtS8FxnqCzYP4WFvz3T0TcrOqwLX1M/DQvcHaGGw0B0y4bZMs7lVScGBFxMj3vbFi2SRKbKhaitxHfYHAOAa0X7/MSS0RNAjdwoyGHeOepXOKY+h3iHeqCvgOH6LOifdHf/1aaZNwSkGotYnYScW8Yx63LnSwba7+hESrtPa/huRmB9KWvMCKbDThL/nne14hnL277EDCSocPu3rOSYjuB9gKSOdVmWsj9Dxb/iZIe+S6AiG29Esm+/eUacSba0k8wn5HhHg9d4tIcixrxveflc8vi2/wNQGVFNsGO6tB5WF0xf/plngOvQ1/ivGV/C1Qpdhzznh0ExAVJ6dwzNg7qIEBaw+BzTJTUuRcPk92Sn6QDn2Pu3mpONaEumacjW4w6ipPnPw+g2TfywJjeEcpSZaP4Q3YV5HG8D6UjWA4GSkBKculWpdCMadx0usMomsSS/74QgpYqcPkmamB4nVv1JxczYITIqItIKjD35IGKAUwAA==';
export const UOS_CLIENT_VERSION = '2.0.0';
export const UOS_REFERER = 'https://wx.qq.com/?&lang=zh_CN&target=t';
const NEWLOGINPAGE = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage';
/** OFF's client-side timeout for the held login poll. */
const POLL_TIMEOUT_MS = 35000;

export type LoginEvent =
	| { type: 'qr'; uuid: string; url: string; attempt: number }
	| { type: 'pushSent'; uuid: string }
	| { type: 'scanned'; avatar?: string }
	| { type: 'confirmed' }
	| { type: 'qrExpired'; attempt: number }
	| { type: 'pushFailed'; reason: string };

export interface LoginOptions {
	mode: LoginMode;
	/** A previous session (possibly dead): enables push login with its uin and auth-ticket cookie. */
	previous?: Session | null;
	signal?: AbortSignal;
	onEvent?: (event: LoginEvent) => void | Promise<void>;
	/** How many times a new QR is fetched after the previous one expired (default 5, like OFF's reloads). */
	maxQrRefreshes?: number;
	/** Minimum gap between two login polls; ≥ 1 s avoids the "QR keeps regenerating" trap (§6.6). */
	pollGapMs?: number;
	/** Give up waiting for a push-login confirmation after this long and fall back to QR (OFF: 5 min). */
	pushTimeoutMs?: number;
	/** Use push login when possible (default true). */
	push?: boolean;
	/** Append `fun=new&version=v2` to webwxnewloginpage like the official client (default true). */
	version2?: boolean;
}

// The login's own errors live with the others (errors.ts); re-exported for callers of this module.
export { LoginCancelledError, LoginTimeoutError };

/** jslogin: a fresh login uuid (desktop mode asks for the `mod=desktop` redirect). */
export async function fetchUuid(http: WeChatHttp, mode: LoginMode, signal?: AbortSignal): Promise<string> {
	const redirect = mode === 'desktop' ? `${NEWLOGINPAGE}?mod=desktop` : NEWLOGINPAGE;
	const url = http.url(null, 'login', '/jslogin', { appid: APP_ID, fun: 'new', lang: 'zh_CN', redirect_uri: redirect, _: Math.floor(http.clock.now()) });
	const { text } = await http.text(null, 'GET', url, { signal, timeoutMs: 10000, purpose: 'login' });
	const parsed = parseJsLogin(text);
	if (!parsed) throw new ProtocolError('jslogin answered in an unexpected format.');
	if (parsed.code !== 200 || !parsed.uuid) throw new ProtocolError(`jslogin answered code ${parsed.code} without a login uuid.`);
	return parsed.uuid;
}

/** webwxpushloginurl: asks the phone to confirm; null when the server will not push (fall back to QR). */
export async function requestPushLogin(http: WeChatHttp, previous: Session, signal?: AbortSignal): Promise<string | null> {
	const query: Record<string, string> = { uin: previous.tokens.uin };
	if (previous.mode === 'desktop') query.mod = 'desktop';
	const url = http.url(previous, 'main', `${CGI}/webwxpushloginurl`, query);
	let text: string;
	try {
		({ text } = await http.text(previous.jar, 'GET', url, { signal, timeoutMs: 10000, purpose: 'login' }));
	} catch (err) {
		if (isAbort(err, signal)) throw err;
		return null;
	}
	try {
		const data = JSON.parse(text) as { ret?: string | number; uuid?: string };
		return String(data.ret) === '0' && typeof data.uuid === 'string' && data.uuid ? data.uuid : null;
	} catch {
		return null; // EFB: a non-JSON answer means "no push login", not a failure.
	}
}

export function canPushLogin(previous: Session | null | undefined): previous is Session {
	return !!previous && !!previous.tokens.uin && !!previous.cookie('webwx_auth_ticket');
}

type PollOutcome = { kind: 'confirmed'; redirectUri: string } | { kind: 'expired' } | { kind: 'cancelled' };

/** Polls one uuid until it is confirmed, expires or is cancelled. */
async function pollUntilDecided(
	http: WeChatHttp,
	loginHost: string,
	uuid: string,
	opts: LoginOptions,
	deadline: number,
): Promise<PollOutcome> {
	const gap = opts.pollGapMs ?? 1000;
	let tip = 1;
	let scannedReported = false;
	while (http.clock.now() < deadline) {
		const started = http.clock.now();
		const url = `https://${loginHost}${CGI}/login${buildLoginQuery(uuid, tip, http)}`;
		let poll;
		try {
			const { text } = await http.text(null, 'GET', url, { signal: opts.signal, timeoutMs: POLL_TIMEOUT_MS, purpose: 'login' });
			poll = parseLoginPoll(text);
		} catch (err) {
			if (isAbort(err, opts.signal)) throw err;
			if (!(err instanceof NetworkError)) throw err;
			poll = null; // A dropped long poll is normal; poll again after the gap.
		}
		const code = poll?.code ?? -1;
		if (code === 200 && poll?.redirectUri) {
			await opts.onEvent?.({ type: 'confirmed' });
			return { kind: 'confirmed', redirectUri: poll.redirectUri };
		}
		if (code === 201) {
			tip = 0;
			if (!scannedReported) {
				scannedReported = true;
				await opts.onEvent?.({ type: 'scanned', avatar: poll?.avatar });
			}
		} else if (code === 202) {
			return { kind: 'cancelled' };
		} else if (code === 400 || code === 500 || code === 0) {
			return { kind: 'expired' };
		} else if (code === 408) {
			tip = 0;
		}
		const elapsed = http.clock.now() - started;
		if (elapsed < gap) await http.clock.sleep(gap - elapsed, opts.signal);
	}
	return { kind: 'expired' };
}

function buildLoginQuery(uuid: string, tip: number, http: WeChatHttp): string {
	return `?loginicon=true&uuid=${encodeURIComponent(uuid)}&tip=${tip}&r=${notTime(http.clock)}&_=${Math.floor(http.clock.now())}`;
}

/** Only WeChat's own hosts may receive the login ticket exchange. */
function assertWeChatHost(host: string): void {
	if (!/(^|\.)(qq\.com|wechat\.com)$/.test(host)) throw new ProtocolError('The login redirect points outside WeChat; refusing to follow it.');
}

/**
 * webwxnewloginpage without following redirects; in desktop mode without
 * `version=v2` the XML arrives in a 301 body with no Location header (§1.4).
 */
export async function exchangeTicket(
	http: WeChatHttp,
	redirectUri: string,
	mode: LoginMode,
	jar: CookieJar,
	opts: { signal?: AbortSignal; version2?: boolean } = {},
): Promise<Session> {
	const mainHost = mainHostFromRedirect(redirectUri);
	if (!mainHost) throw new ProtocolError('The login redirect is not a valid URL.');
	assertWeChatHost(mainHost);
	let url = redirectUri;
	if (opts.version2 !== false) url += `${url.includes('?') ? '&' : '?'}fun=new&version=v2`;
	if (mode === 'desktop') url += `${url.includes('?') ? '&' : '?'}mod=desktop`;
	const headers: Record<string, string> =
		mode === 'desktop' ? { 'client-version': UOS_CLIENT_VERSION, extspam: UOS_EXTSPAM, referer: UOS_REFERER } : {};
	const res = await http.raw(jar, 'GET', url, { signal: opts.signal, headers, timeoutMs: 30000, purpose: 'login' });
	const body = res.text ?? '';
	if (res.status >= 500) throw new NetworkError(`webwxnewloginpage answered HTTP ${res.status}.`, res.status);
	const doc = parseXml(body);
	if (!doc || xmlChild(doc, 'error') === undefined) {
		if (/<html|<!doctype|<body/i.test(body)) throw new LoginRefusedError(1203, htmlText(body));
		throw new ProtocolError(`webwxnewloginpage answered HTTP ${res.status} without the expected XML.`);
	}
	const field = (name: string): string => xmlText(doc, 'error', name).trim();
	const ret = Number(field('ret') || '0');
	if (ret === 1203) throw new LoginRefusedError(ret, field('message'));
	if (ret !== 0) throw new ApiError('webwxnewloginpage', ret, field('message'));
	const session = new Session({
		mode,
		mainHost,
		tokens: { uin: '', sid: '', skey: field('skey'), passTicket: field('pass_ticket') },
		// The server's clock, not ours: a local clock running ahead would file new messages as history.
		loginTime: serverSeconds(res.headers.date) ?? Math.floor(http.clock.now() / 1000),
		jar,
	});
	// W4/ITU read wxsid and wxuin from the cookies as well; the XML wins when it has them.
	session.tokens.sid = field('wxsid') || session.cookie('wxsid') || '';
	session.tokens.uin = field('wxuin') || session.cookie('wxuin') || '';
	if (!session.tokens.skey || !session.tokens.sid || !session.tokens.uin || !session.tokens.passTicket) {
		// IT: "Your wechat account may be LIMITED to log in WEB wechat".
		throw new LoginRefusedError(ret, 'the server returned no session tokens; this account may be limited on web WeChat');
	}
	return session;
}

/** A response's `Date` header in Unix seconds, when it has a readable one. */
function serverSeconds(date: string | string[] | undefined): number | undefined {
	const ms = typeof date === 'string' ? Date.parse(date) : NaN;
	return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** Visible text of an HTML refusal page, bounded (the server's words are the useful part). */
function htmlText(html: string): string {
	// One pass with indexOf (no backtracking pattern): linear whatever the page, closed tags or not.
	const src = html.slice(0, 64_000);
	const lower = src.toLowerCase();
	let out = '';
	let i = 0;
	while (i < src.length) {
		const lt = src.indexOf('<', i);
		if (lt < 0) {
			out += src.slice(i);
			break;
		}
		out += `${src.slice(i, lt)} `;
		const block = lower.startsWith('<script', lt) ? '</script' : lower.startsWith('<style', lt) ? '</style' : '';
		const close = block ? lower.indexOf(block, lt) : lt;
		const gt = close < 0 ? -1 : src.indexOf('>', close);
		i = gt < 0 ? src.length : gt + 1;
	}
	return out.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * The whole login: push login first when a previous session allows it, else
 * (or when the phone does not confirm) QR codes until one is confirmed or
 * `maxQrRefreshes` expired. Returns a session not yet initialized (webwxinit).
 */
export async function login(http: WeChatHttp, opts: LoginOptions): Promise<Session> {
	const mode = opts.mode;
	const previous = opts.previous;
	if (opts.push !== false && canPushLogin(previous)) {
		const uuid = await requestPushLogin(http, previous, opts.signal);
		if (uuid) {
			await opts.onEvent?.({ type: 'pushSent', uuid });
			const deadline = http.clock.now() + (opts.pushTimeoutMs ?? 5 * 60000);
			const outcome = await pollUntilDecided(http, previous.hosts.login, uuid, opts, deadline);
			if (outcome.kind === 'confirmed') return exchangeTicket(http, outcome.redirectUri, mode, previous.jar, opts);
			if (outcome.kind === 'cancelled') throw new LoginCancelledError();
			await opts.onEvent?.({ type: 'pushFailed', reason: 'the phone did not confirm in time' });
		} else {
			await opts.onEvent?.({ type: 'pushFailed', reason: 'the server did not accept a push login' });
		}
	}
	const maxRefreshes = opts.maxQrRefreshes ?? 5;
	const loginHost = hostsFor('wx.qq.com').login;
	for (let attempt = 0; attempt <= maxRefreshes; attempt++) {
		const uuid = await fetchUuid(http, mode, opts.signal);
		await opts.onEvent?.({ type: 'qr', uuid, url: qrLink(uuid), attempt });
		// A QR lives about 4-5 minutes server-side; the server's 400 ends it earlier.
		const outcome = await pollUntilDecided(http, loginHost, uuid, opts, http.clock.now() + 5 * 60000);
		if (outcome.kind === 'confirmed') return exchangeTicket(http, outcome.redirectUri, mode, new CookieJar(), opts);
		if (outcome.kind === 'cancelled') throw new LoginCancelledError();
		await opts.onEvent?.({ type: 'qrExpired', attempt });
	}
	throw new LoginTimeoutError(maxRefreshes);
}
