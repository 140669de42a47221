/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * The request core every protocol call goes through: builds logical URLs on the
 * right host, applies the origin override, carries the session's cookie jar in
 * both directions, and turns JSON envelopes into typed results or typed errors.
 */
import type { Clock } from './clock';
import { ApiError, isAbort, LoggedOutError, NetworkError, ProtocolError, RateLimitedError, WeChatError, logoutReasonFor } from './errors';
import type { HostRole } from './hosts';
import { QR_HOST, routeUrl } from './hosts';
import { deviceId } from './ids';
import type { Session } from './session';
import type { HttpResponse, HttpTransport, Logger, RouteDeps } from './transport';
import { buildRequest, endpointName, isConnectionDrop, setCookieHeaders, silentLogger } from './transport';
import { cookieHeader, jarChanged } from './cookie-cache';
import type { BaseResponse } from './types';
import type { CookieJar } from '../vendor';

export const CGI = '/cgi-bin/mmwebwx-bin';
export const USER_AGENT =
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/111.0.0.0 Safari/537.36';
/** OFF's default request timeout; long polls pass their own. */
export const DEFAULT_TIMEOUT_MS = 30000;

export type Query = Record<string, string | number | undefined>;

export type { Logger } from './transport';
export { silentLogger };
/** A Web client's dependencies (the route-neutral set). */
export type ClientDeps = RouteDeps;

export interface CallOptions {
	signal?: AbortSignal;
	timeoutMs?: number;
	headers?: Record<string, string>;
	/** See HttpRequest.purpose (default `session`). */
	purpose?: 'login' | 'session';
}

export function buildQuery(query: Query): string {
	const parts: string[] = [];
	for (const [k, v] of Object.entries(query)) {
		if (v === undefined) continue;
		parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
	}
	return parts.length ? `?${parts.join('&')}` : '';
}

export class WeChatHttp {
	readonly deps: ClientDeps;
	readonly logger: Logger;

	constructor(deps: ClientDeps) {
		this.deps = deps;
		this.logger = deps.logger ?? silentLogger;
	}

	get clock(): Clock {
		return this.deps.clock;
	}

	/**
	 * Swaps the transport (and clock) under a live client: an n8n node reuses a
	 * cached client across executions, each with its own request helpers.
	 */
	rebind(transport: HttpTransport, clock?: Clock): void {
		(this as { deps: ClientDeps }).deps = { ...this.deps, transport, clock: clock ?? this.deps.clock };
	}

	/** Logical URL (before any override) of a path on a host role. */
	url(session: Session | null, role: HostRole, path: string, query: Query = {}): string {
		return `https://${hostFor(session, role)}${path}${buildQuery(query)}`;
	}

	/**
	 * Sends a request; cookies come from and go back into `jar` under the logical URL.
	 * Rejects only on network failure/timeout/abort; any status resolves.
	 */
	async raw(
		jar: CookieJar | null,
		method: 'GET' | 'POST',
		logicalUrl: string,
		opts: CallOptions & { body?: string | Uint8Array; responseType?: 'text' | 'stream' } = {},
	): Promise<HttpResponse> {
		const { url, extraHeaders } = routeUrl(logicalUrl, this.deps.originOverride);
		const headers: Record<string, string> = {
			'user-agent': USER_AGENT,
			accept: 'application/json, text/plain, */*',
			'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
			...extraHeaders,
			...(opts.headers ?? {}),
		};
		if (jar) {
			const cookie = cookieHeader(jar, logicalUrl, this.clock.now());
			if (cookie) headers.cookie = cookie;
		}
		const endpoint = endpointName(logicalUrl);
		// Only on failure: the values this request carries, so no message can repeat them.
		const secrets = () => requestSecrets([logicalUrl, url], headers.cookie, opts.body);
		let res: HttpResponse;
		try {
			res = await this.deps.transport.request(buildRequest(method, url, headers, opts, DEFAULT_TIMEOUT_MS));
		} catch (err) {
			// Cancelled by the caller: an abort, whatever the transport calls it.
			if (opts.signal?.aborted) throw err;
			// An abort nobody here asked for is the connection going away (n8n's helpers report a
			// body cut short as "aborted"); so is a reset or premature close. Timeouts stay timeouts.
			if (isAbort(err) || isConnectionDrop(err)) throw new ConnectionDroppedError(endpoint, 'answer', safeCause(err, secrets()));
			if (err instanceof NetworkError) throw err;
			// A transport's message may quote the URL, cookies or body, all of which carry tokens.
			throw new NetworkError(`Request to ${endpoint} failed: ${redactSecrets(errorText(err), secrets())}`);
		}
		if (res.stream) res = guardStream(res, endpoint, opts.signal, secrets);
		if (jar) {
			const setCookies = setCookieHeaders(res);
			for (const header of setCookies) {
				try {
					jar.setCookieSync(header, logicalUrl, { ignoreError: true });
				} catch {
					// A cookie the jar rejects (bad domain) is ignored, as a browser would.
				}
			}
			if (setCookies.length) jarChanged(jar);
		}
		return res;
	}

