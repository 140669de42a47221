/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * Host map (protocol.md §2.1, the official client's table). The main host comes
 * from the login redirect; everything else derives from it. An optional origin
 * override sends every endpoint to one origin (sandbox, tests, a proxy) while the
 * client keeps reasoning — and keeping cookies — in terms of the real hosts.
 */

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

/** Main host from a login redirect_uri; null when it is not an absolute http(s) URL. */
export function mainHostFromRedirect(redirectUri: string): string | null {
	try {
		const u = new URL(redirectUri);
		if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
		return u.hostname.toLowerCase();
	} catch {
		return null;
	}
}

/**
 * Validates an origin override: only http(s), no credentials, no path beyond `/`.
 * Returns the normalized origin (`scheme://host[:port]`).
 */
export function parseOriginOverride(value: string): string {
	let u: URL;
	try {
		u = new URL(value.trim());
	} catch {
		throw new Error(`The origin override "${value}" is not a URL; use e.g. http://127.0.0.1:8790.`);
	}
	if (u.protocol !== 'http:' && u.protocol !== 'https:') {
		throw new Error(`The origin override must use http or https, not ${u.protocol.replace(':', '')}.`);
	}
	if (u.username || u.password) throw new Error('The origin override must not contain a user name or password.');
	if (u.pathname !== '/' && u.pathname !== '') throw new Error('The origin override must be an origin only, without a path.');
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
