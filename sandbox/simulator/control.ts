/**
 * The HTTP control API under `/__sim/api/…` (JSON in, JSON out): the same
 * operations as the in-process Simulator, for the human page and for tests
 * running in another process. Errors answer 400 `{ "error": "…" }`.
 */

import type { Endpoint, FaultKind, InjectSpec } from './api';
import type { SimContext } from './context';
import type { Exchange } from './exchange';
import * as ops from './operations';
import * as phone from './phone';
import { isRecord } from './util';

type Action = (ctx: SimContext, body: Record<string, unknown>) => unknown;

const uuidOf = (b: Record<string, unknown>) => (typeof b.uuid === 'string' && b.uuid ? b.uuid : undefined);

const POST: Record<string, Action> = {
	scan: (ctx, b) => phone.scan(ctx, uuidOf(b)),
	confirm: (ctx, b) => phone.confirm(ctx, uuidOf(b)),
	cancel: (ctx, b) => phone.cancel(ctx, uuidOf(b)),
	expire: (ctx, b) => phone.expire(ctx, uuidOf(b)),
	inject: (ctx, b) => ctx.injector.inject(b as InjectSpec),
	fault: (ctx, b) => {
		if (typeof b.endpoint !== 'string' || !isRecord(b.fault) || typeof b.fault.kind !== 'string') throw new Error('expected { endpoint, fault: { kind, … }, times? }');
		ctx.faults.add(b.endpoint as Endpoint, b.fault as FaultKind, typeof b.times === 'number' ? b.times : 1);
	},
	clearFaults: (ctx) => ctx.faults.clear(),
	forceLogout: (ctx, b) => {
		const code = b.retcode === undefined ? 1101 : b.retcode;
		if (code !== 1100 && code !== 1101 && code !== 1102) throw new Error('retcode must be 1100, 1101 or 1102');
		ops.forceLogout(ctx, code);
	},
	rotateSkey: (ctx) => ops.rotateSkey(ctx),
	phoneActivity: (ctx) => ops.phoneActivity(ctx),
};

export function control(ctx: SimContext, ex: Exchange): void {
	const name = ex.path.slice('/__sim/api/'.length).replace(/\/+$/, '');
	const method = ex.req.method ?? 'GET';
	const ok = (value: unknown) => ex.send(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, JSON.stringify(value ?? { ok: true }));
	const fail = (status: number, message: string) => ex.send(status, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify({ error: message }));
	try {
		if (method === 'GET' && name === 'state') return ok(ops.stateSummary(ctx));
		if (method === 'GET' && name.startsWith('media/')) {
			const msgId = decodeURIComponent(name.slice('media/'.length));
			const item = ctx.media.get(msgId);
			if (!item) return fail(404, `no media for ${msgId}`);
			return ok({ msgId, kind: item.kind, size: item.size, unavailable: item.unavailable, sha256: ctx.media.sha256(msgId) });
		}
		if (method === 'GET' && name.startsWith('upload/')) {
			// What the client uploaded, for the phone page's thumbnails: images only, never sniffed.
			const upload = ctx.uploadsByMediaId.get(decodeURIComponent(name.slice('upload/'.length)));
			if (!upload || !/^image\/(png|jpeg|gif|webp)$/.test(upload.record.mimeType)) return fail(404, 'no uploaded image with that MediaId');
			return ex.send(200, { 'Content-Type': upload.record.mimeType, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, upload.bytes);
		}
		const action = POST[name];
		if (!action) return fail(404, `unknown control ${method} ${name}`);
		if (method !== 'POST') return fail(405, `use POST for ${name}`);
		let body: unknown = {};
		if (ex.body.length) {
			body = ex.jsonBody();
			if (!isRecord(body)) return fail(400, 'body must be a JSON object');
		}
		ok(action(ctx, body as Record<string, unknown>));
	} catch (err) {
		fail(400, err instanceof Error ? err.message : String(err));
	}
}