	/** GET/POST expecting text; HTTP errors become NetworkError with the status. */
	async text(jar: CookieJar | null, method: 'GET' | 'POST', logicalUrl: string, opts: CallOptions & { body?: string } = {}): Promise<{ status: number; text: string; res: HttpResponse }> {
		const res = await this.raw(jar, method, logicalUrl, opts);
		const text = res.text ?? '';
		if (res.status >= 400) throw new NetworkError(`${endpointName(logicalUrl)} answered HTTP ${res.status}.`, res.status);
		return { status: res.status, text, res };
	}

	/** BaseRequest for JSON calls; DeviceID fresh per call like the official client. */
	baseRequest(session: Session): { Uin: number; Sid: string; Skey: string; DeviceID: string } {
		return {
			Uin: Number(session.tokens.uin),
			Sid: session.tokens.sid,
			Skey: session.tokens.skey,
			DeviceID: deviceId(this.clock),
		};
	}

	/**
	 * POST a JSON body with BaseRequest to the main host and check the envelope:
	 * 1100/1101/1102 → LoggedOutError, 1205 → RateLimitedError, other Ret → ApiError.
	 */
	async postJson<T extends { BaseResponse?: BaseResponse }>(
		session: Session,
		path: string,
		query: Query,
		body: Record<string, unknown>,
		opts: CallOptions & { role?: HostRole } = {},
	): Promise<T> {
		const url = this.url(session, opts.role ?? 'main', path, query);
		const payload = JSON.stringify({ BaseRequest: this.baseRequest(session), ...body });
		const { text } = await this.text(session.jar, 'POST', url, {
			...opts,
			body: payload,
			headers: { 'content-type': 'application/json;charset=UTF-8', ...(opts.headers ?? {}) },
		});
		return checkEnvelope<T>(endpointName(url), text);
	}

	/** GET a JSON document from the main host and check its envelope. */
	async getJson<T extends { BaseResponse?: BaseResponse }>(session: Session, path: string, query: Query, opts: CallOptions = {}): Promise<T> {
		const url = this.url(session, 'main', path, query);
		const { text } = await this.text(session.jar, 'GET', url, opts);
		return checkEnvelope<T>(endpointName(url), text);
	}
}

export function hostFor(session: Session | null, role: HostRole): string {
	if (role === 'qr') return QR_HOST;
	if (!session) {
		if (role === 'login') return 'login.wx.qq.com';
		return 'wx.qq.com';
	}
	return session.hosts[role];
}

/**
 * The connection closed before the whole answer arrived: a reset, or a server or
 * proxy closing it mid-body. Neither a cancellation by the caller (that stays an
 * abort) nor a timeout (`No answer within …`). Transports word it in many ways —
 * undici "terminated", axios "stream has been aborted", even an AbortError nobody
 * asked for — this names it. `cause` is the transport's error with URLs and token
 * values taken out.
 */
export class ConnectionDroppedError extends NetworkError {
	readonly phase: 'answer' | 'body';
	constructor(endpoint: string, phase: 'answer' | 'body', cause: Error) {
		const said = cause.message.trim().replace(/\.$/, '');
		super(
			phase === 'body'
				? `Reading the answer of ${endpoint} failed: the connection dropped before the whole body arrived (the transport said: ${said}).`
				: `Request to ${endpoint} failed: the connection dropped before the whole answer arrived (the transport said: ${said}).`,
		);
		this.name = 'ConnectionDroppedError';
		this.phase = phase;
		this.cause = cause;
	}
}

