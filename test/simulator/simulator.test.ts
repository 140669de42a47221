/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Tests of the simulator itself, over raw HTTP (Node's fetch, no redirects
 * followed), the way a client sees it. Hold times are short to keep this fast.
 */

import { createHash } from 'node:crypto';
import type { Simulator, SimulatorOptions } from '../../sandbox/simulator/api';
import { startSimulator } from '../../sandbox/simulator/index';
import { EventLog } from '../../sandbox/simulator/event-log';
import { EXTSPAM } from '../../sandbox/simulator/login';

const CGI = '/cgi-bin/mmwebwx-bin/';
const H = { login: 'login.wx.qq.com', main: 'wx2.qq.com', push: 'webpush.wx2.qq.com', file: 'file.wx2.qq.com' };
const NEWLOGINPAGE = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage';
const DESKTOP_HEADERS = { 'client-version': '2.0.0', extspam: EXTSPAM, referer: 'https://wx.qq.com/?&lang=zh_CN&target=t' };

interface Res {
	status: number;
	headers: Headers;
	text: string;
	bytes: Buffer;
	setCookies: string[];
}

/** A name → value cookie jar (domains ignored: every host of the account shares it). */
class Jar {
	readonly values = new Map<string, string>();
	absorb(setCookies: string[]): void {
		for (const c of setCookies) {
			const [pair] = c.split(';');
			const eq = pair.indexOf('=');
			this.values.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
		}
	}
	header(): string {
		return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
	}
}

interface CallOptions {
	method?: 'GET' | 'POST';
	headers?: Record<string, string>;
	body?: string;
	jar?: Jar;
	json?: unknown;
	signal?: AbortSignal;
}

async function call(sim: Simulator, host: string, pathAndQuery: string, o: CallOptions = {}): Promise<Res> {
	const headers: Record<string, string> = { 'x-wechat-host': host, ...(o.headers ?? {}) };
	if (o.jar && o.jar.values.size) headers.cookie = o.jar.header();
	let body: string | undefined = o.body;
	if (o.json !== undefined) {
		body = JSON.stringify(o.json);
		headers['content-type'] = 'application/json; charset=UTF-8';
	}
	const res = await fetch(sim.origin + pathAndQuery, { method: o.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual', signal: o.signal });
	const bytes = Buffer.from(await res.arrayBuffer());
	return { status: res.status, headers: res.headers, text: bytes.toString('utf8'), bytes, setCookies: res.headers.getSetCookie() };
}

const q = (params: Record<string, string | number>) =>
	'?' +
	Object.entries(params)
		.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
		.join('&');

async function jslogin(sim: Simulator, desktop = false): Promise<string> {
	const redirect = desktop ? NEWLOGINPAGE + '?mod=desktop' : NEWLOGINPAGE;
	const r = await call(sim, H.login, '/jslogin' + q({ appid: 'wx782c26e4c19acffb', fun: 'new', lang: 'zh_CN', redirect_uri: redirect, _: Date.now() }));
	const m = /^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "([^"]+)";$/.exec(r.text);
	if (!m) throw new Error(`jslogin: ${r.text}`);
	return m[1];
}

const poll = (sim: Simulator, uuid: string, tip = 0, signal?: AbortSignal) =>
	call(sim, H.login, CGI + 'login' + q({ loginicon: 'true', uuid, tip, r: ~Date.now(), _: Date.now() }), { signal });

/** jslogin → scan → confirm → the redirect_uri of the 200. */
async function confirmedRedirect(sim: Simulator, desktop = false): Promise<URL> {
	const uuid = await jslogin(sim, desktop);
	const first = poll(sim, uuid, 1);
	await sim.waitForPendingLogin(2000);
	sim.scan(uuid);
	expect((await first).text).toMatch(/^window\.code=201;window\.userAvatar = 'data:img\/jpg;base64,[A-Za-z0-9+/=]+';$/);
	sim.confirm(uuid);
	const r = await poll(sim, uuid);
	const m = /^window\.code=200;\nwindow\.redirect_uri="([^"]+)";$/.exec(r.text);
	if (!m) throw new Error(`login poll: ${r.text}`);
	return new URL(m[1]);
}

const pathOf = (u: URL) => u.pathname + u.search;

