import { IlinkClient, LoginFailedError, LoginTimeoutError } from '../../lib/ilink';
import type { IlinkLoginEvent } from '../../lib/ilink';
import type { Canned } from '../unit/fake-transport';
import { bodyOf, BOT, FakeClock, FakeTransport, OWNER, TOKEN } from './helpers';

const QR = (n: number): Canned => ({ json: { qrcode: `qr${n}`, qrcode_img_content: `https://liteapp.weixin.qq.com/q/x?qrcode=qr${n}&bot_type=3` } });
const S = (status: string, extra: Record<string, unknown> = {}): Canned => ({ json: { status, ...extra } });
const CONFIRMED = S('confirmed', { bot_token: TOKEN, ilink_bot_id: BOT, baseurl: 'https://ilinkai.weixin.qq.com', ilink_user_id: OWNER });

function make(...statuses: Canned[]) {
	const transport = new FakeTransport();
	const clock = new FakeClock();
	transport.on('get_qrcode_status', ...statuses);
	const client = new IlinkClient({ transport, clock, notify: false });
	return { transport, clock, client };
}

async function run(client: IlinkClient, opts: Parameters<IlinkClient['login']>[0] = {}) {
	const events: IlinkLoginEvent[] = [];
	const result = await client.login({ ...opts, onEvent: (e) => void events.push(e) }).catch((e: unknown) => e);
	return { events, result };
}