/** Names whose values are tokens, in `name=value` (query, cookie) or `"Name":"value"` (JSON) form. */
const SECRET_FIELD = /\b((?:wx)?sid|(?:wx)?uin|skey|pass_?ticket|webwx_data_ticket|webwx_auth_ticket|ticket|uuid|deviceid)("?\s*[:=]\s*"?)([^\s&;,"'}\]]+)/gi;

/**
 * Text for an error message with every token taken out: the request's own query
 * and cookie values (as sent, encoded or not), any URL, and the value of any
 * token-named field.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
	let out = text;
	for (const secret of secrets) out = out.split(secret).join('<hidden>');
	return out.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>').replace(SECRET_FIELD, '$1$2<hidden>');
}

/** Values (≥ 6 characters) of the query strings, cookie header and BaseRequest of a request, longest first. */
function requestSecrets(urls: string[], cookie: string | undefined, body: string | Uint8Array | undefined): string[] {
	const found = new Set<string>();
	const add = (value: string) => {
		const v = value.trim();
		if (v.length < 6) return;
		found.add(v);
		found.add(encodeURIComponent(v));
		try {
			found.add(decodeURIComponent(v));
		} catch {
			// Not percent-encoded text: the value as is is enough.
		}
	};
	for (const url of urls) {
		const q = url.indexOf('?');
		if (q >= 0) for (const pair of url.slice(q + 1).split('&')) add(pair.slice(pair.indexOf('=') + 1));
	}
	for (const pair of (cookie ?? '').split(';')) add(pair.slice(pair.indexOf('=') + 1));
	if (typeof body === 'string') for (const m of body.matchAll(/"(?:Uin|Sid|Skey|DeviceID)"\s*:\s*"?([^",}]+)/g)) add(m[1]);
	return [...found].filter((v) => v.length >= 6).sort((a, b) => b.length - a.length);
}

function errorText(err: unknown): string {
	const message = (err as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : String(err);
}

/** A transport error reduced to what is safe to keep: name, code and message (redacted), and its causes. */
function safeCause(err: unknown, secrets: readonly string[], depth = 0): Error {
	const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; code?: unknown; cause?: unknown };
	const copy = new Error(redactSecrets(errorText(err), secrets)) as Error & { code?: string | number };
	if (typeof e.name === 'string') copy.name = e.name;
	if (typeof e.code === 'string' || typeof e.code === 'number') copy.code = e.code;
	if (e.cause !== undefined && depth < 3) copy.cause = safeCause(e.cause, secrets, depth + 1);
	return copy;
}

/**
 * A streamed body whose read failures say what happened: a connection that drops
 * mid-body becomes ConnectionDroppedError; the caller's abort and a cancel of the
 * stream stay what they are.
 */
function guardStream(res: HttpResponse, endpoint: string, signal: AbortSignal | undefined, secrets: () => string[]): HttpResponse {
	const inner = res.stream as AsyncIterable<Uint8Array>;
	let cancelled = false;
	const stream: AsyncIterable<Uint8Array> = {
		[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
			const it = inner[Symbol.asyncIterator]();
			return {
				async next() {
					try {
						return await it.next();
					} catch (err) {
						if (cancelled || signal?.aborted || (err instanceof WeChatError && !isAbort(err))) throw err;
						if (isAbort(err) || isConnectionDrop(err)) throw new ConnectionDroppedError(endpoint, 'body', safeCause(err, secrets()));
						throw err;
					}
				},
				async return(value?: unknown) {
					if (it.return) return await it.return(value);
					return { done: true, value: undefined };
				},
			};
		},
	};
	const cancel = res.cancel;
	return {
		...res,
		stream,
		cancel: () => {
			cancelled = true;
			cancel?.();
		},
	};
}

export { endpointName };

export function parseJson<T>(endpoint: string, text: string): T {
	if (!text) throw new ProtocolError(`${endpoint} answered with an empty body.`);
	try {
		return JSON.parse(text) as T;
	} catch {
		throw new ProtocolError(`${endpoint} answered with a body that is not JSON (${text.length} bytes).`);
	}
}

export function checkEnvelope<T extends { BaseResponse?: BaseResponse }>(endpoint: string, text: string): T {
	const data = parseJson<T>(endpoint, text);
	if (!data || typeof data !== 'object') throw new ProtocolError(`${endpoint} answered with JSON of the wrong shape.`);
	const base = data.BaseResponse;
	if (!base || typeof base.Ret !== 'number') throw new ProtocolError(`${endpoint} answered without a BaseResponse.`);
	checkRet(endpoint, base.Ret, base.ErrMsg ?? '');
	return data;
}

export function checkRet(endpoint: string, ret: number, errMsg: string): void {
	if (ret === 0) return;
	if (ret === 1100 || ret === 1101 || ret === 1102) throw new LoggedOutError(logoutReasonFor(ret), ret);
	if (ret === 1205) throw new RateLimitedError(endpoint);
	throw new ApiError(endpoint, ret, errMsg);
}
