/**
 * The headers and `base_info` every iLink call carries (ilink-protocol.md §1):
 * POST — Content-Type, AuthorizationType, X-WECHAT-UIN (fresh per request),
 * iLink-App-Id, iLink-App-ClientVersion, SKRouteTag when configured, and
 * Authorization only with a token; GET (get_qrcode_status) — only the two
 * iLink-App headers and SKRouteTag. Header names in lower case (transport.ts).
 */
import type { Clock } from '../wechat/clock';

/** The official client's version whose wire format this package speaks. */
export const CHANNEL_VERSION = '2.4.9';
/** `package.json#ilink_appid` of the official client. */
export const ILINK_APP_ID = 'bot';
export const DEFAULT_BOT_AGENT = 'OpenClaw';

export interface IdentityOptions {
	/** Version reported in iLink-App-ClientVersion and base_info.channel_version (default 2.4.9). */
	channelVersion?: string;
	appId?: string;
	/** base_info.bot_agent, a UA-style `Name/Version` string (default `OpenClaw`). */
	botAgent?: string;
	/** SKRouteTag, sent only when set. */
	routeTag?: string;
}

export interface BaseInfo {
	channel_version: string;
	bot_agent: string;
}

/** `(major&0xff)<<16 | (minor&0xff)<<8 | (patch&0xff)` as a decimal string: 2.4.9 → "132105". */
export function clientVersion(version: string): string {
	const [major, minor, patch] = version.split('.').map((p) => parseInt(p, 10) || 0);
	return String((((major ?? 0) & 0xff) << 16) | (((minor ?? 0) & 0xff) << 8) | ((patch ?? 0) & 0xff));
}

/** A random uint32 from the clock's randomness. */
export function randomUint32(clock: Clock): number {
	return Math.floor(clock.random() * 0x1_0000_0000) >>> 0;
}

/** X-WECHAT-UIN: base64 of the decimal string of a uint32 (3141592653 → "MzE0MTU5MjY1Mw=="). */
export function wechatUin(uint32: number): string {
	return Buffer.from(String(uint32 >>> 0), 'utf8').toString('base64');
}

/** ASCII printable only, at most 256 bytes; empty → the default. */
export function sanitizeBotAgent(agent: string | undefined): string {
	const clean = (agent ?? '').replace(/[^\x20-\x7e]/g, '').replace(/\s+/g, ' ').trim().slice(0, 256);
	return clean || DEFAULT_BOT_AGENT;
}

export function baseInfo(id: IdentityOptions = {}): BaseInfo {
	return { channel_version: id.channelVersion ?? CHANNEL_VERSION, bot_agent: sanitizeBotAgent(id.botAgent) };
}

function appHeaders(id: IdentityOptions): Record<string, string> {
	const headers: Record<string, string> = {
		'ilink-app-id': id.appId ?? ILINK_APP_ID,
		'ilink-app-clientversion': clientVersion(id.channelVersion ?? CHANNEL_VERSION),
	};
	if (id.routeTag) headers.skroutetag = id.routeTag;
	return headers;
}

/** Headers of a POST; `token` adds `Authorization: Bearer …` (not on get_bot_qrcode). */
export function postHeaders(clock: Clock, token: string | undefined, id: IdentityOptions = {}): Record<string, string> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		authorizationtype: 'ilink_bot_token',
		'x-wechat-uin': wechatUin(randomUint32(clock)),
		...appHeaders(id),
	};
	const t = token?.trim();
	if (t) headers.authorization = `Bearer ${t}`;
	return headers;
}

/** Headers of the GET get_qrcode_status: no Content-Type, X-WECHAT-UIN or Authorization. */
export function getHeaders(id: IdentityOptions = {}): Record<string, string> {
	return appHeaders(id);
}
