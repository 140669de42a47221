/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
/**
 * "The phone": what the account owner does with a login uuid — scan, confirm,
 * cancel — plus expiry and waiting for a client to start polling.
 */

import type { PendingLogin } from './api';
import type { LoginAttempt, SimContext } from './context';
import { newTicket, refreshExpiry } from './login';

function view(a: LoginAttempt): PendingLogin {
	return { uuid: a.uuid, state: a.state, push: a.push, createdAt: a.createdAt };
}

export function pendingLogins(ctx: SimContext): PendingLogin[] {
	for (const a of ctx.logins) refreshExpiry(ctx, a);
	return ctx.logins.map(view);
}

/** The attempt named, or the newest one. */
function pick(ctx: SimContext, uuid?: string): LoginAttempt {
	const a = uuid === undefined ? ctx.logins[ctx.logins.length - 1] : ctx.logins.find((x) => x.uuid === uuid);
	if (!a) throw new Error(uuid === undefined ? 'No login uuid yet (the client has not called jslogin)' : `Unknown login uuid ${uuid}`);
	refreshExpiry(ctx, a);
	return a;
}

export function scan(ctx: SimContext, uuid?: string): void {
	const a = pick(ctx, uuid);
	if (a.state !== 'waiting') throw new Error(`Cannot scan: login ${a.uuid} is ${a.state}`);
	if (!a.push) {
		a.state = 'scanned';
		a.scannedAt = Date.now();
	}
	ctx.changed();
}

/** Confirms on the phone; an unscanned QR is scanned first (the client still sees 201 before 200). */
export function confirm(ctx: SimContext, uuid?: string): void {
	const a = pick(ctx, uuid);
	if (a.state === 'waiting' && !a.push) {
		a.state = 'scanned';
		a.scannedAt = Date.now();
	}
	if (a.state !== 'scanned' && !(a.push && a.state === 'waiting')) throw new Error(`Cannot confirm: login ${a.uuid} is ${a.state}`);
	a.state = 'confirmed';
	a.scannedAt ??= Date.now();
	a.ticket = newTicket();
	a.ticketIssuedAt = Date.now();
	ctx.changed();
}

export function cancel(ctx: SimContext, uuid?: string): void {
	const a = pick(ctx, uuid);
	if (a.state !== 'waiting' && a.state !== 'scanned') throw new Error(`Cannot cancel: login ${a.uuid} is ${a.state}`);
	a.state = 'cancelled';
	ctx.changed();
}

export function expire(ctx: SimContext, uuid?: string): void {
	const a = pick(ctx, uuid);
	a.state = 'expired';
	a.ticketUsed = true;
	ctx.changed();
}

/** Resolves with the newest attempt that is waiting or scanned and has been polled. */
export function waitForPendingLogin(ctx: SimContext, timeoutMs = 10_000): Promise<PendingLogin> {
	const find = () => {
		for (let i = ctx.logins.length - 1; i >= 0; i--) {
			const a = ctx.logins[i];
			refreshExpiry(ctx, a);
			if (a.polled && (a.state === 'waiting' || a.state === 'scanned')) return a;
		}
		return undefined;
	};
	return new Promise((resolve, reject) => {
		const now = find();
		if (now) return resolve(view(now));
		const onChange = () => {
			const a = find();
			if (!a) return;
			cleanup();
			resolve(view(a));
		};
		const timer = setTimeout(() => {
			cleanup();
			reject(new Error(`No pending login was polled within ${timeoutMs} ms`));
		}, timeoutMs);
		const onClose = () => {
			cleanup();
			reject(new Error('Simulator closed'));
		};
		const cleanup = () => {
			clearTimeout(timer);
			ctx.events.off('change', onChange);
			ctx.events.off('close', onClose);
		};
		ctx.events.on('change', onChange);
		ctx.events.on('close', onClose);
	});
}
