/**
 * Test-side operations on the account and the live session (the in-process API
 * and the HTTP control API both call these): logout from the phone, skey
 * rotation, phone activity, contact changes, name lookups and the state summary.
 */

import type { ContactSpec } from './api';
import type { SimContext } from './context';
import type { Session } from './sessions';
import { newSkey } from './sessions';
import { conversations } from './conversations';
import { pendingLogins } from './phone';

function requireSession(ctx: SimContext): Session {
	const s = ctx.current();
	if (!s) throw new Error('No session yet: log in first');
	return s;
}

export function forceLogout(ctx: SimContext, retcode: 1100 | 1101 | 1102 = 1101): void {
	const s = requireSession(ctx);
	s.loggedOut = true;
	s.logoutCode = retcode;
	ctx.changed();
}

export function rotateSkey(ctx: SimContext): void {
	requireSession(ctx).pendingSkey = newSkey();
}

export function phoneActivity(ctx: SimContext): void {
	requireSession(ctx).activity = true;
	ctx.changed();
}

/** Resolves a contact by nickname, remark, raw id or (current session) UserName. */
function contactId(ctx: SimContext, name: string): string {
	const byUserName = ctx.current()?.idOf(name);
	const c = byUserName ? ctx.account.byId(byUserName) : ctx.account.find(name);
	if (!c) throw new Error(`Unknown contact "${name}"`);
	return c.id;
}

export function userName(ctx: SimContext, name: string): string {
	const s = requireSession(ctx);
	if (name === 'me' || ctx.account.isSelf(name)) return s.selfUserName;
	return s.un(contactId(ctx, name));
}

export function addContact(ctx: SimContext, spec: ContactSpec): string {
	const c = ctx.account.addContact(spec);
	ctx.log.append({ kind: 'mod', contactId: c.id });
	ctx.changed();
	const s = ctx.current();
	return s ? s.un(c.id) : c.id;
}

export function modifyContact(ctx: SimContext, name: string, changes: { nickName?: string; remarkName?: string }): void {
	const c = ctx.account.byId(contactId(ctx, name));
	if (!c) return;
	if (changes.nickName !== undefined) c.nickName = changes.nickName;
	if (changes.remarkName !== undefined) c.remarkName = changes.remarkName;
	c.headSeq++;
	ctx.log.append({ kind: 'mod', contactId: c.id });
	ctx.changed();
}

export function deleteContact(ctx: SimContext, name: string): void {
	const c = ctx.account.byId(contactId(ctx, name));
	if (!c) return;
	c.friend = false;
	ctx.log.append({ kind: 'del', contactId: c.id });
	ctx.changed();
}

/** What the control API and the page show: no tokens. */
export function stateSummary(ctx: SimContext): Record<string, unknown> {
	const s = ctx.current();
	const account = ctx.account;
	const person = (id: string) => account.byId(id);
	return {
		origin: ctx.origin,
		qrBase: 'https://login.weixin.qq.com/l/',
		pendingLogins: pendingLogins(ctx),
		session: s
			? { uin: s.uin, nickName: account.nickName, selfUserName: s.selfUserName, mainHost: account.mainHost, desktop: s.desktop, loggedOut: s.loggedOut, logoutCode: s.loggedOut ? s.logoutCode : undefined }
			: null,
		contacts: account.contacts
			.filter((c) => c.friend)
			.map((c) => ({
				userName: s ? s.un(c.id) : undefined,
				nickName: c.nickName,
				remarkName: c.remarkName,
				kind: c.kind,
				members:
					c.kind === 'group'
						? c.members.map((id) => ({
								userName: s ? s.un(id) : undefined,
								nickName: id === account.selfId ? account.nickName : (person(id)?.nickName ?? ''),
								displayName: c.displayNames.get(id) ?? '',
								self: id === account.selfId,
							}))
						: undefined,
			})),
		sent: ctx.sent,
		messages: conversations(ctx),
	};
}
