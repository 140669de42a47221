/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * The soak's message source: synccheck and webwxsync answered in-process with
 * pages cloned from messages the simulator rendered for the live session (so the
 * shapes are the simulator's), because a million messages would not fit in the
 * simulator's event log. Every other request still goes to the simulator.
 */
import type { HttpRequest, HttpResponse } from '../../lib/wechat/transport';

export interface Feed {
	active: boolean;
	total: number;
	pageSize: number;
	delivered: number;
	templates: Array<Record<string, unknown>>;
	syncRequests: number;
}

// On globalThis: jest.mock's factory and the test may hold different instances of this module.
const holder = globalThis as { __wechatSoakFeed?: Feed };
export const feed: Feed = (holder.__wechatSoakFeed ??= { active: false, total: 0, pageSize: 1000, delivered: 0, templates: [], syncRequests: 0 });

const BASE_ID = 7_000_000_000_000_000_000n;

function syncKey(seq: number, count: 4 | 7): { Count: number; List: Array<{ Key: number; Val: number }> } {
	const keys = count === 4 ? [1, 2, 3, 1000] : [1, 2, 3, 11, 201, 1000, 1001];
	return { Count: keys.length, List: keys.map((Key) => ({ Key, Val: Key === 1 ? seq : Key >= 1000 ? Math.floor(Date.now() / 1000) : 1 })) };
}

/** The answer for synccheck / webwxsync while the feed is active; undefined for everything else. */
export function feedAnswer(req: HttpRequest): HttpResponse | undefined {
	if (!feed.active) return undefined;
	const path = new URL(req.url).pathname;
	if (path.endsWith('/synccheck')) {
		// Once all is delivered the simulator answers (and holds, as the real server does).
		if (feed.delivered >= feed.total) return undefined;
		return { status: 200, headers: { 'content-type': 'text/javascript' }, text: 'window.synccheck={retcode:"0",selector:"2"}' };
	}
	if (!path.endsWith('/webwxsync')) return undefined;
	feed.syncRequests++;
	const n = Math.min(feed.pageSize, feed.total - feed.delivered);
	const now = Math.floor(Date.now() / 1000);
	const msgs = Array.from({ length: n }, (_, i) => {
		const id = String(BASE_ID + BigInt(feed.delivered + i));
		return { ...feed.templates[(feed.delivered + i) % feed.templates.length], MsgId: id, NewMsgId: id, CreateTime: now };
	});
	feed.delivered += n;
	const body = {
		BaseResponse: { Ret: 0, ErrMsg: '' },
		AddMsgCount: n,
		AddMsgList: msgs,
		ModContactCount: 0,
		ModContactList: [],
		DelContactCount: 0,
		DelContactList: [],
		ModChatRoomMemberCount: 0,
		ModChatRoomMemberList: [],
		ContinueFlag: feed.delivered < feed.total ? 1 : 0,
		SyncKey: syncKey(1_000_000 + feed.delivered, 4),
		SKey: '',
		SyncCheckKey: syncKey(1_000_000 + feed.delivered, 7),
	};
	return { status: 200, headers: { 'content-type': 'text/plain' }, text: JSON.stringify(body) };
}