describe('QR login (ilink-protocol.md §2)', () => {
	test('wait → scaned → confirmed: a session with token, bot, owner, base; polls 1 s apart on the fixed base', async () => {
		const { transport, clock, client } = make(S('wait'), S('scaned'), S('scaned'), CONFIRMED);
		transport.on('get_bot_qrcode', QR(1));
		const { events, result } = await run(client);
		expect(events.map((e) => e.type)).toEqual(['qr', 'scanned', 'confirmed']);
		expect(events[0]).toEqual({ type: 'qr', qrcode: 'qr1', url: 'https://liteapp.weixin.qq.com/q/x?qrcode=qr1&bot_type=3', attempt: 1 });
		expect(result).toMatchObject({ botToken: TOKEN, botId: BOT, ownerId: OWNER, baseUrl: 'https://ilinkai.weixin.qq.com' });
		expect(client.hasSession).toBe(true);
		expect(clock.sleeps).toEqual([1000, 1000, 1000]);
		const polls = transport.to('get_qrcode_status');
		expect(polls.map((p) => p.url)).toEqual(Array(4).fill('https://ilinkai.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr1'));
		expect(polls[0].timeoutMs).toBe(35000);
		expect(bodyOf(transport.to('get_bot_qrcode')[0].body)).toEqual({ local_token_list: [] });
	});

	test('need_verifycode: the digits go along with the next poll at once; a wrong code asks again; scaned accepts it', async () => {
		const { transport, clock, client } = make(S('need_verifycode'), S('need_verifycode'), S('scaned'), CONFIRMED);
		transport.on('get_bot_qrcode', QR(1));
		const asked: boolean[] = [];
		const codes = ['11', '42'];
		const { events, result } = await run(client, { verifyCode: async ({ retry }) => (asked.push(retry), codes.shift() as string) });
		expect(asked).toEqual([false, true]);
		expect(events.map((e) => e.type)).toEqual(['qr', 'verifyCodeNeeded', 'verifyCodeNeeded', 'verifyCodeAccepted', 'scanned', 'confirmed']);
		expect(transport.to('get_qrcode_status').map((p) => new URL(p.url).searchParams.get('verify_code'))).toEqual([null, '11', '42', null]);
		expect(clock.sleeps).toEqual([1000]);
		expect(result).toMatchObject({ botId: BOT });
	});

	test('need_verifycode without a source of digits fails clearly', async () => {
		const { transport, client } = make(S('need_verifycode'));
		transport.on('get_bot_qrcode', QR(1));
		const { result } = await run(client);
		expect(result).toBeInstanceOf(LoginFailedError);
	});

	test('expired → a new QR (polled on the fixed base again); 3 QR codes in all, then LoginTimeoutError', async () => {
		const { transport, client } = make(S('scaned_but_redirect', { redirect_host: 'ilinkai2.weixin.qq.com' }), S('expired'), S('expired'), S('expired'));
		transport.on('get_bot_qrcode', QR(1), QR(2), QR(3));
		const { events, result } = await run(client);
		expect(result).toBeInstanceOf(LoginTimeoutError);
		expect(events.map((e) => e.type)).toEqual(['qr', 'redirected', 'qrExpired', 'qr', 'qrExpired', 'qr', 'qrExpired']);
		expect(transport.to('get_qrcode_status').map((p) => p.url)).toEqual([
			'https://ilinkai.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr1',
			'https://ilinkai2.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr1',
			'https://ilinkai.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr2',
			'https://ilinkai.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr3',
		]);
	});

	test('scaned_but_redirect moves the polls to the new host; a missing or foreign host keeps the current one', async () => {
		const { transport, client } = make(S('scaned_but_redirect'), S('scaned_but_redirect', { redirect_host: 'evil.example.com' }), S('scaned_but_redirect', { redirect_host: 'ilinkai2.weixin.qq.com' }), CONFIRMED);
		transport.on('get_bot_qrcode', QR(1));
		const { events } = await run(client);
		expect(events.filter((e) => e.type === 'redirected')).toEqual([{ type: 'redirected', host: 'ilinkai2.weixin.qq.com' }]);
		expect(transport.to('get_qrcode_status').map((p) => p.host)).toEqual(['ilinkai.weixin.qq.com', 'ilinkai.weixin.qq.com', 'ilinkai.weixin.qq.com', 'ilinkai2.weixin.qq.com']);
	});

	test('verify_code_blocked → a new QR; the pending code is dropped', async () => {
		const { transport, client } = make(S('need_verifycode'), S('verify_code_blocked'), CONFIRMED);
		transport.on('get_bot_qrcode', QR(1), QR(2));
		const { events, result } = await run(client, { verifyCode: async () => '99' });
		expect(events.map((e) => e.type)).toEqual(['qr', 'verifyCodeNeeded', 'verifyCodeBlocked', 'qr', 'confirmed']);
		expect(transport.to('get_qrcode_status')[2].url).toBe('https://ilinkai.weixin.qq.com/ilink/bot/get_qrcode_status?qrcode=qr2');
		expect(result).toMatchObject({ botId: BOT });
	});

	test('binded_redirect keeps the session this client has; the previous token goes in local_token_list', async () => {
		const { transport, client } = make(CONFIRMED, S('binded_redirect'));
		transport.on('get_bot_qrcode', QR(1), QR(2));
		const first = await client.login();
		const { events, result } = await run(client);
		expect(events.map((e) => e.type)).toEqual(['qr', 'alreadyBound']);
		expect(result).toBe(first);
		expect(bodyOf(transport.to('get_bot_qrcode')[1].body)).toEqual({ local_token_list: [TOKEN] });
	});

	test('binded_redirect without a stored session is a clear failure', async () => {
		const { transport, client } = make(S('binded_redirect'));
		transport.on('get_bot_qrcode', QR(1));
		const { result } = await run(client, { previousTokens: ['other-token-1'] });
		expect(result).toBeInstanceOf(LoginFailedError);
	});

	test('confirmed without ilink_bot_id fails; a foreign baseurl is refused', async () => {
		const a = make(S('confirmed', { bot_token: TOKEN }));
		a.transport.on('get_bot_qrcode', QR(1));
		expect((await run(a.client)).result).toBeInstanceOf(LoginFailedError);
		const b = make(S('confirmed', { bot_token: TOKEN, ilink_bot_id: BOT, baseurl: 'http://evil.example.com' }));
		b.transport.on('get_bot_qrcode', QR(1));
		const { result } = await run(b.client);
		expect(result).toBeInstanceOf(Error);
		expect(b.client.hasSession).toBe(false);
	});

	test('poll errors, timeouts and HTTP 5xx count as wait; unknown statuses too', async () => {
		const { transport, client } = make({ status: 524, text: 'gateway' }, { error: new Error('No answer within 35000 ms.') }, S('something_new'), CONFIRMED);
		transport.on('get_bot_qrcode', QR(1));
		const { result } = await run(client);
		expect(result).toMatchObject({ botId: BOT });
	});

	test('the overall deadline ends the login', async () => {
		const { transport, client } = make();
		transport.otherwise('get_qrcode_status', S('wait'));
		transport.on('get_bot_qrcode', QR(1));
		const { result } = await run(client, { timeoutMs: 10_000 });
		expect(result).toBeInstanceOf(LoginTimeoutError);
		expect(transport.to('get_qrcode_status')).toHaveLength(10);
	});

	test('an abort ends the login', async () => {
		const { transport, client } = make();
		transport.otherwise('get_qrcode_status', S('wait'));
		transport.on('get_bot_qrcode', QR(1));
		const ac = new AbortController();
		const err = await client.login({ signal: ac.signal, onEvent: () => ac.abort() }).catch((e: unknown) => e);
		expect((err as Error).name).toMatch(/Abort/);
		expect(transport.to('get_qrcode_status').length).toBeLessThanOrEqual(1);
	});
});
