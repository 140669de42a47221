/**
 * Host map (protocol.md §2.1, the official client's table). The main host comes
 * from the login redirect; everything else derives from it. An optional origin
 * override sends every endpoint to one origin (sandbox, tests, a proxy) while the
 * client keeps reasoning — and keeping cookies — in terms of the real hosts.
 */

import { InvalidInputError, ProtocolError } from './errors';

export type HostRole = 'main' | 'login' | 'file' | 'push' | 'qr';

export interface Hosts {
	main: string;
	login: string;
	file: string;
	push: string;
}

/** The QR image and `/l/<uuid>` link always live here. */
export const QR_HOST = 'login.weixin.qq.com';
/** Before the login redirect names a host, jslogin goes here (wechat4u since UOS). */
export const DEFAULT_MAIN_HOST = 'wx.qq.com';

export function hostsFor(mainHost: string): Hosts {
	const main = mainHost.toLowerCase();
	const pick = (label: string, suffix: string): Hosts => ({
		main,
		login: `login.${label}.${suffix}`,
		file: `file.${label}.${suffix}`,
		push: `webpush.${label}.${suffix}`,
	});
	// Substring tests in the official order.
	if (main.includes('wx2.qq.com')) return pick('wx2', 'qq.com');
	if (main.includes('wx8.qq.com')) return pick('wx8', 'qq.com');
	if (main.includes('qq.com')) return pick('wx', 'qq.com');
	if (main.includes('web2.wechat.com')) return pick('web2', 'wechat.com');
	if (main.includes('wechat.com')) return pick('web', 'wechat.com');
	return { main, login: 'login.weixin.qq.com', file: 'file.wx.qq.com', push: 'webpush.weixin.qq.com' };
}

/**
 * Whether `host` is a WeChat (Tencent) host name: a plain DNS name under `qq.com` or
 * `wechat.com` — every host of the official table (§2.1: wx/wx2/wx8.qq.com,
 * web/web2.wechat.com and their login./file./webpush. companions, login.weixin.qq.com)
 * and the hosts a future redirect may name. No port, path, user info or IP address.
 */
export function isWeChatHost(host: string): boolean {
	return /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*(?:qq|wechat)\.com$/.test(host.toLowerCase());
}

/** 127.0.0.0/8, ::1 and localhost, as WHATWG URL spells them in `hostname`. */
export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.toLowerCase();
	return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** A host name for an error message: shown only when it looks like one (never a pasted token). */
function shownHost(host: string): string {
	return /^[a-z0-9.:[\]-]{1,100}$/i.test(host) ? `"${host}"` : 'a value that is not a host name';
}

/**
 * The main host a session may talk to: a WeChat host (§2.1). A session naming any
 * other host (an edited credential or session file) would send its tokens there.
 */
export function assertSessionMainHost(host: unknown): string {
	if (typeof host !== 'string' || !isWeChatHost(host)) {
		throw new Error(
			`The WeChat session names ${typeof host === 'string' ? shownHost(host) : 'no host'} as its main host, which is not a WeChat host (a name under qq.com or wechat.com), so it was not used: it may have been edited. Log in again to get a new session.`,
		);
	}
	return host.toLowerCase();
}

/**
 * Main host from a login redirect_uri; null when it is not an absolute https URL.
 * A plain-http redirect is refused with an explanation: it would carry the login
 * ticket unencrypted.
 */
export function mainHostFromRedirect(redirectUri: string): string | null {
	let u: URL;
	try {
		u = new URL(redirectUri);
	} catch {
		return null;
	}
	if (u.protocol === 'http:') {
		throw new ProtocolError(
			'The login redirect asks for plain http instead of https, which would send the login ticket unencrypted; the login was stopped. Start the login again; if this repeats, something between this machine and WeChat is rewriting its answers.',
		);
	}
	if (u.protocol !== 'https:') return null;
	return u.hostname.toLowerCase();
}

const OVERRIDE_EXAMPLE = 'e.g. http://127.0.0.1:8790 for the sandbox';
const OVERRIDE_HINT = 'The origin override is for the built-in sandbox, tests or a proxy on this machine; leave it empty to talk to WeChat directly.';

function overrideError(message: string): InvalidInputError {
	return new InvalidInputError(message, OVERRIDE_HINT);
}

/**
 * Validates an origin override and returns it normalized (`scheme://host[:port]`).
 * Every request — and so every token and cookie — goes to this origin, so:
 * http only to this machine (127.0.0.0/8, ::1, localhost: the sandbox); https to
 * this machine or to a WeChat host. Any other host is refused, https included:
 * the session is hidden from the credential editor, and an override pointing at
 * someone's server would hand it out anyway. No user info, path, query or fragment.
 * Messages never repeat the value as typed (it may hold a pasted token).
 */
export function parseOriginOverride(value: string): string {
	let u: URL;
	try {
		u = new URL(value.trim());
	} catch {
		throw overrideError(`The origin override is not a URL; use an origin such as http://127.0.0.1:8790 (the sandbox), or leave it empty.`);
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') {
		throw overrideError(`The origin override must use http or https, not ${u.protocol.replace(':', '')}; use ${OVERRIDE_EXAMPLE}, or leave it empty.`);
	}
	if (u.username || u.password) throw overrideError(`The origin override must not contain a user name or password; use ${OVERRIDE_EXAMPLE}.`);
	if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
		throw overrideError(`The origin override must be an origin only (scheme, host and port), without a path, query or fragment; use ${OVERRIDE_EXAMPLE}.`);
	}
	if (isLoopbackHost(u.hostname)) return u.origin;
	if (u.protocol === 'http:') {
		throw overrideError(
			`The origin override ${u.origin} uses plain http to another machine: every request carries the session's tokens, which would travel unencrypted. Use http only with 127.0.0.1, ::1 or localhost (${OVERRIDE_EXAMPLE}), or leave it empty.`,
		);
	}
	if (!isWeChatHost(u.hostname)) {
		throw overrideError(
			`The origin override ${u.origin} is not allowed: every request carries the session's tokens, so the override may only point at this machine (127.0.0.1, ::1 or localhost, ${OVERRIDE_EXAMPLE}) or at a WeChat host over https. Leave it empty to talk to WeChat directly.`,
		);
	}
	return u.origin;
}

/**
 * Resolves where a request really goes. With an override, the URL's origin is
 * replaced and the logical host travels in `x-wechat-host` so a sandbox can check
 * that each endpoint was sent to the right host (a classic pitfall, §9.1).
 */
export function routeUrl(logicalUrl: string, originOverride?: string): { url: string; extraHeaders: Record<string, string> } {
	if (!originOverride) return { url: logicalUrl, extraHeaders: {} };
	const u = new URL(logicalUrl);
	return { url: `${originOverride}${u.pathname}${u.search}`, extraHeaders: { 'x-wechat-host': u.host } };
}
