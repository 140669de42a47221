/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Entry point: `startSimulator(options)` starts a faithful WeChat Web server on
 * 127.0.0.1 and returns the in-process control surface (see api.ts, CONTRACT.md).
 */

import type { AddressInfo } from 'node:net';
import type { Endpoint, FaultKind, InjectSpec, RecordedRequest, Simulator, SimulatorOptions } from './api';
import { SimContext } from './context';
import * as ops from './operations';
import * as phone from './phone';
import { createSimServer, trafficOf } from './server';

export type { Simulator, SimulatorOptions } from './api';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const ctx = new SimContext(options);
	const server = createSimServer(ctx);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const addr = server.address() as AddressInfo;
	const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
	ctx.origin = `http://${hostPart}:${addr.port}`;
	let closed: Promise<void> | undefined;

	const sim: Simulator = {
		get origin() {
			return ctx.origin;
		},
		get requests() {
			return ctx.requests;
		},
		get sent() {
			return ctx.sent;
		},
		get uploads() {
			return ctx.uploads;
		},

		close() {
			closed ??= new Promise<void>((resolve) => {
				ctx.events.emit('close');
				ctx.holds.closeAll();
				for (const ex of ctx.hung) ex.req.socket.destroy();
				ctx.hung.clear();
				// Let just-answered holds flush, then drop whatever is left (keep-alive, hung).
				const force = setTimeout(() => server.closeAllConnections(), 50);
				server.close(() => {
					clearTimeout(force);
					resolve();
				});
				server.closeIdleConnections();
			});
			return closed;
		},

		pendingLogins: () => phone.pendingLogins(ctx),
		waitForPendingLogin: (timeoutMs?: number) => phone.waitForPendingLogin(ctx, timeoutMs),
		scan: (uuid?: string) => phone.scan(ctx, uuid),
		confirm: (uuid?: string) => phone.confirm(ctx, uuid),
		cancel: (uuid?: string) => phone.cancel(ctx, uuid),
		expire: (uuid?: string) => phone.expire(ctx, uuid),

		session: () => ctx.current()?.info(),
		issuedSecrets: () => {
			const out: Array<{ kind: string; value: string }> = [];
			for (const s of ctx.sessions) {
				out.push({ kind: 'uin', value: s.uin }, { kind: 'sid', value: s.sid }, { kind: 'webwx_data_ticket', value: s.dataTicket });
				for (const skey of [s.skey, ...s.pastSkeys]) out.push({ kind: 'skey', value: skey });
				// pass_ticket travels percent-encoded in queries and decoded in forms: both count.
				out.push({ kind: 'pass_ticket', value: s.passTicket }, { kind: 'pass_ticket', value: decodeURIComponent(s.passTicket) });
			}
			if (ctx.account.authTicket) out.push({ kind: 'webwx_auth_ticket', value: ctx.account.authTicket });
			return out;
		},
		forceLogout: (retcode?: 1100 | 1101 | 1102) => ops.forceLogout(ctx, retcode),
		rotateSkey: () => ops.rotateSkey(ctx),
		userName: (name: string) => ops.userName(ctx, name),
		selfUserName: () => ops.userName(ctx, 'me'),
		addContact: (spec) => ops.addContact(ctx, spec),
		modifyContact: (name, changes) => ops.modifyContact(ctx, name, changes),
		deleteContact: (name) => ops.deleteContact(ctx, name),
		phoneActivity: () => ops.phoneActivity(ctx),

		inject: (spec: InjectSpec) => ctx.injector.inject(spec),
		injectMany: (specs: InjectSpec[]) => specs.map((s) => ctx.injector.inject(s)),
		mediaBytes: (msgId: string) => ctx.media.bytes(msgId),

		fault: (endpoint: Endpoint, fault: FaultKind, times?: number) => ctx.faults.add(endpoint, fault, times),
		clearFaults: () => ctx.faults.clear(),

		uploadedBytes: (mediaId: string) => {
			const u = ctx.uploadsByMediaId.get(mediaId);
			if (!u) throw new Error(`No upload with MediaId ${mediaId}`);
			return u.bytes;
		},
		resetLogs: () => {
			ctx.requests.length = 0;
			ctx.sent.length = 0;
			ctx.uploads.length = 0;
		},
		inFlight: (): RecordedRequest[] => [...ctx.live].filter((r) => r.endedAt === undefined && !r.aborted),
		traffic: () => trafficOf(ctx),
	};
	return sim;
}
