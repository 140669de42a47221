import { baseInfo, clientVersion, getHeaders, postHeaders, randomUint32, sanitizeBotAgent, wechatUin } from '../../lib/ilink/headers';
import { bodyOf, FakeClock, setup, TOKEN } from './helpers';

describe('iLink headers and base_info (ilink-protocol.md §1)', () => {
	test('iLink-App-ClientVersion is (major<<16 | minor<<8 | patch) in decimal', () => {
		expect(clientVersion('2.4.9')).toBe('132105');
		expect(clientVersion('1.0.11')).toBe('65547');
		expect(clientVersion('0.0.0')).toBe('0');
	});

	test('X-WECHAT-UIN is base64 of the decimal string of a uint32', () => {
		expect(wechatUin(3141592653)).toBe('MzE0MTU5MjY1Mw==');
		expect(wechatUin(0)).toBe(Buffer.from('0').toString('base64'));
		const clock = new FakeClock();
		clock.randomQueue.push(0.999999999999, 0);
		expect(randomUint32(clock)).toBe(4294967295);
		expect(randomUint32(clock)).toBe(0);
	});

	test('POST headers: exact set, Authorization only with a token, UIN fresh per request', () => {
		const clock = new FakeClock();
		clock.randomQueue.push(0.5, 0.25);
		expect(postHeaders(clock, undefined)).toEqual({
			'content-type': 'application/json',
			authorizationtype: 'ilink_bot_token',
			'x-wechat-uin': Buffer.from('2147483648').toString('base64'),
			'ilink-app-id': 'bot',
			'ilink-app-clientversion': '132105',
		});
		const withToken = postHeaders(clock, ` ${TOKEN} `, { routeTag: 'rt1' });
		expect(withToken.authorization).toBe(`Bearer ${TOKEN}`);
		expect(withToken['x-wechat-uin']).toBe(Buffer.from('1073741824').toString('base64'));
		expect(withToken.skroutetag).toBe('rt1');
	});

	test('GET headers: only iLink-App-Id and iLink-App-ClientVersion', () => {
		expect(getHeaders()).toEqual({ 'ilink-app-id': 'bot', 'ilink-app-clientversion': '132105' });
	});

	test('base_info is exact; bot_agent sanitised', () => {
		expect(baseInfo()).toEqual({ channel_version: '2.4.9', bot_agent: 'OpenClaw' });
		expect(sanitizeBotAgent('n8n/1.0 (\u4e2d bot)\n')).toBe('n8n/1.0 ( bot)');
		expect(sanitizeBotAgent('   ')).toBe('OpenClaw');
		expect(sanitizeBotAgent('x'.repeat(400))).toHaveLength(256);
	});

	test('on the wire: POST carries base_info after the body; get_bot_qrcode has neither token nor base_info; GET has two headers', async () => {
		const { transport, http } = setup();
		transport.on('getupdates', { json: { ret: 0 } });
		transport.on('get_bot_qrcode', { json: { qrcode: 'q' } });
		transport.on('get_qrcode_status', { json: { status: 'wait' } });
		await http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/getupdates', { get_updates_buf: '' }, { token: TOKEN });
		await http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/get_bot_qrcode?bot_type=3', { local_token_list: [] }, { bare: true });
		await http.get('https://ilinkai.weixin.qq.com/', 'ilink/bot/get_qrcode_status?qrcode=q');
		const [poll, qr, status] = transport.requests;
		expect(poll.url).toBe('https://ilinkai.weixin.qq.com/ilink/bot/getupdates');
		expect(poll.body).toBe('{"get_updates_buf":"","base_info":{"channel_version":"2.4.9","bot_agent":"OpenClaw"}}');
		expect(poll.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(qr.url).toBe('https://ilinkai.weixin.qq.com/ilink/bot/get_bot_qrcode?bot_type=3');
		expect(bodyOf(qr.body)).toEqual({ local_token_list: [] });
		expect(qr.headers.authorization).toBeUndefined();
		expect(qr.headers.authorizationtype).toBe('ilink_bot_token');
		expect(status.method).toBe('GET');
		expect(status.headers).toEqual({ 'ilink-app-id': 'bot', 'ilink-app-clientversion': '132105' });
	});

	test('a base with a path prefix keeps it (URL = new URL(endpoint, base + "/"))', async () => {
		const { transport, http } = setup();
		transport.on('getupdates', { json: {} });
		await http.post('https://ilinkai.weixin.qq.com/prefix', 'ilink/bot/getupdates', {});
		expect(transport.requests[0].url).toBe('https://ilinkai.weixin.qq.com/prefix/ilink/bot/getupdates');
	});
});
