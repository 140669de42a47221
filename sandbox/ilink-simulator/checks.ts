/**
 * The checks every call passes before its rules (CONTRACT "Every request"):
 * method, iLink-App headers, AuthorizationType, X-WECHAT-UIN, the bot token
 * and the JSON body with `base_info`. A refusal is answered here and its rule
 * is written to the request record.
 */

import type { Exchange } from './exchange';
import type { Bot, SimState } from './state';
import { isRecord } from './wire-json';

/** The stale-token answer: errcode only, no `ret` (ilink-protocol.md §10). */
export const SESSION_TIMEOUT = { errcode: -14, errmsg: 'session timeout' };
/** Malformed request body (assumption: the service's shape for it is not public). */
export const PARAM_ERROR = { ret: -1, errmsg: 'param error' };

export function refuse(ex: Exchange, rule: string, answer: Record<string, unknown>): undefined {
	ex.record.rejection = rule;
	ex.json(answer);
	return undefined;
}

function wrongMethod(ex: Exchange, want: 'GET' | 'POST'): boolean {
	if (ex.req.method === want) return false;
	ex.record.rejection = `method ${ex.req.method ?? '?'} (want ${want})`;
	ex.send(405, { 'Content-Type': 'text/plain', Allow: want }, 'Method Not Allowed');
	return true;
}

/** iLink-App-Id / iLink-App-ClientVersion (QwenLM/qwen-code#2908). Returns the broken rule. */
function appHeaderRule(state: SimState, ex: Exchange): string | undefined {
	const id = ex.header('ilink-app-id');
	const version = ex.header('ilink-app-clientversion');
	if (id === undefined) return 'missing iLink-App-Id';
	if (version === undefined) return 'missing iLink-App-ClientVersion';
	if (state.opts.strictAppHeaders === false) return undefined;
	if (id !== 'bot') return `iLink-App-Id "${id}" (want "bot")`;
	if (!/^\d{1,8}$/.test(version)) return `iLink-App-ClientVersion "${version}" is not a decimal number`;
	return undefined;
}

/** base64 of the decimal string of a uint32, e.g. "MzE0MTU5MjY1Mw==" (src/api/api.ts:221-225). */
export function uinRule(value: string | undefined): string | undefined {
	if (!value) return 'missing X-WECHAT-UIN';
	const decoded = Buffer.from(value, 'base64').toString('utf8');
	if (Buffer.from(decoded, 'utf8').toString('base64') !== value) return 'X-WECHAT-UIN is not canonical base64';
	if (!/^(0|[1-9]\d{0,9})$/.test(decoded) || Number(decoded) > 0xffffffff) return 'X-WECHAT-UIN is not base64 of a decimal uint32';
	return undefined;
}

/** Headers of every POST (src/api/api.ts:240-254). */
function postHeaderRule(state: SimState, ex: Exchange): string | undefined {
	const app = appHeaderRule(state, ex);
	if (app) return app;
	if (ex.header('authorizationtype') !== 'ilink_bot_token') return 'AuthorizationType is not ilink_bot_token';
	const uin = ex.header('x-wechat-uin');
	const uinBroken = uinRule(uin);
	if (uinBroken) return uinBroken;
	if (uin && state.seenUins.includes(uin)) ex.record.warnings.push('X-WECHAT-UIN repeated (the official client draws a new one per request)');
	state.seenUins.push(uin ?? '');
	if (state.seenUins.length > 512) state.seenUins.shift();
	return undefined;
}

function jsonObject(ex: Exchange): Record<string, unknown> | undefined {
	const ct = ex.header('content-type') ?? '';
	if (!/^application\/json\b/i.test(ct)) return undefined;
	const body = ex.jsonBody();
	return isRecord(body) ? body : undefined;
}

/** get_bot_qrcode: a POST without token and without base_info (src/auth/login-qr.ts:97-102). */
export function checkQrPost(state: SimState, ex: Exchange): Record<string, unknown> | undefined {
	if (wrongMethod(ex, 'POST')) return undefined;
	const rule = postHeaderRule(state, ex);
	if (rule) return refuse(ex, rule, SESSION_TIMEOUT);
	const body = jsonObject(ex);
	if (!body) return refuse(ex, 'body is not a JSON object sent as application/json', PARAM_ERROR);
	if (ex.header('authorization')) ex.record.warnings.push('Authorization on get_bot_qrcode (the official client sends none)');
	if (body.base_info !== undefined) ex.record.warnings.push('base_info on get_bot_qrcode (the official client sends none)');
	return body;
}

/** get_qrcode_status: GET with only the iLink-App headers (src/api/api.ts:227-238). */
export function checkQrGet(state: SimState, ex: Exchange): boolean {
	if (wrongMethod(ex, 'GET')) return false;
	const rule = appHeaderRule(state, ex);
	if (rule) return refuse(ex, rule, SESSION_TIMEOUT) ?? false;
	for (const h of ['authorization', 'x-wechat-uin', 'content-type']) {
		if (ex.header(h) !== undefined) ex.record.warnings.push(`${h} on get_qrcode_status (the official client sends none)`);
	}
	return true;
}

/** The bot token of `Authorization: Bearer <token>`, if it names the live, non-stale bot. */
function botOf(state: SimState, ex: Exchange): Bot | string {
	const auth = ex.header('authorization');
	const m = auth === undefined ? null : /^Bearer (\S+)$/.exec(auth);
	if (!m) return auth === undefined ? 'missing Authorization' : 'Authorization is not "Bearer <bot_token>"';
	const bot = state.bot;
	if (state.revokedTokens.has(m[1])) return 'bot_token revoked by a newer bind';
	if (!bot || bot.token !== m[1]) return 'unknown bot_token';
	if (bot.stale) return 'session made stale (staleSession)';
	return bot;
}

/** Every authenticated bot call: POST, headers, token, JSON body with base_info.channel_version. */
export function checkBotCall(state: SimState, ex: Exchange): { bot: Bot; body: Record<string, unknown> } | undefined {
	if (wrongMethod(ex, 'POST')) return undefined;
	const rule = postHeaderRule(state, ex);
	if (rule) return refuse(ex, rule, SESSION_TIMEOUT);
	const bot = botOf(state, ex);
	if (typeof bot === 'string') return refuse(ex, bot, SESSION_TIMEOUT);
	const body = jsonObject(ex);
	if (!body) return refuse(ex, 'body is not a JSON object sent as application/json', PARAM_ERROR);
	const info = body.base_info;
	if (!isRecord(info) || typeof info.channel_version !== 'string' || info.channel_version === '') {
		return refuse(ex, 'base_info.channel_version missing', PARAM_ERROR);
	}
	if (info.bot_agent === undefined) ex.record.warnings.push('base_info.bot_agent missing (the official client sends "OpenClaw")');
	return { bot, body };
}
