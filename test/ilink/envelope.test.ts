import { IlinkApiError, NetworkError, ProtocolError, SessionStaleError, ThrottledError } from '../../lib/ilink';
import { checkEnvelope } from '../../lib/ilink/http';
import { CTX, setup, TOKEN } from './helpers';

describe('envelope: ret and errcode (ilink-protocol.md §1, §10)', () => {
	test('{} and ret 0 are success; so is errcode 0 without ret', () => {
		expect(() => checkEnvelope('x', {})).not.toThrow();
		expect(() => checkEnvelope('x', { ret: 0 })).not.toThrow();
		expect(() => checkEnvelope('x', { errcode: 0, errmsg: 'ok' })).not.toThrow();
	});

	test('-14 in errcode only, in ret only, or in both → SessionStaleError', () => {
		for (const body of [{ errcode: -14, errmsg: 'session timeout' }, { ret: -14 }, { ret: -14, errcode: -14 }, { ret: 0, errcode: -14 }]) {
			const err = (() => {
				try {
					checkEnvelope('getupdates', body);
				} catch (e) {
					return e;
				}
				return undefined;
			})();
			expect(err).toBeInstanceOf(SessionStaleError);
			expect((err as SessionStaleError).code).toBe('SESSION_STALE');
		}
	});

	test('ret -2 on a send → ThrottledError with until = now + throttleMs; without a throttle it is an API error', () => {
		try {
			checkEnvelope('sendmessage', { ret: -2, errmsg: 'prepare failed' }, { now: 1000, throttleMs: 5000 });
			throw new Error('no throw');
		} catch (e) {
			expect(e).toBeInstanceOf(ThrottledError);
			expect((e as ThrottledError).until).toBe(6000);
			expect((e as ThrottledError).code).toBe('THROTTLED');
			expect((e as ThrottledError).serverMessage).toBe('prepare failed');
		}
		expect(() => checkEnvelope('getconfig', { ret: -2 })).toThrow(IlinkApiError);
	});

	test('an errcode-only error keeps its fields; ret stays undefined', () => {
		try {
			checkEnvelope('getconfig', { errcode: -100, errmsg: 'bad' });
			throw new Error('no throw');
		} catch (e) {
			const err = e as IlinkApiError;
			expect(err).toBeInstanceOf(IlinkApiError);
			expect([err.ret, err.errcode, err.serverMessage, err.code]).toEqual([undefined, -100, 'bad', 'API']);
			expect(err.message).toBe('iLink answered getconfig with errcode -100 (bad).');
		}
	});

	test('non-2xx → NetworkError with the status and without the body', async () => {
		const { transport, http } = setup();
		transport.on('getupdates', { status: 502, text: `upstream echoed ${TOKEN}` });
		const err = await http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/getupdates', {}, { token: TOKEN }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expect((err as NetworkError).status).toBe(502);
		expect(String((err as Error).message)).not.toContain(TOKEN);
	});

	test('a transport error quoting the URL, token or context token is redacted', async () => {
		const { transport, http } = setup();
		transport.on('sendmessage', { error: new Error(`connect failed https://ilinkai.weixin.qq.com/x Bearer ${TOKEN} ${CTX}`) });
		const err = (await http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/sendmessage', {}, { token: TOKEN, secrets: [CTX] }).catch((e: unknown) => e)) as Error;
		expect(err).toBeInstanceOf(NetworkError);
		expect(err.message).not.toContain(TOKEN);
		expect(err.message).not.toContain(CTX);
		expect(err.message).not.toContain('https://');
	});

	test('a body that is not JSON, or JSON that is not an object → ProtocolError', async () => {
		const { transport, http } = setup();
		transport.on('getupdates', { text: '<html>' }, { text: '[1]' });
		await expect(http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/getupdates', {})).rejects.toBeInstanceOf(ProtocolError);
		await expect(http.post('https://ilinkai.weixin.qq.com', 'ilink/bot/getupdates', {})).rejects.toBeInstanceOf(ProtocolError);
	});
});
