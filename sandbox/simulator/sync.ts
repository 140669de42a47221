/**
 * synccheck (the held long-poll on the push host) and webwxsync (paged delivery
 * of the event log with new SyncKey / SyncCheckKey), protocol.md §1.10-1.11.
 */

import { renderContact } from './accounts';
import type { SimContext } from './context';
import type { Exchange } from './exchange';
import { parseSyncCheckKey, syncKeyPosition, type LogEvent } from './event-log';
import { withJsonSession, type Session } from './sessions';
import { tokensEqual } from './util';

const synccheckBody = (retcode: number | string, selector: number | string) => `window.synccheck={retcode:"${retcode}",selector:"${selector}"}`;

/** Keys 11, 201 and 1001 are what only the SyncCheckKey carries (the SyncKey has 1, 2, 3, 1000). */
const isSyncCheckKey = (keys: Map<number, number>) => keys.has(11) && keys.has(201) && keys.has(1001);

/** Which selector a synccheck from key position `pos` deserves now, or null to hold. */
function selectorFor(ctx: SimContext, s: Session, pos: number): string | null {
	// Polling with the SyncKey instead of the SyncCheckKey after a sync: selector 6 at once,
	// whatever is pending, and the webwxsync it provokes is empty (the WB#113 loop, CONTRACT "Sync").
	if (s.staleSyncCheck) return '6';
	const pending = ctx.log.after(Math.max(pos, s.baseSeq));
	if (pending.some((e) => e.kind === 'msg')) return '2';
	if (pending.length > 0) return '4';
	if (s.activity) return '7';
	return null;
}

export function synccheck(ctx: SimContext, ex: Exchange): void {
	const q = ex.query;
	const s = q.sid === undefined ? undefined : ctx.sessions.find((x) => tokensEqual(q.sid, x.sid));
	if (!s) return ex.js(synccheckBody(1100, 0));
	if (s.loggedOut) return ex.js(synccheckBody(s.logoutCode, 0));
	const cookieOk = tokensEqual(ex.cookies['wxsid'], s.sid) && tokensEqual(ex.cookies['wxuin'], s.uin);
	if (!cookieOk || !tokensEqual(q.uin, s.uin)) return ex.js(synccheckBody(1100, 0));
	if (!tokensEqual(q.skey, s.skey)) return ex.js(synccheckBody(1101, 0));
	const keys = parseSyncCheckKey(q.synckey ?? '');
	if (!keys) return ex.js(synccheckBody(1100, 0));
	s.staleSyncCheck = s.syncCheckKeyIssued && !isSyncCheckKey(keys);
	if (ex.record.fault === 'selectorSpin') {
		s.spinNext = true;
		return ex.js(synccheckBody(0, 2));
	}
	const pos = keys.get(1) ?? 0;
	ctx.holds.hold(
		ex,
		ctx.opts.syncHoldMs,
		() => {
			if (s.loggedOut) {
				ex.js(synccheckBody(s.logoutCode, 0));
				return true;
			}
			const sel = selectorFor(ctx, s, pos);
			if (sel === null) return false;
			ex.js(synccheckBody(0, sel));
			return true;
		},
		() => ex.js(s.loggedOut ? synccheckBody(s.logoutCode, 0) : synccheckBody(0, 0)),
	);
}

/** One page of events from `pos`: at most `pageSize` messages, contact changes in between. */
function page(events: LogEvent[], pageSize: number): { taken: LogEvent[]; more: boolean } {
	const taken: LogEvent[] = [];
	let msgs = 0;
	for (const e of events) {
		if (e.kind === 'msg') {
			if (msgs === pageSize) break;
			msgs++;
		}
		taken.push(e);
	}
	return { taken, more: taken.length < events.length };
}

const EMPTY_PROFILE = {
	BitFlag: 0,
	UserName: { Buff: '' },
	NickName: { Buff: '' },
	BindUin: 0,
	BindEmail: { Buff: '' },
	BindMobile: { Buff: '' },
	Status: 0,
	Sex: 0,
	PersonalCard: 0,
	Alias: '',
	HeadImgUpdateFlag: 0,
	HeadImgUrl: '',
	Signature: '',
};

export function webwxsync(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const requested = syncKeyPosition(body.SyncKey);
		if (requested === null) return ex.ret(1200, 'SyncKey malformed');
		const pos = Math.min(Math.max(requested, s.baseSeq), ctx.log.seq);
		let taken: LogEvent[] = [];
		let more = false;
		if (s.spinNext) s.spinNext = false;
		// After a synccheck with the SyncKey instead of the SyncCheckKey: nothing, keys unmoved.
		else if (!s.staleSyncCheck) ({ taken, more } = page(ctx.log.after(pos), ctx.opts.syncPageSize));
		s.activity = false;
		// staleKey fault: the page is delivered but the key stays where it was.
		const end = taken.length && ex.record.fault !== 'staleKey' ? taken[taken.length - 1].seq : pos;
		const account = ctx.account;
		const addMsgs = taken.flatMap((e) => (e.kind === 'msg' ? [e.render(s)] : []));
		// The first sync after a restore re-sends the last message the client's key already covers.
		const again = s.redeliverLast ? ctx.log.lastMessageAtOrBefore(pos, s.baseSeq) : undefined;
		s.redeliverLast = false;
		if (again) addMsgs.unshift(again.render(s));
		const mods = taken.flatMap((e) => {
			const c = e.kind === 'mod' ? account.byId(e.contactId) : undefined;
			return c ? [{ ...renderContact(account, c, s, 'full'), HeadImgUpdateFlag: 1, ContactType: 0 }] : [];
		});
		const dels = taken.flatMap((e) => (e.kind === 'del' ? [{ UserName: s.un(e.contactId), ContactFlag: 0 }] : []));
		let skey = '';
		if (s.pendingSkey) {
			skey = s.pendingSkey;
			s.pastSkeys.push(s.skey);
			s.skey = s.pendingSkey;
			s.pendingSkey = undefined;
		}
		s.syncCheckKeyIssued = true;
		ex.json({
			BaseResponse: { Ret: 0, ErrMsg: '' },
			AddMsgCount: addMsgs.length,
			AddMsgList: addMsgs,
			ModContactCount: mods.length,
			ModContactList: mods,
			DelContactCount: dels.length,
			DelContactList: dels,
			ModChatRoomMemberCount: 0,
			ModChatRoomMemberList: [],
			Profile: EMPTY_PROFILE,
			ContinueFlag: more ? 1 : 0,
			SyncKey: ctx.log.syncKey(end),
			SKey: skey,
			SyncCheckKey: ctx.log.syncCheckKey(end),
		});
	});
}
