/**
 * The HTTP control surface under `/__sim/…` (JSON in, JSON out; bytes as
 * base64): the same operations as the in-process handle, for a phone page or
 * a test in another process. Errors answer 400 `{"error":"…"}`.
 */

import type { FaultKind, IlinkEndpoint, OwnerMessageSpec } from './api';
import type { Exchange } from './exchange';
import { ownerSends } from './inbound';
import * as login from './login';
import { PHONE_PAGE_HTML } from './phone-page';
import { phoneFile, phoneView } from './phone';
import type { SimState } from './state';
import { pendingCount } from './updates';
import { isRecord, plainJson } from './wire-json';

type Action = (state: SimState, body: Record<string, unknown>) => unknown;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Turns `{ bytes: "<base64>" }` media fields into Buffers. */
function ownerSpec(body: Record<string, unknown>): OwnerMessageSpec {
	const spec: Record<string, unknown> = { ...body };
	for (const k of ['image', 'voice', 'file', 'video']) {
		const m = spec[k];
		if (isRecord(m)) spec[k] = { ...m, bytes: Buffer.from(str(m.bytes) ?? '', 'base64') };
	}
	return spec as OwnerMessageSpec;
}

export function stateSummary(state: SimState): Record<string, unknown> {
	const bot = state.bot;
	return {
		now: state.now(),
		bot: bot && { botId: bot.botId, ownerId: bot.ownerId, stale: bot.stale, online: bot.online },
		qrCodes: login.qrInfos(state),
		pendingUpdates: pendingCount(state),
		conversations: bot ? [...bot.conversations.values()].map((c) => ({ userId: c.userId, lastOwnerAt: c.lastOwnerAt, sendsSinceOwner: c.sendsSinceOwner, typing: c.typing })) : [],
	};
}

const POST: Record<string, Action> = {
	'owner-sends': (s, b) => {
		const r = ownerSends(s, ownerSpec(b));
		return { ...r, aesKey: r.aesKey?.toString('hex') };
	},
	'qr/scan': (s, b) => login.scan(s, str(b.qrcode)),
	'qr/verify-code': (s, b) => ({ code: login.requireVerifyCode(s, str(b.code), str(b.qrcode)) }),
	'qr/confirm': (s, b) => login.confirm(s, str(b.qrcode)) ?? { bindedRedirect: true },
	'qr/expire': (s, b) => login.expire(s, str(b.qrcode)),
	'qr/redirect': (s, b) => login.redirect(s, b.host === null ? undefined : (str(b.host) ?? 'ilinkai2.weixin.qq.com'), str(b.qrcode)),
	'qr/binded-redirect': (s, b) => login.bindedRedirect(s, str(b.qrcode)),
	stale: (s) => {
		if (!s.bot) throw new Error('No bot is bound');
		s.bot.stale = true;
		s.holds.notify();
	},
	'clock/advance': (s, b) => {
		if (typeof b.ms !== 'number' || b.ms < 0) throw new Error('expected { ms: number >= 0 }');
		s.clockOffset += b.ms;
		s.holds.notify();
		return { now: s.now() };
	},
	fault: (s, b) => {
		if (typeof b.endpoint !== 'string' || !isRecord(b.fault) || typeof b.fault.kind !== 'string') throw new Error('expected { endpoint, fault: { kind, … }, times? }');
		s.faults.add(b.endpoint as IlinkEndpoint, b.fault as FaultKind, typeof b.times === 'number' ? b.times : 1);
	},
	'clear-faults': (s) => s.faults.clear(),
};

const GET: Record<string, Action> = {
	state: (s) => stateSummary(s),
	sent: (s) => s.sent.map((m) => ({ ...m, media: m.media?.toString('base64') })),
	requests: (s) => s.requests,
	phone: (s) => phoneView(s),
};

/** The owner's phone: the page itself and the files its chat shows (GET only, like every read). */
function phonePage(state: SimState, ex: Exchange, name: string): boolean {
	if (ex.req.method !== 'GET') return false;
	if (name === '' || name === 'index.html') {
		ex.send(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, PHONE_PAGE_HTML);
		return true;
	}
	if (!name.startsWith('file/')) return false;
	const file = phoneFile(state, decodeURIComponent(name.slice('file/'.length)));
	if (!file) ex.send(404, { 'Content-Type': 'application/json' }, JSON.stringify({ error: 'no such file' }));
	else ex.send(200, { 'Content-Type': file.contentType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, file.bytes);
	return true;
}

export function control(state: SimState, ex: Exchange): void {
	const name = ex.path.slice('/__sim/'.length).replace(/\/+$/, '');
	if (phonePage(state, ex, name)) return;
	const table: Record<string, unknown> = ex.req.method === 'POST' ? POST : ex.req.method === 'GET' ? GET : {};
	// Own names only: `constructor` and its kin are not controls.
	const action = Object.prototype.hasOwnProperty.call(table, name) ? (table[name] as (typeof POST)[string]) : undefined;
	if (!action) return void ex.send(404, { 'Content-Type': 'application/json' }, JSON.stringify({ error: `no control ${ex.req.method ?? ''} /__sim/${name}` }));
	const body = ex.jsonBody();
	try {
		const out = action(state, isRecord(body) ? body : {});
		ex.send(200, { 'Content-Type': 'application/json' }, JSON.stringify(plainJson(out ?? { ok: true })));
	} catch (err) {
		ex.send(400, { 'Content-Type': 'application/json' }, JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
	}
}
