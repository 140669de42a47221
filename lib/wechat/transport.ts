/**
 * The client's only door to the network. Implementations: Node's fetch (command
 * line, tests) and n8n's request helpers (nodes). The client owns cookies, so a
 * transport must neither keep nor add any, and must never follow redirects
 * (webwxnewloginpage answers 301 with the XML in its body, protocol.md §1.4).
 */

import type { Clock } from './clock';

/** Where a client (any route) reports what it does; n8n's logger fits. */
export interface Logger {
	debug(message: string, meta?: Record<string, unknown>): void;
	info(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/** What every route's client is built from: the network, time, a log and the one optional origin override. */
export interface RouteDeps {
	transport: HttpTransport;
	clock: Clock;
	logger?: Logger;
	/** Send every request to this origin (sandbox, tests, proxy); each route validates it. */
	originOverride?: string;
}

/** An abort by the caller or the platform, whatever the transport calls it; each route's `isAbort` adds its own aborted class. */
export function isPlatformAbort(err: unknown, signal?: AbortSignal): boolean {
	if (signal?.aborted) return true;
	return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

export interface HttpRequest {
	method: 'GET' | 'POST';
	url: string;
	/** Header names in lower case. */
	headers: Record<string, string>;
	body?: string | Uint8Array;
	/** Abort the request (connection included) when this fires. */
	signal?: AbortSignal;
	/** Give up after this many ms with a `NetworkError` (timeout). */
	timeoutMs: number;
	/** `text`: the body as UTF-8 text; `stream`: the body as a byte stream. */
	responseType: 'text' | 'stream';
	/**
	 * `login` for the steps before a session exists (jslogin, scan polling, ticket
	 * exchange, push login); `session` for everything that carries session tokens.
	 * Lets an adapter route the two differently (n8n: plain vs authenticated helper).
	 */
	purpose?: 'login' | 'session';
}

export interface HttpResponse {
	status: number;
	/** Header names in lower case; `set-cookie` always as an array. */
	headers: Record<string, string | string[] | undefined>;
	/** Present when responseType was `text`. */
	text?: string;
	/** Present when responseType was `stream`; must be consumed or cancelled. */
	stream?: AsyncIterable<Uint8Array>;
	/** Stop a stream early (frees the connection). */
	cancel?: () => void;
}

/** Last path segment, for messages that must never contain query strings (tokens live there). */
export function endpointName(url: string): string {
	try {
		const path = new URL(url).pathname;
		return path.slice(path.lastIndexOf('/') + 1) || path;
	} catch {
		return 'request';
	}
}

/** What a route's call asks of the transport, with its defaults filled in. */
export function buildRequest(
	method: HttpRequest['method'],
	url: string,
	headers: Record<string, string>,
	opts: { body?: string | Uint8Array; signal?: AbortSignal; timeoutMs?: number; responseType?: HttpRequest['responseType']; purpose?: HttpRequest['purpose'] },
	defaultTimeoutMs: number,
): HttpRequest {
	const { body, signal } = opts;
	return { method, url, headers, body, signal, timeoutMs: opts.timeoutMs ?? defaultTimeoutMs, responseType: opts.responseType ?? 'text', purpose: opts.purpose ?? 'session' };
}

export interface HttpTransport {
	/** Resolves with any HTTP status; rejects only for network failures, timeouts and aborts. */
	request(req: HttpRequest): Promise<HttpResponse>;
}

export function headerValue(res: HttpResponse, name: string): string | undefined {
	const v = res.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

export function setCookieHeaders(res: HttpResponse): string[] {
	const v = res.headers['set-cookie'];
	if (v === undefined) return [];
	return Array.isArray(v) ? v : [v];
}

/** Error codes Node (net, stream, undici) gives a connection the other side or a proxy closed. */
const DROP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_HTTP2_STREAM_ERROR']);

/**
 * Whether a transport failure (or one of its causes) says the connection was
 * closed under the request: a reset, a premature close, undici's "terminated",
 * axios' "stream has been aborted" / "aborted". Timeouts are not drops.
 */
export function isConnectionDrop(err: unknown): boolean {
	let e: unknown = err;
	for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
		const { code, message } = e as { code?: unknown; message?: unknown };
		const text = typeof message === 'string' ? message : '';
		if (/time(d)?\s*out/i.test(text) || code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return false;
		if (typeof code === 'string' && DROP_CODES.has(code)) return true;
		// A transport that already summed it up names the code in its message: "Connection failed (UND_ERR_SOCKET).".
		if ([...DROP_CODES].some((c) => text.includes(`(${c})`))) return true;
		if (/^(terminated|aborted|stream has been aborted|socket hang up|other side closed|premature close)\.?$/i.test(text.trim())) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}
