/* eslint-disable @n8n/community-nodes/no-restricted-globals -- sandbox code runs under plain Node, outside n8n */
/**
 * QR login (ilink-protocol.md §2): get_bot_qrcode, the long-polled
 * get_qrcode_status, and the phone's side (scan, verify code, confirm,
 * expire, redirect) as control calls.
 */

import type { BotInfo, QrInfo, QrStatus } from './api';
import { checkQrGet, checkQrPost, PARAM_ERROR, refuse } from './checks';
import { opaque, randomHex } from './crypto';
import type { Exchange } from './exchange';
import type { Qr, SimState } from './state';

const TERMINAL: ReadonlySet<QrStatus> = new Set(['confirmed', 'expired', 'verify_code_blocked', 'binded_redirect']);

export function getBotQrcode(state: SimState, ex: Exchange): void {
	const body = checkQrPost(state, ex);
	if (!body) return;
	if (ex.query.bot_type !== '3') return void refuse(ex, `bot_type "${ex.query.bot_type ?? ''}" (want 3)`, PARAM_ERROR);
	const list = body.local_token_list ?? [];
	if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) return void refuse(ex, 'local_token_list is not an array of strings', PARAM_ERROR);
	if (list.length > 10) ex.record.warnings.push('local_token_list has more than 10 tokens (the official client sends at most 10)');
	const qrcode = randomHex(16);
	const qr: Qr = { qrcode, createdAt: state.now(), status: 'wait', reported: 'wait', localTokenList: list as string[], verifyPassed: false, wrongCodes: 0, usedUp: false };
	state.qrs.set(qrcode, qr);
	ex.json({ qrcode, qrcode_img_content: `https://liteapp.weixin.qq.com/q/${opaque('', 4)}?qrcode=${qrcode}&bot_type=3` });
	state.events.emit('qr', qr);
}

function current(state: SimState, qr: Qr): QrStatus {
	if (qr.usedUp) return 'expired';
	const lifetime = state.opts.qrLifetimeMs ?? 300_000;
	if (!TERMINAL.has(qr.status) && state.now() - qr.createdAt >= lifetime) qr.status = 'expired';
	return qr.status;
}

function answer(ex: Exchange, qr: Qr, status: QrStatus): void {
	qr.reported = status;
	const out: Record<string, unknown> = { status };
	if (status === 'scaned_but_redirect') {
		if (qr.redirectHost) out.redirect_host = qr.redirectHost;
		qr.status = 'scaned';
	} else if (status === 'confirmed' && qr.confirmed) {
		Object.assign(out, { bot_token: qr.confirmed.botToken, ilink_bot_id: qr.confirmed.botId, baseurl: qr.baseUrl, ilink_user_id: qr.confirmed.ownerId });
	}
	if (ex.json(out) && (status === 'confirmed' || status === 'binded_redirect')) qr.usedUp = true;
}

export function getQrcodeStatus(state: SimState, ex: Exchange): void {
	if (!checkQrGet(state, ex)) return;
	const code = ex.query.qrcode;
	if (!code) return void refuse(ex, 'missing qrcode', PARAM_ERROR);
	const qr = state.qrs.get(code);
	if (!qr) {
		ex.record.rejection = 'unknown qrcode';
		return void ex.json({ status: 'expired' });
	}
	const typed = ex.query.verify_code;
	if (typed !== undefined && current(state, qr) === 'need_verifycode') {
		if (typed === qr.verifyCode) {
			qr.verifyPassed = true;
			qr.status = 'scaned';
		} else if (++qr.wrongCodes >= (state.opts.maxVerifyAttempts ?? 3)) {
			qr.status = 'verify_code_blocked';
		}
		return answer(ex, qr, current(state, qr));
	}
	if (typed !== undefined && !qr.verifyCode) ex.record.warnings.push('verify_code sent although none was asked for');
	state.holds.hold(
		ex,
		state.opts.qrHoldMs ?? 30_000,
		() => {
			const st = current(state, qr);
			if (st === qr.reported && !TERMINAL.has(st)) return false;
			answer(ex, qr, st);
			return true;
		},
		() => answer(ex, qr, current(state, qr)),
	);
}

