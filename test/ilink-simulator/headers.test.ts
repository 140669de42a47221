import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { BASE_INFO, startSim, uinHeader, type Wire } from './wire';

const STALE = { errcode: -14, errmsg: 'session timeout' };

describe('iLink simulator: every request is checked', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	beforeEach(async () => {
		({ sim, wire } = await startSim());
		wire.bind();
	});
	afterEach(() => sim.close());

	const cases: Array<[string, Record<string, string | undefined>, string]> = [
		['no iLink-App-Id', { 'iLink-App-Id': undefined }, 'missing iLink-App-Id'],
		['no iLink-App-ClientVersion', { 'iLink-App-ClientVersion': undefined }, 'missing iLink-App-ClientVersion'],
		['a wrong App-Id', { 'iLink-App-Id': 'openclaw' }, 'iLink-App-Id "openclaw" (want "bot")'],
		['no AuthorizationType', { AuthorizationType: undefined }, 'AuthorizationType is not ilink_bot_token'],
		['no X-WECHAT-UIN', { 'X-WECHAT-UIN': undefined }, 'missing X-WECHAT-UIN'],
		['a UIN that is the raw number', { 'X-WECHAT-UIN': '3141592653' }, 'X-WECHAT-UIN is not canonical base64'],
		['a UIN beyond uint32', { 'X-WECHAT-UIN': Buffer.from('4294967296').toString('base64') }, 'X-WECHAT-UIN is not base64 of a decimal uint32'],
		['no Authorization', { Authorization: undefined }, 'missing Authorization'],
		['a token without Bearer', { Authorization: 'sometoken' }, 'Authorization is not "Bearer <bot_token>"'],
		['an unknown token', { Authorization: 'Bearer abc@im.bot:0000' }, 'unknown bot_token'],
	];
	it.each(cases)('answers errcode -14 "session timeout" (no ret) to %s', async (_name, headers, rule) => {
		const a = await wire.call('getupdates', { get_updates_buf: '' }, headers);
		expect(a.status).toBe(200);
		expect(a.text).toBe(JSON.stringify(STALE));
		expect(sim.requests.at(-1)?.rejection).toBe(rule);
	});

	it('accepts the official encoding of X-WECHAT-UIN, including 0 and 2^32-1', async () => {
		for (const n of [0, 3141592653, 0xffffffff]) {
			expect((await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' }, { 'X-WECHAT-UIN': uinHeader(n) })).json.ret).toBe(0);
		}
		expect(uinHeader(3141592653)).toBe('MzE0MTU5MjY1Mw==');
	});

	it('tolerates present-but-empty App headers only when strictAppHeaders is off', async () => {
		const empty = { 'iLink-App-Id': '', 'iLink-App-ClientVersion': '0' };
		expect((await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' }, empty)).json).toEqual(STALE);
		await sim.close();
		({ sim, wire } = await startSim({ strictAppHeaders: false }));
		wire.bind();
		expect((await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' }, empty)).json.ret).toBe(0);
	});

	it('needs a JSON body with base_info.channel_version, sent as POST', async () => {
		expect((await wire.post('getupdates', { get_updates_buf: '' })).json).toEqual({ ret: -1, errmsg: 'param error' });
		expect((await wire.call('getupdates', { get_updates_buf: '' }, { 'Content-Type': 'text/plain' })).json.ret).toBe(-1);
		expect((await wire.raw('/ilink/bot/getupdates')).status).toBe(405);
		expect((await wire.raw('/ilink/bot/nope', { method: 'POST' })).status).toBe(404);
		expect((await wire.post('getupdates', { get_updates_buf: '', base_info: { channel_version: '2.4.9' } })).json.ret).toBe(0);
		expect(sim.requests.at(-1)?.warnings).toContain('base_info.bot_agent missing (the official client sends "OpenClaw")');
	});

	it('records method, path, headers and parsed body, and stops when told', async () => {
		await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' });
		const r = sim.requests.at(-1)!;
		expect(r).toMatchObject({ endpoint: 'getconfig', method: 'POST', path: '/ilink/bot/getconfig', body: { ilink_user_id: 'x@im.wechat', base_info: BASE_INFO } });
		expect(r.headers['ilink-app-clientversion']).toBe('132105');
		expect(r.headers.authorization).toBe(`Bearer ${wire.token ?? ''}`);
		const count = sim.requests.length;
		sim.setRecording(false);
		await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' });
		expect(sim.requests).toHaveLength(count);
		sim.setRecording(true);
		await wire.qrStatus('nope');
		expect(sim.requests.at(-1)).toMatchObject({ endpoint: 'get_qrcode_status', method: 'GET', query: { qrcode: 'nope' }, warnings: [] });
	});

	it('notes what the official client never does without refusing it', async () => {
		await wire.post('get_bot_qrcode?bot_type=3', { local_token_list: [], base_info: BASE_INFO });
		expect(sim.requests.at(-1)?.warnings).toContain('Authorization on get_bot_qrcode (the official client sends none)');
		expect(sim.requests.at(-1)?.warnings).toContain('base_info on get_bot_qrcode (the official client sends none)');
		const uin = uinHeader(7);
		await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' }, { 'X-WECHAT-UIN': uin });
		await wire.call('getconfig', { ilink_user_id: 'x@im.wechat' }, { 'X-WECHAT-UIN': uin });
		expect(sim.requests.at(-1)?.warnings[0]).toMatch(/X-WECHAT-UIN repeated/);
	});
});
