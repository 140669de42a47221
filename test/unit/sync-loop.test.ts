import { LoggedOutError, NetworkError } from '../../lib/wechat/errors';
import { WeChatHttp } from '../../lib/wechat/http';
import { Session } from '../../lib/wechat/session';
import type { SyncLoopEvent } from '../../lib/wechat/sync';
import { syncLoop } from '../../lib/wechat/sync';
import type { RawAddMsg } from '../../lib/wechat/types';
import { FakeClock } from '../helpers/fake-clock';
import type { Handler } from '../helpers/scripted-transport';
import { json, ScriptedTransport, text } from '../helpers/scripted-transport';

const OK = { Ret: 0, ErrMsg: '' };
const key = (v: number) => ({ Count: 2, List: [{ Key: 1, Val: v }, { Key: 1000, Val: 1 }] });
const checkKey = (v: number) => ({ Count: 3, List: [{ Key: 1, Val: v }, { Key: 11, Val: v }, { Key: 1000, Val: 1 }] });
const sc = (retcode: number, selector: number) => text(`window.synccheck={retcode:"${retcode}",selector:"${selector}"}`);
const msg = (id: number): RawAddMsg => ({ MsgId: String(id), FromUserName: '@peer', ToUserName: '@me', MsgType: 1, Content: `m${id}`, CreateTime: 1 });

function session(): Session {
	const s = new Session({ mode: 'desktop', mainHost: 'wx2.qq.com', tokens: { uin: '1', sid: 'S', skey: '@crypt_k', passTicket: 'p' }, loginTime: 0 });
	s.syncKey = key(0);
	s.user = { Uin: 1, UserName: '@me', NickName: 'me' };
	return s;
}

/** Runs the loop until `until` says so, `maxEvents` events, or `stopAfterMs` of simulated time. */
async function run(handler: Handler, opts: { maxEvents?: number; until?: (e: SyncLoopEvent, clock: FakeClock) => boolean; stopAfterMs?: number } = {}) {
	const clock = new FakeClock();
	const start = clock.now();
	const controller = new AbortController();
	const transport = new ScriptedTransport((req, ep) => {
		if (opts.stopAfterMs !== undefined && clock.now() - start >= opts.stopAfterMs) controller.abort();
		return handler(req, ep);
	});
	const http = new WeChatHttp({ transport, clock });
	const s = session();
	const events: SyncLoopEvent[] = [];
	for await (const e of syncLoop(http, s, { signal: controller.signal })) {
		events.push(e);
		if (events.length >= (opts.maxEvents ?? 1000) || opts.until?.(e, clock)) controller.abort();
	}
	return { events, transport, clock, minutes: (clock.now() - start) / 60000, session: s };
}