interface Login {
	jar: Jar;
	uin: string;
	sid: string;
	skey: string;
	passTicket: string;
	baseRequest: () => Record<string, unknown>;
	self: string;
	syncKey: unknown;
	syncCheckKey?: { List: Array<{ Key: number; Val: number }> };
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>(.*?)</${name}>`).exec(xml)?.[1] ?? '';

async function login(sim: Simulator): Promise<Login> {
	const redirect = await confirmedRedirect(sim);
	const r = await call(sim, redirect.host, pathOf(redirect) + '&fun=new&version=v2');
	expect(r.status).toBe(200);
	const jar = new Jar();
	jar.absorb(r.setCookies);
	const l: Login = {
		jar,
		uin: tag(r.text, 'wxuin'),
		sid: tag(r.text, 'wxsid'),
		skey: tag(r.text, 'skey'),
		passTicket: tag(r.text, 'pass_ticket'),
		baseRequest: () => ({ Uin: Number(l.uin), Sid: l.sid, Skey: l.skey, DeviceID: 'e123456789012345' }),
		self: '',
		syncKey: undefined,
	};
	const init = await post(sim, l, 'webwxinit', { r: ~Date.now(), pass_ticket: l.passTicket }, {});
	expect(init.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
	l.self = (init.User as { UserName: string }).UserName;
	l.syncKey = init.SyncKey;
	return l;
}

type Json = Record<string, unknown>;

async function post(sim: Simulator, l: Login, endpoint: string, query: Record<string, string | number>, body: Json, host = H.main): Promise<Json> {
	const r = await call(sim, host, CGI + endpoint + q(query), { jar: l.jar, json: { BaseRequest: l.baseRequest(), ...body } });
	return JSON.parse(r.text) as Json;
}

async function sync(sim: Simulator, l: Login): Promise<Json> {
	const r = await post(sim, l, 'webwxsync', { sid: l.sid, skey: l.skey, pass_ticket: l.passTicket }, { SyncKey: l.syncKey, rr: ~Date.now() });
	if (r.SyncKey) l.syncKey = r.SyncKey;
	if (r.SyncCheckKey) l.syncCheckKey = r.SyncCheckKey as Login['syncCheckKey'];
	return r;
}

const formatKey = (k: unknown) => (k as { List: Array<{ Key: number; Val: number }> }).List.map((i) => `${i.Key}_${i.Val}`).join('|');

function synccheck(sim: Simulator, l: Login, o: { signal?: AbortSignal; host?: string; key?: unknown } = {}): Promise<Res> {
	const key = formatKey(o.key ?? l.syncCheckKey ?? l.syncKey);
	const query = q({ r: Date.now(), skey: l.skey, sid: l.sid, uin: l.uin, deviceid: 'e123456789012345', synckey: key, _: Date.now() });
	return call(sim, o.host ?? H.push, CGI + 'synccheck' + query, { jar: l.jar, signal: o.signal });
}

let sim: Simulator;
async function start(options: SimulatorOptions = {}): Promise<Simulator> {
	sim = await startSimulator({ loginHoldMs: 300, syncHoldMs: 300, ...options });
	return sim;
}
afterEach(async () => {
	await sim?.close();
});

describe('login', () => {
	test('jslogin answers the exact JS assignment; a wrong appid gets code 400', async () => {
		await start();
		expect(await jslogin(sim)).toMatch(/^[A-Za-z0-9]{10}==$/);
		const bad = await call(sim, H.login, '/jslogin' + q({ appid: 'wx0000', fun: 'new', redirect_uri: NEWLOGINPAGE }));
		expect(bad.text).toBe('window.QRLogin.code = 400; window.QRLogin.uuid = "";');
		const wrongHost = await call(sim, H.main, '/jslogin' + q({ appid: 'wx782c26e4c19acffb', fun: 'new' }));
		expect(wrongHost.status).toBe(404);
	});

	test('the login poll holds, then answers 408; unknown uuid 400', async () => {
		await start({ loginHoldMs: 150 });
		const uuid = await jslogin(sim);
		const t0 = Date.now();
		const r = await poll(sim, uuid, 1);
		expect(r.text).toBe('window.code=408;');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		expect((await poll(sim, 'nope==')).text).toBe('window.code=400;');
		await sim.close();
		await start({ loginHoldMs: 5000, qrLifetimeMs: 100 });
		const short = await jslogin(sim);
		expect((await poll(sim, short)).text).toBe('window.code=400;');
		expect(sim.pendingLogins()[0].state).toBe('expired');
		const qr = await call(sim, 'login.weixin.qq.com', '/qrcode/' + short);
		expect([qr.status, qr.headers.get('content-type'), qr.bytes.subarray(0, 3).toString('hex')]).toEqual([200, 'image/jpeg', 'ffd8ff']);
	});

	test('scan → 201 → confirm → 200 with the main-host redirect; cancel → 202; expire → 400', async () => {
		await start();
		const redirect = await confirmedRedirect(sim);
		expect(redirect.host).toBe('wx2.qq.com');
		expect(redirect.pathname).toBe('/cgi-bin/mmwebwx-bin/webwxnewloginpage');
		expect(redirect.search).toMatch(/^\?ticket=[\w-]+@qrticket_0&uuid=[A-Za-z0-9]{10}==&lang=zh_CN&scan=\d+$/);

		const u2 = await jslogin(sim);
		const held = poll(sim, u2);
		await sim.waitForPendingLogin(2000);
		sim.cancel(u2);
		expect((await held).text).toBe('window.code=202;');

		const u4 = await jslogin(sim);
		const first = poll(sim, u4);
		await sim.waitForPendingLogin(2000);
		sim.confirm(u4); // without a scan: the phone scans first, so 201 still comes before 200
		expect((await first).text).toMatch(/^window\.code=201;/);
		expect((await poll(sim, u4)).text).toMatch(/^window\.code=200;/);

		const u3 = await jslogin(sim);
		sim.expire(u3);
		expect((await poll(sim, u3)).text).toBe('window.code=400;');
		expect(sim.pendingLogins().map((p) => p.state)).toEqual(['confirmed', 'cancelled', 'confirmed', 'expired']);
	});

	test('newloginpage: desktop without version=v2 is a 301 with XML and no Location; with v2 a 200', async () => {
		await start({ account: { desktopOnly: true } });
		const r1 = await confirmedRedirect(sim, true);
		const a = await call(sim, r1.host, pathOf(r1) + '&fun=new&mod=desktop', { headers: DESKTOP_HEADERS });
		expect(a.status).toBe(301);
		expect(a.headers.get('location')).toBeNull();
		expect(a.text).toMatch(/^<error><ret>0<\/ret><message><\/message><skey>@crypt_[0-9a-f]{8}_[0-9a-f]{32}<\/skey><wxsid>.{16}<\/wxsid><wxuin>\d+<\/wxuin><pass_ticket>.*%2B.*<\/pass_ticket><isgrayscale>1<\/isgrayscale><\/error>$/);
		expect(sim.session()?.desktop).toBe(true);

		const r2 = await confirmedRedirect(sim, true);
		const b = await call(sim, r2.host, pathOf(r2) + '&fun=new&version=v2&mod=desktop', { headers: DESKTOP_HEADERS });
		expect(b.status).toBe(200);
		expect(tag(b.text, 'ret')).toBe('0');
	});

	test('a desktop-only account refuses a classic web login with 1203; the ticket is single-use', async () => {
		await start({ account: { desktopOnly: true } });
		const r = await confirmedRedirect(sim);
		const a = await call(sim, r.host, pathOf(r) + '&fun=new&version=v2');
		expect(a.status).toBe(200);
		expect(tag(a.text, 'ret')).toBe('1203');
		expect(tag(a.text, 'message')).toContain('不允许登录网页微信');
		expect(a.setCookies).toEqual([]);
		const again = await call(sim, r.host, pathOf(r) + '&fun=new&version=v2');
		expect(tag(again.text, 'ret')).not.toBe('0');
		expect(sim.session()).toBeUndefined();
	});

	test('Set-Cookie names and domains; new UserNames on every login; old session is kicked', async () => {
		await start();
		const r = await confirmedRedirect(sim);
		const a = await call(sim, r.host, pathOf(r) + '&fun=new&version=v2');
		const names = a.setCookies.map((c) => c.split('=')[0]);
		expect(names).toEqual(['wxuin', 'wxsid', 'wxloadtime', 'mm_lang', 'webwx_data_ticket', 'webwxuvid', 'webwx_auth_ticket']);
		expect(a.setCookies.find((c) => c.startsWith('wxsid='))).toContain('Domain=wx2.qq.com; Path=/');
		expect(a.setCookies.find((c) => c.startsWith('webwx_data_ticket='))).toContain('Domain=.qq.com');
		const first = sim.userName('Alice');
		const l2 = await login(sim);
		expect(sim.userName('Alice')).not.toBe(first);
		expect(sim.userName('Ali')).toBe(sim.userName('Alice'));
		expect(l2.self).toBe(sim.selfUserName());
		expect(sim.session()?.loggedOut).toBe(false);
	});

	test('push login needs webwx_auth_ticket and only a confirm', async () => {
		await start();
		const l = await login(sim);
		const bad = await call(sim, H.main, CGI + 'webwxpushloginurl' + q({ uin: l.uin }));
		expect(JSON.parse(bad.text)).toEqual({ ret: '1', msg: 'param error' });
		const ok = JSON.parse((await call(sim, H.main, CGI + 'webwxpushloginurl' + q({ uin: l.uin }), { jar: l.jar })).text) as Json;
		expect(ok).toMatchObject({ ret: '0', msg: 'all ok' });
		const held = poll(sim, ok.uuid as string);
		const pending = await sim.waitForPendingLogin(2000);
		expect(pending.push).toBe(true);
		sim.confirm();
		expect((await held).text).toMatch(/^window\.code=200;/);
	});
});

describe('session calls', () => {
	test('BaseRequest and cookies are validated: 1100 wrong Sid, 1101 wrong Skey, 1100 without cookies, 1200 garbage', async () => {
		await start();
		const l = await login(sim);
		const send = (body: string | undefined, jar?: Jar) => call(sim, H.main, CGI + 'webwxinit' + q({ r: 1 }), { jar, body, method: 'POST' }).then((r) => JSON.parse(r.text) as Json);
		const br = (over: Json) => JSON.stringify({ BaseRequest: { ...l.baseRequest(), ...over } });
		expect((await send(br({ Sid: 'AAAAAAAAAAAAAAAA' }), l.jar)).BaseResponse).toEqual({ Ret: 1100, ErrMsg: '' });
		expect((await send(br({ Skey: '@crypt_00000000_' + '0'.repeat(32) }), l.jar)).BaseResponse).toMatchObject({ Ret: 1101 });
		expect((await send(br({ Uin: String(l.uin) }), l.jar)).BaseResponse).toMatchObject({ Ret: 0 });
		expect((await send(br({}))).BaseResponse).toMatchObject({ Ret: 1100 });
		expect((await send('{not json', l.jar)).BaseResponse).toMatchObject({ Ret: 1200 });
	});

	test('webwxinit answers text/plain JSON with User, SyncKey (4 keys) and groups without member nicknames', async () => {
		await start();
		const l = await login(sim);
		const r = await call(sim, H.main, CGI + 'webwxinit' + q({ r: 1, pass_ticket: l.passTicket }), { jar: l.jar, json: { BaseRequest: l.baseRequest() } });
		expect(r.headers.get('content-type')).toBe('text/plain');
		const init = JSON.parse(r.text) as Json;
		expect((init.SyncKey as { Count: number }).Count).toBe(4);
		expect((init.User as Json).UserName).toMatch(/^@[0-9a-f]{64}$/);
		const group = (init.ContactList as Json[]).find((c) => String(c.UserName).startsWith('@@')) as Json;
		expect(group.UserName).toMatch(/^@@[0-9a-f]{64}$/);
		expect((group.MemberList as Json[]).every((m) => m.NickName === '')).toBe(true);
		expect(init.SKey).toBe(l.skey);
	});

	test('webwxgetcontact pages by Seq; batchgetcontact is silently cut to 50', async () => {
		await start({ contactPageSize: 40, account: { extraContacts: 70 } });
		const l = await login(sim);
		const all: Json[] = [];
		let seq = 0;
		let pages = 0;
		do {
			const r = await call(sim, H.main, CGI + 'webwxgetcontact' + q({ pass_ticket: l.passTicket, r: Date.now(), seq, skey: l.skey }), { jar: l.jar });
			const page = JSON.parse(r.text) as Json;
			expect(page.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
			all.push(...(page.MemberList as Json[]));
			seq = page.Seq as number;
			pages++;
		} while (seq !== 0);
		expect(pages).toBe(2);
		expect(all.length).toBe(77); // filehelper, 4 friends, 1 official, 1 saved group, 70 extra
		const bad = JSON.parse((await call(sim, H.main, CGI + 'webwxgetcontact' + q({ seq: 0, skey: 'x' }), { jar: l.jar })).text) as Json;
		expect(bad.BaseResponse).toMatchObject({ Ret: 1101 });

		const list = all.filter((c) => String(c.NickName).startsWith('Contact ')).map((c) => ({ UserName: c.UserName, EncryChatRoomId: '' }));
		expect(list.length).toBe(70);
		const batch = await post(sim, l, 'webwxbatchgetcontact', { type: 'ex', r: Date.now(), pass_ticket: l.passTicket }, { Count: list.length, List: list });
		expect(batch.Count).toBe(50);
		expect((batch.ContactList as Json[]).length).toBe(50);

		const groupName = sim.userName('Sandbox Group');
		const g = await post(sim, l, 'webwxbatchgetcontact', { type: 'ex' }, { Count: 1, List: [{ UserName: groupName, EncryChatRoomId: '' }] });
		const group = (g.ContactList as Json[])[0];
		expect(group.MemberCount).toBe(4);
		expect((group.MemberList as Json[]).find((m) => m.UserName === l.self)).toMatchObject({ DisplayName: 'Me In Group', NickName: 'Sandbox Me' });
	});

	test('wrong logical host: synccheck 1102, everything else 404', async () => {
		await start();
		const l = await login(sim);
		expect((await synccheck(sim, l, { host: H.main })).text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
		const r = await call(sim, H.push, CGI + 'webwxinit', { jar: l.jar, json: { BaseRequest: l.baseRequest() } });
		expect(r.status).toBe(404);
	});
});

describe('sync', () => {
	test('synccheck holds, wakes on inject with selector 2, else 0 after the hold', async () => {
		await start({ syncHoldMs: 2000 });
		const l = await login(sim);
		const pending = synccheck(sim, l);
		await new Promise((r) => setTimeout(r, 50));
		expect(sim.inFlight().map((r) => r.endpoint)).toEqual(['synccheck']);
		const t0 = Date.now();
		sim.inject({ type: 'text', from: 'Alice', text: 'hi' });
		expect((await pending).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
		expect(Date.now() - t0).toBeLessThan(500);
		await sync(sim, l);
		const idle = synccheck(sim, l);
		sim.phoneActivity();
		expect((await idle).text).toBe('window.synccheck={retcode:"0",selector:"7"}');
		await sync(sim, l);
	});

	test('an idle synccheck answers selector 0 after syncHoldMs; the SyncKey instead of the SyncCheckKey spins', async () => {
		await start({ syncHoldMs: 100 });
		const l = await login(sim);
		expect((await synccheck(sim, l)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
		await sync(sim, l);
		expect((await synccheck(sim, l)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
		expect((await synccheck(sim, l, { key: l.syncKey })).text).toBe('window.synccheck={retcode:"0",selector:"6"}');
		expect((await synccheck(sim, l, { key: { List: [{ Key: 2, Val: 1 }] } })).text).toBe('window.synccheck={retcode:"1100",selector:"0"}');
	});

	test('the SyncKey instead of the SyncCheckKey: selector 6 even with messages pending, and webwxsync stays empty until the right key', async () => {
		await start({ syncHoldMs: 100 });
		const l = await login(sim);
		// Before the first webwxsync the SyncKey from init is the right synccheck key.
		const first = sim.inject({ type: 'text', from: 'Alice', text: 'one' });
		expect((await synccheck(sim, l, { key: l.syncKey })).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
		expect(((await sync(sim, l)).AddMsgList as Json[]).map((m) => m.MsgId)).toEqual([first.msgId]);
		const second = sim.inject({ type: 'text', from: 'Bob', text: 'two' });
		const keyBefore = formatKey(l.syncKey);
		for (let i = 0; i < 3; i++) {
			expect((await synccheck(sim, l, { key: l.syncKey })).text).toBe('window.synccheck={retcode:"0",selector:"6"}');
			const empty = await sync(sim, l);
			expect([empty.AddMsgCount, formatKey(empty.SyncKey)]).toEqual([0, keyBefore]);
		}
		expect((await synccheck(sim, l)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
		expect(((await sync(sim, l)).AddMsgList as Json[]).map((m) => m.MsgId)).toEqual([second.msgId]);
	});

	test('webwxinit: the first of a login starts at the login, a later one (restore) answers the current SyncKey', async () => {
		await start({ syncHoldMs: 100 });
		const l = await login(sim);
		const atLogin = formatKey(l.syncKey);
		const ids = sim.injectMany([1, 2, 3].map((i) => ({ type: 'text' as const, from: 'Carol', text: `m${i}` }))).map((m) => m.msgId);
		const again = await post(sim, l, 'webwxinit', { r: ~Date.now(), pass_ticket: l.passTicket }, {});
		expect(formatKey(again.SyncKey)).not.toBe(atLogin);
		// The restored key is past everything pending: nothing to signal; the first sync only re-sends
		// the last message its key covers (a hot reload's re-delivery, CONTRACT "Sync"), then nothing.
		const restored: Login = { ...l, syncKey: again.SyncKey, syncCheckKey: undefined };
		expect((await synccheck(sim, restored)).text).toBe('window.synccheck={retcode:"0",selector:"0"}');
		expect(((await sync(sim, restored)).AddMsgList as Json[]).map((m) => m.MsgId)).toEqual([ids[2]]);
		expect((await sync(sim, restored)).AddMsgCount).toBe(0);
		// The key saved before (the login's) still fetches them.
		expect(((await sync(sim, l)).AddMsgList as Json[]).map((m) => m.MsgId)).toEqual(ids);
	});

	test('a restore re-sends the last message once, never one from before the login; redeliverOnRestore: false turns it off', async () => {
		for (const redeliverOnRestore of [true, false]) {
			await start({ syncHoldMs: 100, redeliverOnRestore });
			const l = await login(sim);
			// Nothing since the login: nothing to re-send.
			await post(sim, l, 'webwxinit', { r: ~Date.now(), pass_ticket: l.passTicket }, {});
			expect((await sync(sim, l)).AddMsgCount).toBe(0);
			const [m1, m2] = sim.injectMany([1, 2].map((i) => ({ type: 'text' as const, from: 'Carol', text: `r${i}` }))).map((m) => m.msgId);
			const p = await sync(sim, l);
			expect((p.AddMsgList as Json[]).map((m) => m.MsgId)).toEqual([m1, m2]);
			const after: Login = { ...l, syncKey: p.SyncKey, syncCheckKey: p.SyncCheckKey as Login['syncCheckKey'] };
			await post(sim, l, 'webwxinit', { r: ~Date.now(), pass_ticket: l.passTicket }, {});
			const m3 = sim.inject({ type: 'text', from: 'Carol', text: 'r3' }).msgId;
			const first = ((await sync(sim, after)).AddMsgList as Json[]).map((m) => m.MsgId);
			expect(first).toEqual(redeliverOnRestore ? [m2, m3] : [m3]);
			if (redeliverOnRestore) await sim.close();
		}
	});

	test('a client that disconnects releases the hold and is recorded as aborted', async () => {
		await start({ syncHoldMs: 5000 });
		const l = await login(sim);
		const ac = new AbortController();
		const pending = synccheck(sim, l, { signal: ac.signal }).catch(() => 'aborted');
		await new Promise((r) => setTimeout(r, 50));
		ac.abort();
		expect(await pending).toBe('aborted');
		await new Promise((r) => setTimeout(r, 50));
		const rec = sim.requests.find((r) => r.endpoint === 'synccheck');
		expect(rec?.aborted).toBe(true);
		expect(sim.inFlight()).toEqual([]);
	});

	test('webwxsync pages with ContinueFlag; a stale SyncKey re-delivers; SyncCheckKey has 7 keys', async () => {
		await start({ syncPageSize: 3 });
		const l = await login(sim);
		const ids = sim.injectMany([1, 2, 3, 4, 5, 6, 7].map((i) => ({ type: 'text' as const, from: 'Bob', text: `m${i}` }))).map((m) => m.msgId);
		const before = l.syncKey;
		const p1 = await sync(sim, l);
		expect([p1.AddMsgCount, p1.ContinueFlag]).toEqual([3, 1]);
		expect((p1.SyncCheckKey as { Count: number }).Count).toBe(7);
		expect((await synccheck(sim, l)).text).toContain('selector:"2"');
		const p2 = await sync(sim, l);
		const p3 = await sync(sim, l);
		expect([p2.AddMsgCount, p2.ContinueFlag, p3.AddMsgCount, p3.ContinueFlag]).toEqual([3, 1, 1, 0]);
		const got = [p1, p2, p3].flatMap((p) => (p.AddMsgList as Json[]).map((m) => m.MsgId));
		expect(got).toEqual(ids);
		const stale = await post(sim, l, 'webwxsync', {}, { SyncKey: before });
		expect((stale.AddMsgList as Json[]).map((m) => m.MsgId)).toEqual(ids.slice(0, 3));
	});

	test('raw AddMsg shapes: escaped text, group prefix, U+2005 mention, bare 64-bit NewMsgId', async () => {
		await start();
		const l = await login(sim);
		const m = sim.inject({ type: 'text', group: 'Sandbox Group', from: 'Bob', text: 'a < b\nhi', mentions: ['me'] });
		const r = await call(sim, H.main, CGI + 'webwxsync' + q({ sid: l.sid, skey: l.skey }), { jar: l.jar, json: { BaseRequest: l.baseRequest(), SyncKey: l.syncKey } });
		expect(r.text).toContain(`"NewMsgId":${m.msgId}`);
		const msg = (JSON.parse(r.text) as { AddMsgList: Json[] }).AddMsgList[0];
		expect(msg.FromUserName).toBe(sim.userName('Sandbox Group'));
		expect(msg.Content).toBe(`${sim.userName('Bob')}:<br/>@Me In Group\u2005a &lt; b<br/>hi`);
		const file = sim.inject({ type: 'file', from: 'Alice', fileName: 'report.pdf', size: 1000 });
		expect(file.raw).toMatchObject({ MsgType: 49, AppMsgType: 6, FileName: 'report.pdf', FileSize: '1000' });
		expect(String(file.raw.Content)).toMatch(/^&lt;\?xml version="1\.0"\?&gt;<br\/>&lt;msg&gt;/);
	});

	test('forced logout answers its code everywhere; webwxlogout ends the session', async () => {
		await start({ syncHoldMs: 2000 });
		const l = await login(sim);
		const held = synccheck(sim, l);
		await new Promise((r) => setTimeout(r, 30));
		sim.forceLogout(1102);
		expect((await held).text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
		expect((await sync(sim, l)).BaseResponse).toMatchObject({ Ret: 1102 });

		const l2 = await login(sim);
		await call(sim, H.main, CGI + 'webwxlogout' + q({ redirect: 1, type: 1, skey: l2.skey }), { jar: l2.jar });
		expect((await synccheck(sim, l2)).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
		expect(sim.session()?.loggedOut).toBe(true);
	});

	test('rotateSkey: the next webwxsync hands out a new SKey and the old one is refused', async () => {
		await start();
		const l = await login(sim);
		sim.rotateSkey();
		const r = await sync(sim, l);
		expect(r.SKey).toMatch(/^@crypt_/);
		expect((await sync(sim, l)).BaseResponse).toMatchObject({ Ret: 1101 });
		l.skey = r.SKey as string;
		expect((await sync(sim, l)).BaseResponse).toMatchObject({ Ret: 0 });
	});
});

describe('send, revoke, upload, media', () => {
	const sendText = (l: Login, to: string, text: string) =>
		post(sim, l, 'webwxsendmsg', { pass_ticket: l.passTicket, lang: 'zh_CN' }, { Scene: 0, Msg: { Type: 1, Content: text, FromUserName: l.self, ToUserName: to, LocalID: '1', ClientMsgId: '1' } });

	test('send returns MsgID; unknown chat 1204; burst 1205; revoke only own recent messages', async () => {
		await start({ sendBurst: { max: 2, windowMs: 10_000 } });
		const l = await login(sim);
		const alice = sim.userName('Alice');
		const a = await sendText(l, alice, 'one');
		expect(a.BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
		expect(a.MsgID).toMatch(/^\d{19}$/);
		expect((await sendText(l, '@' + '0'.repeat(64), 'x')).BaseResponse).toMatchObject({ Ret: 1204 });
		await sendText(l, alice, 'two');
		expect((await sendText(l, alice, 'three')).BaseResponse).toMatchObject({ Ret: 1205 });
		expect(sim.sent.map((s) => s.content)).toEqual(['one', 'two']);

		const revoke = (svr: string, to: string) => post(sim, l, 'webwxrevokemsg', {}, { SvrMsgId: svr, ToUserName: to, ClientMsgId: String(Date.now()) });
		expect((await revoke('1234567890123456789', alice)).BaseResponse).toMatchObject({ Ret: 1 });
		expect((await revoke(a.MsgID as string, alice)).BaseResponse).toEqual({ Ret: 0, ErrMsg: '' });
		expect(sim.sent[0].revoked).toBe(true);
		sim.sent[1].at -= 121_000;
		expect((await revoke(sim.sent[1].msgId, alice)).BaseResponse).toMatchObject({ Ret: 1 });
	});

	test('upload: 512 KiB chunks with one ClientMediaId, MediaId only at the end, FileMd5 checked, checkupload over 25 MB', async () => {
		await start();
		const l = await login(sim);
		const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
		interface Up {
			file: Buffer;
			chunk?: number;
			chunks?: number;
			bytes: Buffer;
			fileMd5?: string;
			clientMediaId?: number;
			extra?: Json;
		}
		const upload = async (u: Up) => {
			const size = u.file.length;
			const request = { UploadType: 2, BaseRequest: l.baseRequest(), ClientMediaId: u.clientMediaId ?? 42, TotalLen: size, StartPos: 0, DataLen: size, MediaType: 4, FromUserName: l.self, ToUserName: l.self, FileMd5: u.fileMd5 ?? md5(u.file), ...u.extra };
			const form = new FormData();
			const fields: Record<string, string> = { id: 'WU_FILE_0', name: 'big.bin', type: 'application/octet-stream', lastModifiedDate: new Date().toString(), size: String(size) };
			if (u.chunks !== undefined) Object.assign(fields, { chunks: String(u.chunks), chunk: String(u.chunk ?? 0) });
			Object.assign(fields, { mediatype: 'doc', uploadmediarequest: JSON.stringify(request), webwx_data_ticket: l.jar.values.get('webwx_data_ticket') ?? '', pass_ticket: decodeURIComponent(l.passTicket) });
			for (const [k, v] of Object.entries(fields)) form.append(k, v);
			form.append('filename', new Blob([new Uint8Array(u.bytes)]), 'big.bin');
			const res = await fetch(sim.origin + CGI + 'webwxuploadmedia?f=json', { method: 'POST', body: form, headers: { 'x-wechat-host': H.file, cookie: l.jar.header() } });
			return JSON.parse(await res.text()) as Json;
		};
		const data = Buffer.alloc(600_000, 7);
		const head = data.subarray(0, 524_288);
		const tail = data.subarray(524_288);
		expect((await upload({ file: data, bytes: data, clientMediaId: 1 })).BaseResponse).toMatchObject({ Ret: 1 }); // not chunked
		expect(await upload({ file: data, bytes: head, chunks: 2, chunk: 0 })).toEqual({ BaseResponse: { Ret: 0, ErrMsg: '' } });
		expect((await upload({ file: data, bytes: tail, chunks: 2, chunk: 1, clientMediaId: 43 })).BaseResponse).toMatchObject({ Ret: 1 }); // other ClientMediaId
		const done = await upload({ file: data, bytes: tail, chunks: 2, chunk: 1 });
		expect(done.MediaId).toMatch(/^@crypt_/);
		expect(done.StartPos).toBe(600_000);
		expect(sim.uploadedBytes(done.MediaId as string).equals(data)).toBe(true);
		expect(sim.uploads[0]).toMatchObject({ chunks: 2, size: 600_000, clientMediaId: '42' });
		const wrong = '0'.repeat(32);
		await upload({ file: data, bytes: head, chunks: 2, chunk: 0, fileMd5: wrong, clientMediaId: 44 });
		expect((await upload({ file: data, bytes: tail, chunks: 2, chunk: 1, fileMd5: wrong, clientMediaId: 44 })).BaseResponse).toMatchObject({ Ret: 1 });

		const big = Buffer.alloc(25 * 1024 * 1024 + 1, 1);
		const chunks = Math.ceil(big.length / 524_288);
		const first = big.subarray(0, 524_288);
		expect((await upload({ file: big, bytes: first, chunks, chunk: 0, clientMediaId: 50 })).BaseResponse).toMatchObject({ Ret: 1 });
		const check = await post(sim, l, 'webwxcheckupload', {}, { FileMd5: md5(big), FileName: 'big.bin', FileSize: big.length, FileType: 7, FromUserName: l.self, ToUserName: l.self });
		expect(check).toMatchObject({ BaseResponse: { Ret: 0 }, MediaId: '' });
		const signed = { AESKey: check.AESKey, Signature: check.Signature };
		expect(await upload({ file: big, bytes: first, chunks, chunk: 0, clientMediaId: 50, extra: signed })).toEqual({ BaseResponse: { Ret: 0, ErrMsg: '' } });
	});

	test('media: video needs Range; image bytes are a JPEG; files need the data ticket on the file host', async () => {
		await start();
		const l = await login(sim);
		const video = sim.inject({ type: 'video', from: 'Alice' });
		const url = CGI + 'webwxgetvideo' + q({ msgid: video.msgId, skey: l.skey });
		const noRange = await call(sim, H.main, url, { jar: l.jar });
		expect([noRange.status, noRange.bytes.length]).toEqual([200, 0]);
		const ranged = await call(sim, H.main, url, { jar: l.jar, headers: { range: 'bytes=0-' } });
		expect(ranged.status).toBe(206);
		expect(ranged.bytes.subarray(4, 11).toString('latin1')).toBe('ftypmp4');
		expect(createHash('sha256').update(ranged.bytes).digest('hex')).toBe(video.mediaSha256);

		const img = sim.inject({ type: 'image', from: 'Bob' });
		const ir = await call(sim, H.main, CGI + 'webwxgetmsgimg' + q({ MsgID: img.msgId, skey: l.skey }), { jar: l.jar });
		expect(ir.bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
		expect(ir.bytes.equals(sim.mediaBytes(img.msgId))).toBe(true);
		const noTicketJar = new Jar();
		noTicketJar.absorb(['wxsid=' + l.jar.values.get('wxsid'), 'wxuin=' + l.uin]);
		expect((await call(sim, H.main, CGI + 'webwxgetmsgimg' + q({ MsgID: img.msgId, skey: l.skey }), { jar: noTicketJar })).bytes.length).toBe(0);
		const voice = sim.inject({ type: 'voice', from: 'Bob' });
		expect((await call(sim, H.main, CGI + 'webwxgetvoice' + q({ msgid: voice.msgId, skey: l.skey }), { jar: l.jar })).bytes.subarray(0, 3).toString()).toBe('ID3');

		const f = sim.inject({ type: 'file', from: 'Alice', fileName: 'a.txt', size: 5000 });
		const params = {
			sender: String(f.raw.FromUserName),
			mediaid: String(f.raw.MediaId),
			encryfilename: String(f.raw.EncryFileName),
			fromuser: l.uin,
			pass_ticket: l.passTicket,
			webwx_data_ticket: l.jar.values.get('webwx_data_ticket') ?? '',
		};
		const ok = await call(sim, H.file, CGI + 'webwxgetmedia' + q(params), { jar: l.jar });
		expect(createHash('sha256').update(ok.bytes).digest('hex')).toBe(f.mediaSha256);
		const wrongHost = await call(sim, H.main, CGI + 'webwxgetmedia' + q(params), { jar: l.jar });
		expect(wrongHost.status).toBe(404);
		const noTicket = await call(sim, H.file, CGI + 'webwxgetmedia' + q({ ...params, webwx_data_ticket: 'x' }), { jar: l.jar });
		expect(noTicket.bytes.length).toBe(0);
	});
});

describe('faults', () => {
	test('status, empty, malformed, truncated, ret, retcode, selectorSpin, reset, hang', async () => {
		await start({ syncHoldMs: 100 });
		const l = await login(sim);
		const init = () => call(sim, H.main, CGI + 'webwxinit', { jar: l.jar, json: { BaseRequest: l.baseRequest() } });

		sim.fault('webwxinit', { kind: 'status', status: 503 });
		expect((await init()).status).toBe(503);
		sim.fault('webwxinit', { kind: 'empty' });
		expect((await init()).text).toBe('');
		sim.fault('webwxinit', { kind: 'malformed' });
		expect(JSON.parse((await init()).text)).toMatchObject({ BaseResponse: null });
		const full = (await init()).text;
		sim.fault('webwxinit', { kind: 'truncated' });
		const half = (await init()).text;
		expect(() => JSON.parse(half) as unknown).toThrow();
		expect(Math.abs(half.length - full.length / 2)).toBeLessThan(full.length / 10);
		sim.fault('webwxinit', { kind: 'ret', ret: 1205 }, 2);
		expect(JSON.parse((await init()).text)).toEqual({ BaseResponse: { Ret: 1205, ErrMsg: '' } });
		expect(JSON.parse((await init()).text)).toEqual({ BaseResponse: { Ret: 1205, ErrMsg: '' } });
		expect(JSON.parse((await init()).text)).toMatchObject({ BaseResponse: { Ret: 0 } });
		expect(() => sim.fault('webwxinit', { kind: 'retcode', retcode: 1101 })).toThrow();

		sim.fault('synccheck', { kind: 'retcode', retcode: 1101 });
		expect((await synccheck(sim, l)).text).toBe('window.synccheck={retcode:"1101",selector:"0"}');
		sim.fault('synccheck', { kind: 'selectorSpin' });
		expect((await synccheck(sim, l)).text).toBe('window.synccheck={retcode:"0",selector:"2"}');
		sim.inject({ type: 'text', from: 'Alice', text: 'later' });
		expect((await sync(sim, l)).AddMsgCount).toBe(0);
		expect((await sync(sim, l)).AddMsgCount).toBe(1);

		sim.fault('synccheck', { kind: 'reset' });
		await expect(synccheck(sim, l)).rejects.toThrow();
		expect(sim.requests.filter((r) => r.fault === 'reset')).toHaveLength(1);

		sim.fault('synccheck', { kind: 'hang' });
		const ac = new AbortController();
		const hung = synccheck(sim, l, { signal: ac.signal }).catch(() => 'aborted');
		await new Promise((r) => setTimeout(r, 200));
		expect(sim.inFlight()).toHaveLength(1);
		ac.abort();
		expect(await hung).toBe('aborted');
	});
});

describe('control API and page', () => {
	test('state without tokens, inject over HTTP, the page', async () => {
		await start();
		const l = await login(sim);
		const state = (await (await fetch(sim.origin + '/__sim/api/state')).json()) as Json;
		expect(JSON.stringify(state)).not.toContain(l.skey);
		expect(JSON.stringify(state)).not.toContain(l.sid);
		const inj = await fetch(sim.origin + '/__sim/api/inject', { method: 'POST', body: JSON.stringify({ type: 'text', from: 'Carol', text: 'from the page' }) });
		expect(((await inj.json()) as Json).msgId).toMatch(/^\d{19}$/);
		const bad = await fetch(sim.origin + '/__sim/api/inject', { method: 'POST', body: JSON.stringify({ type: 'text', from: 'Nobody', text: 'x' }) });
		expect(bad.status).toBe(400);
		const page = await fetch(sim.origin + '/__sim/');
		expect(await page.text()).toContain('<title>WeChat sandbox — the phone</title>');
		expect((await sync(sim, l)).AddMsgCount).toBe(1);
	});
});

describe('event log keys', () => {
	const key = (k: { List: Array<{ Key: number; Val: number }> }, n: number) => k.List.find((e) => e.Key === n)?.Val;

	it('counts messages and contact changes up to any position, however long the log', () => {
		const log = new EventLog();
		const start = log.seq;
		const base = log.syncKey(start);
		const kinds: Array<'msg' | 'mod'> = [];
		for (let i = 0; i < 5000; i++) kinds.push(i % 7 === 3 ? 'mod' : 'msg');
		for (const [i, kind] of kinds.entries()) log.append(kind === 'msg' ? { kind, msgId: String(i), render: () => ({}) } : { kind, contactId: 'c' });
		for (const at of [0, 1, 2, 3, 4, 10, 999, 4999, 5000]) {
			const upTo = kinds.slice(0, at);
			const k = log.syncKey(start + at);
			expect(key(k, 1)).toBe(start + at);
			expect(key(k, 3)! - key(base, 3)!).toBe(upTo.filter((x) => x === 'msg').length);
			expect(key(k, 2)! - key(base, 2)!).toBe(upTo.filter((x) => x === 'mod').length);
			expect(log.after(start + at).map((e) => e.seq)).toEqual(kinds.slice(at).map((_, j) => start + at + j + 1));
			expect(log.syncCheckKey(start + at).List.slice(0, 3)).toEqual(k.List.slice(0, 3));
		}
		// Positions before the first event (a session older than the log) count nothing.
		expect(key(log.syncKey(start - 10), 3)).toBe(key(base, 3));
		expect(log.after(start - 10)).toHaveLength(5000);
	});
});
