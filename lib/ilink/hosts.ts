/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * Where iLink calls go: the fixed QR base, the account's base from `confirmed`,
 * a `scaned_but_redirect` host, the CDN (ilink-protocol.md §1, §2, §8). Tokens
 * go only to WeChat over https — `*.weixin.qq.com` / `*.qq.com` — or, with an
 * origin override, to one origin on this machine (sandbox, tests, a local proxy)
 * or one WeChat origin; every request then goes to that origin, path and query kept.
 */
import { InvalidInputError, ProtocolError } from './errors';

export const DEFAULT_BASE_URL = 'https://ilinkai.weixin.qq.com';
export const DEFAULT_CDN_BASE_URL = 'https://novac2c.cdn.weixin.qq.com/c2c';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isWeChatHost(host: string): boolean {
	return /(^|\.)qq\.com$/i.test(host);
}

/** A base URL the client may send a token to: https on a WeChat host; http(s) on this machine only with an override. */
export function assertIlinkUrl(url: string, what: string): URL {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		throw new ProtocolError(`The ${what} is not a valid URL.`);
	}
	if (u.username || u.password) throw new ProtocolError(`The ${what} carries credentials; refused.`);
	if (u.protocol === 'https:' && isWeChatHost(u.hostname)) return u;
	throw new ProtocolError(`The ${what} is not a WeChat host over https; refused (tokens go only to WeChat).`);
}

/** Validates an origin override (`http://127.0.0.1:port`, `https://localhost`, or a WeChat host over https); returns its origin. */
export function parseOriginOverride(value: string): string {
	let u: URL;
	try {
		u = new URL(value);
	} catch {
		throw new InvalidInputError('The origin override is not a URL.', 'Use e.g. http://127.0.0.1:8080.');
	}
	const local = LOCAL_HOSTS.has(u.hostname);
	const ok = (local && (u.protocol === 'http:' || u.protocol === 'https:')) || (u.protocol === 'https:' && isWeChatHost(u.hostname));
	if (!ok || u.username || u.password) {
		throw new InvalidInputError('The origin override must be this machine (127.0.0.1, ::1, localhost) or a WeChat host over https.');
	}
	return u.origin;
}

/** The URL actually requested: the logical URL, moved to the override's origin when one is set. */
export function routeUrl(logical: string, originOverride?: string): string {
	if (!originOverride) return logical;
	const u = new URL(logical);
	return `${originOverride}${u.pathname}${u.search}`;
}

/** `new URL(endpoint, base + "/")`: endpoints are relative, so a base with a path prefix works. */
export function endpointUrl(base: string, endpoint: string): string {
	return new URL(endpoint, base.endsWith('/') ? base : `${base}/`).toString();
}

/** `https://<redirect_host>` when it is a plain WeChat host name; undefined otherwise. */
export function redirectBase(host: unknown): string | undefined {
	if (typeof host !== 'string' || !/^[a-z0-9.-]+(:\d+)?$/i.test(host.trim())) return undefined;
	const base = `https://${host.trim()}`;
	try {
		assertIlinkUrl(base, 'redirect host');
		return base;
	} catch {
		return undefined;
	}
}
