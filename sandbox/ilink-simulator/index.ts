/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- sandbox code runs under plain Node, outside n8n */
/**
 * Entry point: `startIlinkSimulator(options)` starts a strict iLink (WeChat
 * ClawBot) service on 127.0.0.1 and returns the in-process control surface.
 * Wire rules: CONTRACT.md; types: api.ts.
 */

import type { AddressInfo } from 'node:net';
import type { BotInfo, IlinkSimulator, IlinkSimulatorOptions } from './api';
import { ownerSends } from './inbound';
import * as login from './login';
import { cdnPut } from './media';
import { createIlinkServer } from './server';
import { SimState, type Bot } from './state';
import { pendingCount } from './updates';

export type * from './api';

function info(bot: Bot): BotInfo {
	return { botId: bot.botId, botToken: bot.token, ownerId: bot.ownerId, stale: bot.stale, online: bot.online };
}

export async function startIlinkSimulator(options: IlinkSimulatorOptions = {}): Promise<IlinkSimulator> {
	const state = new SimState(options);
	const server = createIlinkServer(state);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let closed: Promise<void> | undefined;

	return {
		get origin() {
			return state.origin;
		},
		get apiBase() {
			return state.origin;
		},
		get cdnBase() {
			return `${state.origin}/c2c`;
		},
		get requests() {
			return state.requests;
		},
		get sent() {
			return state.sent;
		},
		close() {
			closed ??= new Promise<void>((resolve) => {
				state.holds.closeAll();
				for (const ex of state.hung) ex.destroy();
				const force = setTimeout(() => server.closeAllConnections(), 50);
				server.close(() => {
					clearTimeout(force);
					resolve();
				});
				server.closeIdleConnections();
			});
			return closed;
		},
		setRecording: (on) => {
			state.recording = on;
		},
		resetLogs: () => {
			state.requests.length = 0;
			state.sent.length = 0;
		},

		qrCodes: () => login.qrInfos(state),
		waitForQr: (timeoutMs) => login.waitForQr(state, timeoutMs),
		scan: (qrcode) => login.scan(state, qrcode),
		requireVerifyCode: (code, qrcode) => login.requireVerifyCode(state, code, qrcode),
		confirm: (qrcode) => login.confirm(state, qrcode),
		expire: (qrcode) => login.expire(state, qrcode),
		redirect: (host, qrcode) => login.redirect(state, host === undefined ? 'ilinkai2.weixin.qq.com' : (host ?? undefined), qrcode),
		bindedRedirect: (qrcode) => login.bindedRedirect(state, qrcode),
		bind: () => info(state.bindBot()),
		bot: () => (state.bot ? info(state.bot) : undefined),

		staleSession: () => {
			if (!state.bot) throw new Error('No bot is bound');
			state.bot.stale = true;
			state.holds.notify();
		},

		ownerSends: (spec) => ownerSends(state, spec),
		pendingUpdates: () => pendingCount(state),
		typing: (userId) => state.bot?.conversations.get(userId ?? state.bot.ownerId)?.typing ?? false,

		now: () => state.now(),
		advanceClock: (ms) => {
			state.clockOffset += ms;
			state.holds.notify();
		},

		cdnPut: (plaintext, key) => cdnPut(state, plaintext, key),
		cdnBytes: (param) => state.cdn.get(param)?.plain,

		fault: (endpoint, fault, times) => state.faults.add(endpoint, fault, times),
		clearFaults: () => state.faults.clear(),

		issuedSecrets: () => [...state.secrets],
	};
}
