import { emptyBudget, IlinkSession, NotLoggedInError, recordInbound } from '../../lib/ilink';
import { BASE, CTX, OWNER, session, setup, TOKEN } from './helpers';

describe('session and cursor', () => {
	test('the session JSON is versioned and holds the token; the cursor is separate and token-free', () => {
		const s = session();
		s.updatesBuf = 'opaque-buf';
		s.markSeen('1');
		expect(JSON.parse(s.toJSON())).toEqual({
			format: 'ilink-session',
			version: 1,
			botToken: TOKEN,
			baseUrl: 'https://ilinkai.weixin.qq.com',
			botId: 'b0f5860fdecb@im.bot',
			ownerId: 'o9cq80yyAbCdEfGhIjKlMnOpQrSt@im.wechat',
			loggedInAt: 1_700_000_000_000,
		});
		expect(s.toJSON()).not.toContain('opaque-buf');
		expect(s.cursor()).not.toContain(TOKEN);
		const back = IlinkSession.fromJSON(s.toJSON());
		expect(back.applyCursor(s.cursor())).toBe(true);
		expect([back.updatesBuf, back.seenList()]).toEqual(['opaque-buf', ['1']]);
	});

	test('foreign, old or broken texts are refused; a bad cursor changes nothing', () => {
		expect(() => IlinkSession.fromJSON('nope')).toThrow(/not valid JSON/);
		expect(() => IlinkSession.fromJSON('{"format":"wechat-web-session"}')).toThrow(/not an iLink session/);
		expect(() => IlinkSession.fromJSON('{"format":"ilink-session","version":9}')).toThrow(/version 9/);
		expect(() => IlinkSession.fromJSON('{"format":"ilink-session","version":1,"botId":"b"}')).toThrow(/incomplete/);
		const s = session();
		expect(s.applyCursor('{"format":"ilink-cursor","version":2,"updatesBuf":"x"}')).toBe(false);
		expect(s.updatesBuf).toBe('');
	});

	test('restore refuses a stored base URL that is not WeChat over https, unless an origin override is set', () => {
		const json = new IlinkSession({ botToken: TOKEN, baseUrl: 'http://127.0.0.1:9', botId: 'b', ownerId: 'o', loggedInAt: 0 }).toJSON();
		expect(() => setup().client.restore(json)).toThrow(/WeChat host/);
		expect(setup({ originOverride: 'http://127.0.0.1:9' }).client.restore(json).baseUrl).toBe('http://127.0.0.1:9');
		expect(() => setup({ originOverride: 'http://example.com' })).toThrow(/origin override/);
	});

	test('a session of another bot starts with an empty budget; the same bot keeps its budget', () => {
		const { client } = setup();
		const budget = recordInbound(emptyBudget(), OWNER, 1_700_000_000_000, CTX);
		client.restore(session().toJSON(), { budget });
		expect(Object.keys(client.budget().chats)).toEqual([OWNER]);
		client.restore(session().toJSON());
		expect(Object.keys(client.budget().chats)).toEqual([OWNER]);
		client.restore(new IlinkSession({ botToken: TOKEN, baseUrl: BASE, botId: 'ffffffffffff@im.bot', ownerId: OWNER, loggedInAt: 0 }).toJSON());
		expect(client.budget().chats).toEqual({});
	});

	test('without a session: toJSON and sends say NOT_LOGGED_IN', async () => {
		const { client } = setup();
		expect(() => client.toJSON()).toThrow(NotLoggedInError);
		await expect(client.sendText('u', 'x')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
	});

	test('an origin override sends every request there, path and query kept', async () => {
		const { transport, client } = setup({ originOverride: 'http://127.0.0.1:4321' });
		client.restore(session().toJSON());
		transport.on('getupdates', { json: { errcode: -14 } });
		for await (const e of client.receive()) void e;
		expect(transport.requests[0].url).toBe('http://127.0.0.1:4321/ilink/bot/getupdates');
	});
});