// ---- the phone ----

function pick(state: SimState, qrcode?: string): Qr {
	if (qrcode !== undefined) {
		const qr = state.qrs.get(qrcode);
		if (!qr) throw new Error(`No QR code ${qrcode}`);
		return qr;
	}
	const live = [...state.qrs.values()].filter((q) => !q.usedUp && !TERMINAL.has(current(state, q)));
	const qr = live[live.length - 1];
	if (!qr) throw new Error('No live QR code (call get_bot_qrcode first)');
	return qr;
}

function change(state: SimState, qr: Qr, status: QrStatus): void {
	qr.status = status;
	state.holds.notify();
}

export function qrInfos(state: SimState): QrInfo[] {
	return [...state.qrs.values()].map((q) => ({ qrcode: q.qrcode, status: current(state, q), localTokenList: [...q.localTokenList], createdAt: q.createdAt }));
}

export function scan(state: SimState, qrcode?: string): void {
	const qr = pick(state, qrcode);
	if (current(state, qr) !== 'wait') throw new Error(`QR is ${qr.status}, not wait`);
	change(state, qr, qr.verifyCode && !qr.verifyPassed ? 'need_verifycode' : 'scaned');
}

export function requireVerifyCode(state: SimState, code?: string, qrcode?: string): string {
	const qr = pick(state, qrcode);
	qr.verifyCode = code ?? String(100000 + Math.floor(Math.random() * 900000));
	qr.verifyPassed = false;
	if (qr.status === 'scaned') change(state, qr, 'need_verifycode');
	return qr.verifyCode;
}

export function confirm(state: SimState, qrcode?: string): BotInfo | undefined {
	const qr = pick(state, qrcode);
	const st = current(state, qr);
	if (st !== 'scaned') throw new Error(`QR is ${st}; confirm needs scaned${qr.verifyCode && !qr.verifyPassed ? ' (verify code not entered yet)' : ''}`);
	const bot = state.bot;
	if (bot && !bot.stale && bot.ownerId === state.ownerId && qr.localTokenList.includes(bot.token)) {
		change(state, qr, 'binded_redirect');
		return undefined;
	}
	const fresh = state.bindBot();
	qr.confirmed = { botToken: fresh.token, botId: fresh.botId, ownerId: fresh.ownerId };
	qr.baseUrl = state.opts.baseUrl ?? state.origin;
	change(state, qr, 'confirmed');
	return { botId: fresh.botId, botToken: fresh.token, ownerId: fresh.ownerId, stale: false, online: false };
}

export function expire(state: SimState, qrcode?: string): void {
	change(state, pick(state, qrcode), 'expired');
}

export function redirect(state: SimState, host: string | undefined, qrcode?: string): void {
	const qr = pick(state, qrcode);
	if (current(state, qr) !== 'scaned') throw new Error('redirect needs a scaned QR');
	qr.redirectHost = host;
	change(state, qr, 'scaned_but_redirect');
}

export function bindedRedirect(state: SimState, qrcode?: string): void {
	change(state, pick(state, qrcode), 'binded_redirect');
}

export function waitForQr(state: SimState, timeoutMs = 5000): Promise<QrInfo> {
	const find = () => qrInfos(state).filter((q) => !TERMINAL.has(q.status)).pop();
	const now = find();
	if (now) return Promise.resolve(now);
	return new Promise((resolve, reject) => {
		const onQr = () => {
			clearTimeout(timer);
			resolve(find() ?? qrInfos(state).pop()!);
		};
		const timer = setTimeout(() => {
			state.events.off('qr', onQr);
			reject(new Error(`No QR code requested within ${timeoutMs} ms`));
		}, timeoutMs);
		state.events.once('qr', onQr);
	});
}
