/**
 * Session endpoints that are not sync, send, upload or media: webwxinit,
 * webwxstatusnotify, webwxgetcontact (Seq paging), webwxbatchgetcontact (silently
 * cut to 50), webwxoplog and webwxlogout (protocol.md §1.6-1.9, §1.23-1.24).
 */

import { renderContact, renderSelf, type Contact } from './accounts';
import type { SimContext } from './context';
import type { Exchange } from './exchange';
import { authCookieQuery, withJsonSession, type Session } from './sessions';
import { isRecord, newMsgId, num, parseQuery, str, tokensEqual, unixNow } from './util';

const BATCH_LIMIT = 50;

function mpSubscriptions(ctx: SimContext, s: Session): Record<string, unknown>[] {
	return ctx.account.contacts
		.filter((c) => c.friend && c.kind === 'official')
		.map((c) => ({
			UserName: s.un(c.id),
			MPArticleCount: 1,
			MPArticleList: [{ Title: `${c.nickName} daily`, Digest: 'Today in the sandbox', Cover: 'http://mmbiz.qpic.cn/mmbiz_jpg/sandbox/0', Url: 'http://mp.weixin.qq.com/s?__biz=sandbox&mid=1' }],
			Time: unixNow(),
			NickName: c.nickName,
		}));
}

export function webwxinit(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s) => {
		const account = ctx.account;
		// Groups here have members without nicknames (protocol.md §1.6): clients must batchgetcontact.
		const recent = ctx.injector.recentChats();
		const list = recent.map((c) => renderContact(account, c, s, c.kind === 'group' ? 'noNick' : 'full'));
		// The first init of a login starts at the login (history and anything since come in the
		// first syncs); a later one (a restore) answers the server's current key, past everything
		// pending: a client that adopts it instead of its saved key skips what arrived meanwhile.
		const position = s.initialized ? ctx.log.seq : s.baseSeq;
		// The server re-delivers the last message after a hot reload (CONTRACT "Sync", IT#238).
		s.redeliverLast = s.initialized && ctx.opts.redeliverOnRestore;
		s.initialized = true;
		s.syncCheckKeyIssued = false;
		s.staleSyncCheck = false;
		ex.json({
			BaseResponse: { Ret: 0, ErrMsg: '' },
			Count: list.length,
			ContactList: list,
			SyncKey: ctx.log.syncKey(position),
			User: renderSelf(account, s),
			ChatSet: recent.map((c) => s.un(c.id)).join(',') + ',',
			SKey: s.skey,
			ClientVersion: 654314291,
			SystemTime: unixNow(),
			GrayScale: 1,
			InviteStartCount: 40,
			MPSubscribeMsgCount: mpSubscriptions(ctx, s).length,
			MPSubscribeMsgList: mpSubscriptions(ctx, s),
			ClickReportInterval: 600000,
		});
	});
}

export function statusNotify(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const code = num(body, 'Code');
		if (code === undefined || code < 1 || code > 5) return ex.ret(1, 'Code must be 1..5');
		if (str(body, 'FromUserName') !== s.selfUserName) return ex.ret(1, 'FromUserName must be self');
		const to = str(body, 'ToUserName');
		if (!to || !s.idOf(to)) return ex.ret(1, 'ToUserName unknown');
		ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, MsgID: newMsgId() });
	});
}

/** The address book: friends, official and special accounts, saved groups (without members). */
function addressBook(ctx: SimContext): Contact[] {
	return ctx.account.contacts.filter((c) => c.friend);
}

export function getContact(ctx: SimContext, ex: Exchange): void {
	const auth = authCookieQuery(ctx.sessions, ex, true);
	if (!auth.ok) return ex.ret(auth.ret, auth.reason);
	const seqText = ex.query.seq ?? '0';
	if (!/^\d+$/.test(seqText)) return ex.ret(1200, 'seq must be a number');
	const book = addressBook(ctx);
	const start = Number(seqText);
	const page = book.slice(start, start + ctx.opts.contactPageSize);
	const next = start + page.length < book.length ? start + page.length : 0;
	ex.json({
		BaseResponse: { Ret: 0, ErrMsg: '' },
		MemberCount: page.length,
		MemberList: page.map((c) => renderContact(ctx.account, c, auth.session, 'none')),
		Seq: next,
	});
}

export function batchGetContact(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const list = body.List;
		if (!Array.isArray(list)) return ex.ret(1200, 'List must be an array');
		const account = ctx.account;
		const out: Record<string, unknown>[] = [];
		// The server answers only the first 50 entries, without saying so.
		for (const item of list.slice(0, BATCH_LIMIT)) {
			if (!isRecord(item)) continue;
			const userName = str(item, 'UserName');
			const id = userName ? s.idOf(userName) : undefined;
			const c = id ? account.byId(id) : undefined;
			if (id === account.selfId) {
				out.push({ ...renderSelf(account, s), MemberList: [], MemberCount: 0 });
				continue;
			}
			if (!c) continue;
			const room = str(item, 'EncryChatRoomId') || str(item, 'ChatRoomId') || '';
			const roomId = room ? (s.idOf(room) ?? s.groupByEncry(room)) : undefined;
			const group = roomId ? account.byId(roomId) : undefined;
			if (c.kind !== 'group' && group && group.members.includes(c.id)) {
				out.push({ ...renderContact(account, c, s, 'full'), DisplayName: group.displayNames.get(c.id) ?? '', EncryChatRoomId: s.encry(group.id) });
			} else {
				out.push(renderContact(account, c, s, 'full'));
			}
		}
		ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, Count: out.length, ContactList: out });
	});
}

export function opLog(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const cmd = num(body, 'CmdId');
		const userName = str(body, 'UserName');
		const id = userName ? s.idOf(userName) : undefined;
		const c = id ? ctx.account.byId(id) : undefined;
		if (!c || !c.friend) return ex.ret(1, 'UserName is not a contact');
		if (cmd === 2) {
			if (c.kind !== 'user') return ex.ret(1, 'only friends can get a remark');
			c.remarkName = str(body, 'RemarkName') ?? '';
		} else if (cmd === 3) {
			const op = num(body, 'OP');
			if (op !== 0 && op !== 1) return ex.ret(1, 'OP must be 0 or 1');
			// Pinning without RemarkName wipes the remark (W4's warning).
			c.remarkName = str(body, 'RemarkName') ?? '';
		} else {
			return ex.ret(1, 'unsupported CmdId');
		}
		ctx.log.append({ kind: 'mod', contactId: c.id });
		ctx.changed();
		ex.ret(0);
	});
}

/** Ends the session found by skey, cookie or form sid. Answers 200 either way (clients ignore errors). */
export function logout(ctx: SimContext, ex: Exchange): void {
	const form = parseQuery(ex.body.toString('utf8'));
	const sid = ex.cookies['wxsid'] ?? form.sid;
	const s =
		ctx.sessions.find((x) => ex.query.skey !== undefined && tokensEqual(ex.query.skey, x.skey)) ??
		ctx.sessions.find((x) => sid !== undefined && tokensEqual(sid, x.sid));
	if (s && !s.loggedOut) {
		s.loggedOut = true;
		s.logoutCode = 1101;
		ctx.changed();
	}
	ex.send(200, { 'Content-Type': 'text/html' }, '');
}
