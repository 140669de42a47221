/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { startSim, type Wire } from './wire';

describe('iLink simulator: QR login', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	let clock = 1_765_100_000_000;
	beforeEach(async () => {
		clock = 1_765_100_000_000;
		({ sim, wire } = await startSim({ now: () => clock }));
	});
	afterEach(() => sim.close());

	async function newQr(tokens: string[] = []): Promise<string> {
		const a = await wire.post('get_bot_qrcode?bot_type=3', { local_token_list: tokens });
		expect(a.status).toBe(200);
		expect(a.json.qrcode).toMatch(/^[0-9a-f]{32}$/);
		expect(a.json.qrcode_img_content).toBe(`https://liteapp.weixin.qq.com/q/${String(a.json.qrcode_img_content).split('/q/')[1].split('?')[0]}?qrcode=${String(a.json.qrcode)}&bot_type=3`);
		return a.json.qrcode as string;
	}

	it('walks wait → scaned → confirmed with credentials, then the QR is used up', async () => {
		const qr = await newQr();
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'wait' });
		const held = wire.qrStatus(qr);
		await new Promise((r) => setImmediate(r));
		sim.scan();
		expect((await held).json).toEqual({ status: 'scaned' });
		const bot = sim.confirm()!;
		const done = await wire.qrStatus(qr);
		expect(done.json).toEqual({ status: 'confirmed', bot_token: bot.botToken, ilink_bot_id: bot.botId, baseurl: sim.origin, ilink_user_id: bot.ownerId });
		expect(bot.botId).toMatch(/^[0-9a-f]{12}@im\.bot$/);
		expect(bot.ownerId).toMatch(/@im\.wechat$/);
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'expired' });
		wire.token = bot.botToken;
		expect((await wire.call('msg/notifystart')).json).toEqual({ ret: 0, errmsg: '' });
	});

	it('asks for a verify code, refuses wrong ones and blocks after three', async () => {
		const qr = await newQr();
		const code = sim.requireVerifyCode('4711');
		expect(code).toBe('4711');
		sim.scan();
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'need_verifycode' });
		expect((await wire.qrStatus(qr, '1234')).json).toEqual({ status: 'need_verifycode' });
		expect((await wire.qrStatus(qr, '4711')).json).toEqual({ status: 'scaned' });
		expect(sim.confirm()).toBeDefined();
		expect((await wire.qrStatus(qr)).json.status).toBe('confirmed');

		const qr2 = await newQr();
		sim.requireVerifyCode('99', qr2);
		sim.scan(qr2);
		expect(() => sim.confirm(qr2)).toThrow(/verify code/);
		await wire.qrStatus(qr2, '1');
		await wire.qrStatus(qr2, '2');
		expect((await wire.qrStatus(qr2, '3')).json).toEqual({ status: 'verify_code_blocked' });
		expect((await wire.qrStatus(qr2)).json).toEqual({ status: 'verify_code_blocked' });
	});

	it('redirects polling to another host once, then reports scaned', async () => {
		const qr = await newQr();
		sim.scan();
		await wire.qrStatus(qr);
		sim.redirect('ilinkai2.weixin.qq.com');
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'scaned_but_redirect', redirect_host: 'ilinkai2.weixin.qq.com' });
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'scaned' });
		sim.redirect(null);
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'scaned_but_redirect' });
		await expect(sim.waitForQr(10)).resolves.toMatchObject({ qrcode: qr, status: 'scaned' });
	});

	it('answers binded_redirect when local_token_list holds the bound bot, and no new token', async () => {
		const first = sim.bind();
		const qr = await newQr([first.botToken]);
		sim.scan();
		expect(sim.confirm()).toBeUndefined();
		expect((await wire.qrStatus(qr)).json).toEqual({ status: 'binded_redirect' });
		expect(sim.bot()?.botToken).toBe(first.botToken);
	});

	it('expires a QR on command and after its lifetime on the service clock', async () => {
		const a = await newQr();
		sim.expire(a);
		expect((await wire.qrStatus(a)).json).toEqual({ status: 'expired' });
		const b = await newQr();
		clock += 300_000;
		expect((await wire.qrStatus(b)).json).toEqual({ status: 'expired' });
		expect((await wire.qrStatus('00000000000000000000000000000000')).json).toEqual({ status: 'expired' });
	});

	it('a new bind makes the old token answer -14', async () => {
		const old = wire.bind();
		expect((await wire.call('getupdates', { get_updates_buf: '' })).json.ret).toBe(0);
		const qr = await newQr();
		sim.scan(qr);
		sim.confirm(qr);
		wire.token = old;
		expect((await wire.call('getupdates', { get_updates_buf: '' })).json).toEqual({ errcode: -14, errmsg: 'session timeout' });
		expect(sim.requests.at(-1)?.rejection).toBe('bot_token revoked by a newer bind');
	});

	it('refuses a wrong bot_type and a GET on get_bot_qrcode', async () => {
		expect((await wire.post('get_bot_qrcode?bot_type=2', { local_token_list: [] })).json.ret).toBe(-1);
		expect((await wire.raw('/ilink/bot/get_bot_qrcode?bot_type=3')).status).toBe(405);
		const status = await wire.raw('/ilink/bot/get_qrcode_status?qrcode=x');
		expect(status.json).toEqual({ errcode: -14, errmsg: 'session timeout' });
	});
});
