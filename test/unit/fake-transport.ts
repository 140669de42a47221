/**
 * A recording transport for unit tests: canned responses queued per endpoint
 * name (last path segment), every request recorded with its parsed URL and body.
 * Responses may be text, JSON or a stream of chunks; streams record whether
 * they were cancelled or read to the end.
 */
import { WeChatHttp } from '../../lib/wechat/http';
import type { RawUser } from '../../lib/wechat/types';
import { Session } from '../../lib/wechat/session';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat/transport';
import { FakeClock } from './fake-clock';

export interface Canned {
	status?: number;
	headers?: Record<string, string | string[]>;
	text?: string;
	json?: unknown;
	/** Stream body; strings are UTF-8 encoded. */
	chunks?: Array<Uint8Array | string>;
	/** Reject the request with this error instead of answering. */
	error?: Error;
}

export type CannedFn = (req: RecordedRequest) => Canned | Promise<Canned>;

export interface StreamState {
	cancelled: boolean;
	returned: boolean;
	finished: boolean;
}

export interface RecordedRequest {
	endpoint: string;
	method: string;
	url: string;
	host: string;
	path: string;
	query: Array<[string, string]>;
	headers: Record<string, string>;
	body?: string | Uint8Array;
	responseType: string;
	timeoutMs: number;
	signal?: AbortSignal;
	stream?: StreamState;
}

export class FakeTransport implements HttpTransport {
	readonly requests: RecordedRequest[] = [];
	private readonly queues = new Map<string, Array<Canned | CannedFn>>();
	private readonly always = new Map<string, Canned | CannedFn>();

	/** Queues answers for an endpoint, used once each in order. */
	on(endpoint: string, ...responses: Array<Canned | CannedFn>): this {
		this.queues.set(endpoint, [...(this.queues.get(endpoint) ?? []), ...responses]);
		return this;
	}

	/** The answer for an endpoint once its queue is empty. */
	otherwise(endpoint: string, response: Canned | CannedFn): this {
		this.always.set(endpoint, response);
		return this;
	}

	to(endpoint: string): RecordedRequest[] {
		return this.requests.filter((r) => r.endpoint === endpoint);
	}

