/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/**
 * The client against the simulator through the whole lifecycle: both login
 * routes, refusals, push login, restore, contacts, sync, forced logout.
 */
import { LoggedOutError, LoginRefusedError } from '../../lib/wechat/errors';
import type { LoginEvent } from '../../lib/wechat/login';
import { LoginCancelledError, UOS_EXTSPAM } from '../../lib/wechat/login';
import type { Simulator } from '../../sandbox/simulator/api';
import { collectMessages, loginWithPhone, makeClient, startSim } from '../helpers/sim-client';

describe('login', () => {
	let sim: Simulator;
	afterEach(async () => sim?.close());

	it('desktop (UOS) QR login: mod=desktop redirect, UOS headers, hosts from the redirect', async () => {
		sim = await startSim({ account: { mainHost: 'wx2.qq.com' } });
		const client = makeClient(sim);
		const events: LoginEvent[] = [];
		await loginWithPhone(client, sim, { events });
		expect(events.map((e) => e.type)).toEqual(['qr', 'scanned', 'confirmed']);
		const qr = events[0] as { url: string; uuid: string };
		expect(qr.url).toBe(`https://login.weixin.qq.com/l/${qr.uuid}`);
		const js = sim.requests.find((r) => r.endpoint === 'jslogin');
		expect(js?.query.redirect_uri).toBe('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop');
		expect(js?.query.appid).toBe('wx782c26e4c19acffb');
		const polls = sim.requests.filter((r) => r.endpoint === 'login');
		expect(polls[0].query.tip).toBe('1');
		expect(polls[polls.length - 1].query.tip).toBe('0');
		const page = sim.requests.find((r) => r.endpoint === 'webwxnewloginpage');
		expect(page?.headers['client-version']).toBe('2.0.0');
		expect(page?.headers.extspam).toBe(UOS_EXTSPAM);
		expect(page?.headers.referer).toBe('https://wx.qq.com/?&lang=zh_CN&target=t');
		expect(page?.query.mod).toBe('desktop');
		expect(page?.host).toBe('wx2.qq.com');
		expect(client.session?.hosts.push).toBe('webpush.wx2.qq.com');
		expect(client.user?.NickName).toBe('Sandbox Me');
		expect(client.user?.UserName).toBe(sim.selfUserName());
		expect(sim.requests.some((r) => r.endpoint === 'webwxstatusnotify' && (r.body as { Code: number }).Code === 3)).toBe(true);
		expect(client.session?.cookie('webwx_data_ticket')).toBeTruthy();
	});

	it('desktop login without version=v2 reads the XML from the 301 body', async () => {
		sim = await startSim();
		const client = makeClient(sim);
		await loginWithPhone(client, sim, { version2: false });
		const page = sim.requests.find((r) => r.endpoint === 'webwxnewloginpage');
		expect(page?.status).toBe(301);
		expect(client.user?.NickName).toBe('Sandbox Me');
	});

	it('classic web login works for an ordinary account and sends no UOS headers', async () => {
		sim = await startSim({ account: { mainHost: 'web.wechat.com' } });
		const client = makeClient(sim, { mode: 'web' });
		await loginWithPhone(client, sim, { mode: 'web' });
		const js = sim.requests.find((r) => r.endpoint === 'jslogin');
		expect(js?.query.redirect_uri).toBe('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage');
		const page = sim.requests.find((r) => r.endpoint === 'webwxnewloginpage');
		expect(page?.headers.extspam).toBeUndefined();
		expect(client.session?.hosts.file).toBe('file.web.wechat.com');
	});

	it('a desktop-only account refuses the classic web login with 1203 and accepts UOS', async () => {
		sim = await startSim({ account: { desktopOnly: true } });
		const web = makeClient(sim, { mode: 'web' });
		const err = await loginWithPhone(web, sim, { mode: 'web' }).catch((e) => e);
		expect(err).toBeInstanceOf(LoginRefusedError);
		expect((err as LoginRefusedError).ret).toBe(1203);
		expect((err as Error).message).toContain('1203');
		expect((err as LoginRefusedError).serverMessage).toMatch(/网页微信/);
		const desktop = makeClient(sim);
		await loginWithPhone(desktop, sim);
		expect(desktop.user?.NickName).toBe('Sandbox Me');
	});

	it.each(['ret1203', 'html'] as const)('a refused account (%s) gives a LoginRefusedError with the server text', async (refused) => {
		sim = await startSim({ account: { refused } });
		const err = await loginWithPhone(makeClient(sim), sim).catch((e) => e);
		expect(err).toBeInstanceOf(LoginRefusedError);
		expect((err as LoginRefusedError).serverMessage.length).toBeGreaterThan(5);
		expect((err as LoginRefusedError).hint).toMatch(/ban/);
	});

	it('an expired QR is replaced by a new one; too many expiries end with a timeout', async () => {
		sim = await startSim();
		const client = makeClient(sim);
		const events: LoginEvent[] = [];
		const err = await client
			.login({
				pollGapMs: 20,
				maxQrRefreshes: 2,
				onEvent: (e) => {
					events.push(e);
					if (e.type === 'qr') setTimeout(() => sim.expire(e.uuid), 30);
				},
			})
			.catch((e) => e);
		expect((err as Error).name).toBe('LoginTimeoutError');
		expect(events.filter((e) => e.type === 'qr')).toHaveLength(3);
		expect(new Set(events.filter((e) => e.type === 'qr').map((e) => (e as { uuid: string }).uuid)).size).toBe(3);
	});

	it('cancel on the phone ends the login', async () => {
		sim = await startSim();
		const client = makeClient(sim);
		const err = await client
			.login({ pollGapMs: 20, onEvent: (e) => void (e.type === 'qr' && setTimeout(() => sim.cancel(e.uuid), 30)) })
			.catch((e) => e);
		expect(err).toBeInstanceOf(LoginCancelledError);
	});
});