describe('sync loop', () => {
	it('stops with a typed logout on retcode 1100/1101/1102 and sends nothing afterwards', async () => {
		for (const code of [1100, 1101, 1102]) {
			const { events, transport } = await run(() => sc(code, 0));
			expect(events).toHaveLength(1);
			expect(events[0].type).toBe('loggedOut');
			expect((events[0] as { error: LoggedOutError }).error.retcode).toBe(code);
			expect(transport.requests).toHaveLength(1);
		}
	});

	it('uses the SyncCheckKey for synccheck after a sync, and the full SyncKey for webwxsync', async () => {
		let n = 0;
		const { transport, session: s } = await run(
			(_req, ep) => {
				if (ep === 'synccheck') return sc(0, 2);
				n++;
				return json({ BaseResponse: OK, AddMsgList: [msg(n)], SyncKey: key(n), SyncCheckKey: checkKey(n), ContinueFlag: 0, SKey: n === 2 ? '@crypt_new' : '' });
			},
			{ maxEvents: 3 },
		);
		const checks = transport.requests.filter((r) => r.endpoint === 'synccheck').map((r) => new URL(r.req.url).searchParams.get('synckey'));
		expect(checks[0]).toBe('1_0|1000_1');
		expect(checks[1]).toBe('1_1|11_1|1000_1');
		const syncBodies = transport.requests.filter((r) => r.endpoint === 'webwxsync').map((r) => JSON.parse(String(r.req.body)));
		expect(syncBodies[1].SyncKey).toEqual(key(1));
		expect(typeof syncBodies[0].rr).toBe('number');
		// SKey refresh: later calls carry the new skey.
		const last = transport.requests[transport.requests.length - 1];
		expect(last.req.url).toContain('skey=%40crypt_new');
		expect(s.tokens.skey).toBe('@crypt_new');
	});

	it('drains ContinueFlag with webwxsync directly, without waiting for synccheck', async () => {
		let page = 0;
		const { events, transport } = await run(
			(_req, ep) => {
				if (ep === 'synccheck') return page >= 3 ? sc(1101, 0) : sc(0, 2);
				page++;
				return json({ BaseResponse: OK, AddMsgList: [msg(page)], SyncKey: key(page), SyncCheckKey: checkKey(page), ContinueFlag: page < 3 ? 1 : 0 });
			},
		);
		const batches = events.filter((e) => e.type === 'batch');
		expect(batches).toHaveLength(3);
		expect(transport.requests.map((r) => r.endpoint)).toEqual(['synccheck', 'webwxsync', 'webwxsync', 'webwxsync', 'synccheck']);
	});

	it('backs off with growing, capped delays on failures and recovers', async () => {
		let failures = 0;
		const { events } = await run(
			(_req, ep) => {
				if (ep === 'synccheck') {
					if (failures < 6) {
						failures++;
						return text('oops', 502);
					}
					return sc(0, 2);
				}
				return json({ BaseResponse: OK, AddMsgList: [msg(1)], SyncKey: key(1), SyncCheckKey: checkKey(1) });
			},
			{ until: (e) => e.type === 'batch' },
		);
		const retries = events.filter((e) => e.type === 'retrying') as Array<{ delayMs: number; attempt: number; error: Error }>;
		expect(retries).toHaveLength(6);
		expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
		for (const r of retries) {
			expect(r.delayMs).toBeGreaterThanOrEqual(1000);
			expect(r.delayMs).toBeLessThanOrEqual(60000);
			expect(r.error).toBeInstanceOf(NetworkError);
		}
		expect(retries[5].delayMs).toBeGreaterThan(retries[0].delayMs);
		expect(events.some((e) => e.type === 'recovered')).toBe(true);
	});

	it.each([
		['malformed synccheck', (ep: string) => (ep === 'synccheck' ? text('<html>busy</html>') : json({}))],
		['unknown retcode', (ep: string) => (ep === 'synccheck' ? sc(-1, 0) : json({}))],
		['network failure', () => Promise.reject(new NetworkError('reset'))],
		['truncated webwxsync', (ep: string) => (ep === 'synccheck' ? sc(0, 2) : text('{"BaseResponse":{"Ret":0,'))],
		['empty webwxsync', (ep: string) => (ep === 'synccheck' ? sc(0, 2) : text(''))],
	])('never busy-loops on %s: fewer than 20 requests per simulated minute', async (_name, h) => {
		const { transport, minutes } = await run(h as Handler, { stopAfterMs: 10 * 60000 });
		expect(minutes).toBeGreaterThanOrEqual(10);
		expect(transport.requests.length / minutes).toBeLessThan(20);
	});

	it.each([
		['selector spin (non-zero selector, empty syncs)', (_r: unknown, ep: string) => (ep === 'synccheck' ? sc(0, 7) : json({ BaseResponse: OK, AddMsgList: [], SyncKey: key(0), SyncCheckKey: checkKey(0) }))],
		['an instant "nothing new" (server not holding)', (_r: unknown, ep: string) => (ep === 'synccheck' ? sc(0, 0) : json({}))],
	])('slows down on %s', async (_name, h) => {
		const { transport, minutes } = await run(h as Handler, { stopAfterMs: 5 * 60000 });
		expect(minutes).toBeGreaterThanOrEqual(5);
		// At most one synccheck per second when the server does not hold; spins back off further.
		expect(transport.requests.length / minutes).toBeLessThanOrEqual(120);
	});

	it('stops promptly when aborted during a back-off wait', async () => {
		const clock = new FakeClock();
		const transport = new ScriptedTransport(() => text('x', 500));
		const http = new WeChatHttp({ transport, clock });
		const controller = new AbortController();
		const seen: string[] = [];
		for await (const e of syncLoop(http, session(), { signal: controller.signal })) {
			seen.push(e.type);
			controller.abort();
		}
		expect(seen).toEqual(['retrying']);
		expect(transport.requests).toHaveLength(1);
	});
});
