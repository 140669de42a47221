/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * The request core of iLink: JSON POSTs with the §1 headers and `base_info`,
 * the GET of get_qrcode_status, raw CDN requests; non-2xx → NetworkError; the
 * envelope check over both `ret` and `errcode` (ilink-protocol.md §1, §10).
 */
import type { Clock } from '../wechat/clock';
import type { HttpResponse, Logger, RouteDeps } from '../wechat/transport';
import { buildRequest, endpointName, silentLogger } from '../wechat/transport';
import { RouteError } from '../route-errors';
import { AbortedError, IlinkApiError, isAbort, NetworkError, ProtocolError, redact, SessionStaleError, ThrottledError } from './errors';
import type { IdentityOptions } from './headers';
import { baseInfo, getHeaders, postHeaders } from './headers';
import { endpointUrl, parseOriginOverride, routeUrl } from './hosts';
import { parseIlinkJson } from './json';

export type { Logger } from '../wechat/transport';

export const STALE_ERRCODE = -14;
export const THROTTLE_RET = -2;

/** Timeouts of the official client (§6): 15 s for sendmessage/getuploadurl, 10 s for getconfig/sendtyping/notify*. */
export const API_TIMEOUT_MS = 15000;
export const LIGHT_TIMEOUT_MS = 10000;

/** The route-neutral set; `originOverride` sends API and CDN requests to one origin (hosts.ts). */
export interface IlinkDeps extends IdentityOptions, RouteDeps {}

export interface CallOptions {
	signal?: AbortSignal;
	timeoutMs?: number;
	/** Bearer token; absent → no Authorization header. */
	token?: string;
	/** Values this call carries that no error message may repeat. */
	secrets?: string[];
}

/** The fields every answer may carry. */
export interface Envelope {
	ret?: unknown;
	errcode?: unknown;
	errmsg?: unknown;
}

function code(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
	return undefined;
}

/**
 * Throws for a non-zero `ret` or `errcode` (either may be absent: `{}` is success):
 * -14 in either → SessionStaleError; ret -2 → ThrottledError until `now + throttleMs`
 * when given; other → IlinkApiError.
 */
export function checkEnvelope(endpoint: string, data: Envelope, opts: { now?: number; throttleMs?: number } = {}): void {
	const ret = code(data.ret);
	const errcode = code(data.errcode);
	if ((ret ?? 0) === 0 && (errcode ?? 0) === 0) return;
	if (ret === STALE_ERRCODE || errcode === STALE_ERRCODE) throw new SessionStaleError(endpoint);
	const errmsg = typeof data.errmsg === 'string' ? data.errmsg.slice(0, 200) : '';
	if ((ret === THROTTLE_RET || errcode === THROTTLE_RET) && opts.throttleMs !== undefined && opts.now !== undefined) {
		throw new ThrottledError(opts.now + opts.throttleMs, errmsg);
	}
	throw new IlinkApiError(endpoint, ret, errcode, errmsg);
}

export { endpointName };

function isTimeout(err: unknown): boolean {
	const e = err as { message?: unknown; code?: unknown; name?: unknown; timeout?: unknown } | null;
	if (!e || typeof e !== 'object') return false;
	if (e.timeout === true || e.name === 'TimeoutError' || e.code === 'ETIMEDOUT') return true;
	return typeof e.message === 'string' && /no answer within|time(d)?\s*out/i.test(e.message);
}

export class IlinkHttp {
	readonly deps: IlinkDeps;
	readonly logger: Logger;
	readonly originOverride?: string;

	constructor(deps: IlinkDeps) {
		this.deps = deps;
		this.logger = deps.logger ?? silentLogger;
		this.originOverride = deps.originOverride ? parseOriginOverride(deps.originOverride) : undefined;
	}

	get clock(): Clock {
		return this.deps.clock;
	}

	/** Any status resolves; transport failures become NetworkError (timeouts flagged), aborts stay aborts. */
	async raw(
		method: 'GET' | 'POST',
		logicalUrl: string,
		headers: Record<string, string>,
		opts: CallOptions & { body?: string | Uint8Array; responseType?: 'text' | 'stream'; purpose?: 'login' | 'session' },
	): Promise<HttpResponse> {
		const url = routeUrl(logicalUrl, this.originOverride);
		const endpoint = endpointName(logicalUrl);
		if (opts.signal?.aborted) throw new AbortedError();
		try {
			return await this.deps.transport.request(buildRequest(method, url, headers, opts, API_TIMEOUT_MS));
		} catch (err) {
			if (isAbort(err, opts.signal)) throw opts.signal?.aborted ? new AbortedError() : new NetworkError(`Request to ${endpoint} was cut off.`);
			// The transport's own verdict that is not about the network (e.g. the host's "not logged in"): as is, never retried as a blip.
			if (err instanceof RouteError && err.code !== 'NETWORK' && err.code !== 'ABORTED') throw err;
			const said = redact(err instanceof Error ? err.message : String(err), [opts.token, ...(opts.secrets ?? [])]);
			throw new NetworkError(`Request to ${endpoint} failed: ${said}`, undefined, isTimeout(err));
		}
	}

	/** Text body of a 2xx answer; other statuses → NetworkError(status) without the body (it may echo tokens). */
	async text(method: 'GET' | 'POST', logicalUrl: string, headers: Record<string, string>, opts: CallOptions & { body?: string; purpose?: 'login' | 'session' }): Promise<string> {
		const res = await this.raw(method, logicalUrl, headers, opts);
		if (res.status < 200 || res.status >= 300) throw new NetworkError(`${endpointName(logicalUrl)} answered HTTP ${res.status}.`, res.status);
		return res.text ?? '';
	}

	/** POST `body` (+ base_info unless `bare`) as JSON to `base`/`endpoint`; the parsed answer, envelope not yet checked. */
	async post<T extends object>(base: string, endpoint: string, body: Record<string, unknown>, opts: CallOptions & { bare?: boolean; purpose?: 'login' | 'session' } = {}): Promise<T> {
		const url = endpointUrl(base, endpoint);
		const payload = JSON.stringify(opts.bare ? body : { ...body, base_info: baseInfo(this.deps) });
		const text = await this.text('POST', url, postHeaders(this.clock, opts.token, this.deps), { ...opts, body: payload });
		return this.parse<T>(endpointName(url), text);
	}

	/** GET with only the iLink-App headers (get_qrcode_status). */
	async get<T extends object>(base: string, endpoint: string, opts: CallOptions = {}): Promise<T> {
		const url = endpointUrl(base, endpoint);
		const text = await this.text('GET', url, getHeaders(this.deps), { ...opts, purpose: 'login' });
		return this.parse<T>(endpointName(url), text);
	}

	parse<T>(endpoint: string, text: string): T {
		// {} is a success answer (sendmessage); an empty body is taken as {} too.
		if (!text.trim()) return {} as T;
		let data: unknown;
		try {
			data = parseIlinkJson(text);
		} catch (err) {
			throw new ProtocolError(`${endpoint} answered with a body that is not safe JSON (${text.length} bytes${err instanceof Error && err.name === 'UnsafeJsonError' ? ', forbidden key' : ''}).`);
		}
		if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ProtocolError(`${endpoint} answered with JSON of the wrong shape.`);
		return data as T;
	}
}