	async request(req: HttpRequest): Promise<HttpResponse> {
		const u = new URL(req.url);
		const endpoint = u.pathname.slice(u.pathname.lastIndexOf('/') + 1);
		const recorded: RecordedRequest = {
			endpoint,
			method: req.method,
			url: req.url,
			host: u.host,
			path: u.pathname,
			query: [...u.searchParams.entries()],
			headers: { ...req.headers },
			body: req.body,
			responseType: req.responseType,
			timeoutMs: req.timeoutMs,
			signal: req.signal,
		};
		this.requests.push(recorded);
		const queued = this.queues.get(endpoint);
		const entry = queued && queued.length ? queued.shift() : this.always.get(endpoint);
		if (!entry) throw new Error(`FakeTransport: no answer queued for ${endpoint}`);
		const canned = typeof entry === 'function' ? await entry(recorded) : entry;
		if (canned.error) throw canned.error;
		if (req.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
		const headers = { ...(canned.headers ?? {}) };
		const text = canned.json !== undefined ? JSON.stringify(canned.json) : canned.text;
		const status = canned.status ?? 200;
		if (req.responseType === 'stream') {
			const chunks = canned.chunks ?? (text !== undefined ? [text] : []);
			const state: StreamState = { cancelled: false, returned: false, finished: false };
			recorded.stream = state;
			return { status, headers, stream: streamOf(chunks, state), cancel: () => (state.cancelled = true) };
		}
		return { status, headers, text: text ?? (canned.chunks ? Buffer.concat(canned.chunks.map(toBytes)).toString('utf8') : '') };
	}
}

function toBytes(c: Uint8Array | string): Uint8Array {
	return typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
}

function streamOf(chunks: Array<Uint8Array | string>, state: StreamState): AsyncIterable<Uint8Array> {
	return {
		[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
			let i = 0;
			return {
				async next() {
					if (state.cancelled || state.returned || i >= chunks.length) {
						if (i >= chunks.length) state.finished = true;
						return { done: true, value: undefined };
					}
					return { done: false, value: toBytes(chunks[i++]) };
				},
				async return() {
					state.returned = true;
					return { done: true, value: undefined };
				},
			};
		},
	};
}

export const ok = (extra: Record<string, unknown> = {}): Canned => ({ json: { BaseResponse: { Ret: 0, ErrMsg: '' }, ...extra } });
export const ret = (code: number, extra: Record<string, unknown> = {}): Canned => ({ json: { BaseResponse: { Ret: code, ErrMsg: '' }, ...extra } });

/** Secret values a test session uses, so tests can check they never leak into messages. */
export const SECRETS = {
	uin: '2837461920',
	sid: 'SIDsecretAbCdEf12',
	skey: '@crypt_1a2b3c4d_0123456789abcdef0123456789abcdef',
	passTicket: 'pT3%2BsecretXyz%2FQ',
	dataTicket: 'DATAticketSecret+/9=',
};
export const SELF = `@${'a'.repeat(64)}`;
export const PEER = `@${'b'.repeat(64)}`;
export const ROOM = `@@${'c'.repeat(64)}`;

export function makeSession(opts: { mode?: 'web' | 'desktop'; mainHost?: string; dataTicket?: boolean } = {}): Session {
	const mainHost = opts.mainHost ?? 'wx2.qq.com';
	const session = new Session({
		mode: opts.mode ?? 'web',
		mainHost,
		tokens: { uin: SECRETS.uin, sid: SECRETS.sid, skey: SECRETS.skey, passTicket: SECRETS.passTicket },
		loginTime: 1_700_000_000,
	});
	session.user = { Uin: Number(SECRETS.uin), UserName: SELF, NickName: 'Me' } as RawUser;
	const url = `https://${mainHost}/`;
	session.jar.setCookieSync(`wxsid=${SECRETS.sid}; Domain=${mainHost}; Path=/`, url);
	session.jar.setCookieSync(`wxuin=${SECRETS.uin}; Domain=${mainHost}; Path=/`, url);
	if (opts.dataTicket !== false) session.jar.setCookieSync(`webwx_data_ticket=${SECRETS.dataTicket}; Domain=.qq.com; Path=/`, url);
	return session;
}

export function makeClient(opts: { mode?: 'web' | 'desktop'; dataTicket?: boolean } = {}): { http: WeChatHttp; transport: FakeTransport; clock: FakeClock; session: Session } {
	const transport = new FakeTransport();
	const clock = new FakeClock();
	const http = new WeChatHttp({ transport, clock });
	return { http, transport, clock, session: makeSession(opts) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk arbitrary JSON
export function jsonBody(req: RecordedRequest): Record<string, any> {
	return JSON.parse(typeof req.body === 'string' ? req.body : Buffer.from(req.body ?? new Uint8Array()).toString('utf8'));
}

export interface ParsedPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
	value: string;
}

/** Splits a multipart body on its boundary (tests only; assumes well-formed input). */
export function parseMultipart(body: Uint8Array, contentType: string): ParsedPart[] {
	const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
	if (!boundary) throw new Error('no boundary');
	const buf = Buffer.from(body);
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: ParsedPart[] = [];
	let pos = buf.indexOf(delimiter);
	for (;;) {
		const start = pos + delimiter.length;
		if (buf.subarray(start, start + 2).toString() === '--') break;
		const next = buf.indexOf(delimiter, start);
		const part = buf.subarray(start + 2, next - 2); // skip CRLF after delimiter and before the next
		const headEnd = part.indexOf('\r\n\r\n');
		const head = part.subarray(0, headEnd).toString('utf8');
		const data = part.subarray(headEnd + 4);
		parts.push({
			name: /name="([^"]*)"/.exec(head)?.[1] ?? '',
			fileName: /filename="([^"]*)"/.exec(head)?.[1],
			contentType: /Content-Type: (.+)/i.exec(head)?.[1],
			data: Buffer.from(data),
			value: data.toString('utf8'),
		});
		pos = next;
	}
	return parts;
}

/** Every secret in a form it could appear in a message (raw, URL-encoded, decoded). */
export function secretForms(): string[] {
	const out = new Set<string>();
	for (const v of [SECRETS.sid, SECRETS.skey, SECRETS.passTicket, SECRETS.dataTicket]) {
		out.add(v);
		out.add(encodeURIComponent(v));
		try {
			out.add(decodeURIComponent(v));
		} catch {
			// not encoded
		}
	}
	return [...out];
}