describe('session lifecycle', () => {
	let sim: Simulator;
	afterEach(async () => sim?.close());

	it('restores a serialized session without a scan; UserNames stay the same', async () => {
		sim = await startSim();
		const first = makeClient(sim);
		await loginWithPhone(first, sim);
		const json = first.toJSON();
		const before = sim.requests.filter((r) => r.endpoint === 'jslogin').length;
		const second = makeClient(sim);
		const { how } = await second.resume(json, { allowInteractive: false });
		expect(how).toBe('restored');
		expect(sim.requests.filter((r) => r.endpoint === 'jslogin').length).toBe(before);
		expect(second.user?.UserName).toBe(first.user?.UserName);
		expect(second.resolveContact('Alice').UserName).toBe(first.resolveContact('Alice').UserName);
	});

	it('push login when the stored session died: the phone only confirms, UserNames change', async () => {
		sim = await startSim();
		const first = makeClient(sim);
		await loginWithPhone(first, sim);
		const json = first.toJSON();
		const oldAlice = first.resolveContact('Alice').UserName;
		sim.forceLogout(1101);
		const second = makeClient(sim);
		const events: LoginEvent[] = [];
		const result = await second.resume(json, {
			onEvent: (e) => {
				events.push(e);
				if (e.type === 'pushSent') setTimeout(() => sim.confirm(e.uuid), 20);
				if (e.type === 'qr') throw new Error('a QR was shown although push login was possible');
			},
		});
		expect(result.how).toBe('login');
		expect(events.map((e) => e.type)).toContain('pushSent');
		const push = sim.requests.find((r) => r.endpoint === 'webwxpushloginurl');
		expect(push?.query.uin).toBe(first.session?.tokens.uin);
		expect(second.resolveContact('Alice').UserName).not.toBe(oldAlice);
	});

	it('resume without a way to log in interactively reports a dead session clearly', async () => {
		sim = await startSim();
		const first = makeClient(sim);
		await loginWithPhone(first, sim);
		const json = first.toJSON();
		sim.forceLogout(1100);
		const err = await makeClient(sim).resume(json, { allowInteractive: false }).catch((e) => e);
		expect((err as Error).name).toBe('NotLoggedInError');
	});

	it('contacts: Seq paging and batch lookups of at most 50', async () => {
		sim = await startSim({ contactPageSize: 500, account: { extraContacts: 1200 } });
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		const pages = sim.requests.filter((r) => r.endpoint === 'webwxgetcontact');
		expect(pages.length).toBe(3);
		expect(pages.map((p) => p.query.seq)[0]).toBe('0');
		expect(client.contacts.size).toBeGreaterThan(1200);
		const some = client.contacts.all().filter((c) => c.NickName.startsWith('Contact ')).slice(0, 120);
		sim.resetLogs();
		const found = await client.fetchContacts(some.map((c) => c.UserName));
		const calls = sim.requests.filter((r) => r.endpoint === 'webwxbatchgetcontact');
		expect(calls.map((c) => (c.body as { Count: number }).Count)).toEqual([50, 50, 20]);
		expect(found.map((c) => c.UserName).sort()).toEqual(some.map((c) => c.UserName).sort());
		expect(client.resolveContact('Contact 00042').NickName).toBe('Contact 00042');
		expect(client.resolveContact('Ali').NickName).toBe('Alice');
		expect(() => client.resolveContact('Nobody Here')).toThrow(/No contact or group matches/);
	});

	it('forced logout stops the receive loop with the reason, once, and no request follows', async () => {
		sim = await startSim();
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		const types: string[] = [];
		const done = collectMessages(client, 1, 10000, (t) => types.push(t));
		setTimeout(() => sim.forceLogout(1102), 200);
		await done;
		expect(types).toEqual(['loggedOut']);
		const after = sim.requests.length;
		await new Promise((r) => setTimeout(r, 300));
		expect(sim.requests.length).toBe(after);
		expect(sim.inFlight()).toHaveLength(0);
	});

	it('logout ends the server session', async () => {
		sim = await startSim();
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		const json = client.toJSON();
		await client.logout();
		expect(sim.session()?.loggedOut).toBe(true);
		const err = await makeClient(sim).restore(json).catch((e) => e);
		expect(err).toBeInstanceOf(LoggedOutError);
	});
});
