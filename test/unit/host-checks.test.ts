/**
 * Issue 16 item 10: every request carries the session's tokens, so the client
 * sends them only to WeChat over https, or to this machine (the sandbox). The
 * origin override, a restored session's main host, the login redirect and the
 * credential (test and write-back) are all checked before anything is sent;
 * refusals say what is wrong and what to do, and never repeat a token.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';
import { WeChatWebApi } from '../../credentials/WeChatWebApi.credentials';
import { WeChatClient } from '../../lib/wechat/client';
import { InvalidInputError, ProtocolError } from '../../lib/wechat/errors';
import { FakeClock } from '../helpers/fake-clock';
import { FakeTransport, makeSession, SECRETS } from './fake-transport';

const PASTED_TOKEN = '@crypt_9f8e7d6c_pastedSecretToken0123';

function newClient(originOverride?: string, transport = new FakeTransport()): WeChatClient {
	return new WeChatClient({ transport, clock: new FakeClock(), originOverride });
}

function thrown(fn: () => unknown): Error {
	try {
		fn();
	} catch (err) {
		return err as Error;
	}
	throw new Error('expected a throw');
}

function expectNoToken(text: string): void {
	for (const secret of [PASTED_TOKEN, ...Object.values(SECRETS)]) {
		expect(text).not.toContain(secret);
		expect(text).not.toContain(encodeURIComponent(secret));
	}
}

/** A serialized session whose main host was edited to `host`. */
function sessionNaming(host: string): string {
	const data = JSON.parse(makeSession().toJSON()) as Record<string, unknown>;
	data.mainHost = host;
	return JSON.stringify(data);
}

describe('origin override (issue 16 item 10)', () => {
	it.each([
		['http://127.0.0.1:8790', 'http://127.0.0.1:8790'],
		['http://127.0.0.1:8790/', 'http://127.0.0.1:8790'],
		['  http://localhost:8790  ', 'http://localhost:8790'],
		['http://[::1]:8790', 'http://[::1]:8790'],
		['http://127.5.6.7', 'http://127.5.6.7'],
		['https://127.0.0.1:8443', 'https://127.0.0.1:8443'],
		['https://wx.qq.com', 'https://wx.qq.com'],
		['https://web2.wechat.com:443/', 'https://web2.wechat.com'],
	])('accepts %s (this machine, or WeChat over https)', (value, origin) => {
		expect(newClient(value).http.deps.originOverride).toBe(origin);
	});

	it.each([
		['http://example.com', /plain http to another machine/],
		['http://10.0.0.5:8790', /plain http to another machine/],
		['http://192.168.1.20:8790', /plain http to another machine/],
		['http://wx.qq.com', /plain http to another machine/],
		['http://127.0.0.1.evil.example:8790', /plain http to another machine/],
		['http://localhost.evil.example', /plain http to another machine/],
		['http://[::ffff:10.0.0.1]:8790', /plain http to another machine/],
		['https://proxy.example.com', /not allowed/],
		['https://evilqq.com', /not allowed/],
		['https://wx.qq.com.evil.example', /not allowed/],
		['https://10.0.0.5', /not allowed/],
	])('refuses %s before any request, saying why and what to use instead', (value, why) => {
		const transport = new FakeTransport();
		const err = thrown(() => newClient(value, transport));
		expect(err).toBeInstanceOf(InvalidInputError);
		expect(err.message).toMatch(why);
		expect(err.message).toMatch(/127\.0\.0\.1/);
		expect(err.message).toMatch(/leave it empty/i);
		expect(transport.requests).toHaveLength(0);
	});

	it.each([
		`https://proxy.example.com/cgi-bin/mmwebwx-bin/webwxinit?skey=${encodeURIComponent(PASTED_TOKEN)}`,
		`http://127.0.0.1:8790/?pass_ticket=${PASTED_TOKEN}`,
		`http://127.0.0.1:8790#${PASTED_TOKEN}`,
		`http://u:${PASTED_TOKEN}@127.0.0.1:8790`,
		`skey=${PASTED_TOKEN}`,
		`ftp://127.0.0.1/?skey=${PASTED_TOKEN}`,
	])('a refusal never repeats a token pasted into the value (%#)', (value) => {
		const err = thrown(() => newClient(value)) as InvalidInputError;
		expect(err).toBeInstanceOf(InvalidInputError);
		expectNoToken(`${err.message} ${err.hint} ${err.stack ?? ''}`);
	});
});

describe('a session is only used with a WeChat main host (issue 16 item 10)', () => {
	it.each(['evil.example', 'wx.qq.com.evil.example', 'evil.example#.qq.com', 'evil.example/.qq.com', '127.0.0.1', 'wx.qq.com:8443'])(
		'restore refuses a stored session naming %s, before any request',
		async (host) => {
			const transport = new FakeTransport();
			const client = newClient(undefined, transport);
			const err = (await client.restore(sessionNaming(host)).catch((e: unknown) => e)) as Error;
			expect(err).toBeInstanceOf(Error);
			expect(err.message).toMatch(/not a WeChat host/);
			expect(err.message).toMatch(/Log in again/);
			expectNoToken(`${err.message} ${err.stack ?? ''}`);
			expect(transport.requests).toHaveLength(0);
		},
	);

	it('restore refuses it under an origin override too (the override must not launder the host)', async () => {
		const transport = new FakeTransport();
		const client = newClient('http://127.0.0.1:8790', transport);
		await expect(client.restore(sessionNaming('evil.example'))).rejects.toThrow(/not a WeChat host/);
		expect(transport.requests).toHaveLength(0);
	});

	it('a session with a WeChat main host is restored as before', async () => {
		const transport = new FakeTransport();
		transport.on('webwxinit', { json: { BaseResponse: { Ret: 0, ErrMsg: '' }, User: { UserName: '@me', NickName: 'Me' }, SyncKey: { Count: 0, List: [] }, ContactList: [] } });
		transport.on('webwxstatusnotify', { json: { BaseResponse: { Ret: 0, ErrMsg: '' } } });
		const client = newClient(undefined, transport);
		await client.restore(makeSession({ mainHost: 'web.wechat.com', dataTicket: false }).toJSON(), { loadContacts: false });
		expect(transport.requests[0].host).toBe('web.wechat.com');
	});
});

describe('the login redirect must be https (issue 16 item 10)', () => {
	function loginTransport(redirect: string): FakeTransport {
		return new FakeTransport()
			.on('jslogin', { text: 'window.QRLogin.code = 200; window.QRLogin.uuid = "Qk1uuid==";' })
			.on('login', { text: `window.code=200;\nwindow.redirect_uri="${redirect}";` });
	}

	it('refuses a plain-http redirect without sending the login ticket anywhere', async () => {
		const transport = loginTransport('http://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=TICKETsecret@qrticket_0&uuid=Qk1uuid==&lang=zh_CN&scan=1');
		const client = newClient(undefined, transport);
		const err = (await client.login({ previous: null, pollGapMs: 0, maxQrRefreshes: 0 }).catch((e: unknown) => e)) as Error;
		expect(err).toBeInstanceOf(ProtocolError);
		expect(err.message).toMatch(/plain http instead of https/);
		expect(err.message).toMatch(/Start the login again/);
		expect(err.message).not.toContain('TICKETsecret');
		expect(transport.to('webwxnewloginpage')).toHaveLength(0);
	});

	it('refuses a redirect to a host outside WeChat', async () => {
		const transport = loginTransport('https://evil.example/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=TICKETsecret@qrticket_0&uuid=Qk1uuid==');
		const client = newClient(undefined, transport);
		await expect(client.login({ previous: null, pollGapMs: 0, maxQrRefreshes: 0 })).rejects.toThrow(/outside WeChat|not a WeChat host/);
		expect(transport.to('webwxnewloginpage')).toHaveLength(0);
	});
});

describe('the credential checks the override and the session host before its test request (issue 16 item 10)', () => {
	const credential = new WeChatWebApi();
	const helpers = { helpers: {} } as unknown as IHttpRequestHelper;
	const run = (data: ICredentialDataDecryptedObject) => credential.preAuthentication.call(helpers, data);

	it('refuses an override that would send the session to another machine', async () => {
		const err = (await run({ originOverride: 'http://evil.example:8790', session: makeSession().toJSON(), sessionRevision: '' }).catch((e: unknown) => e)) as Error;
		expect(err.message).toMatch(/plain http to another machine/);
		expectNoToken(`${err.message} ${err.stack ?? ''}`);
	});

	it('refuses a pasted or stored session naming a foreign main host', async () => {
		await expect(run({ sessionImport: sessionNaming('evil.example'), session: '', sessionRevision: '' })).rejects.toThrow(/not a WeChat host/);
		await expect(run({ session: sessionNaming('evil.example'), sessionRevision: '' })).rejects.toThrow(/not a WeChat host/);
	});

	it('accepts the sandbox override and a WeChat session', async () => {
		const session = makeSession().toJSON();
		await expect(run({ originOverride: 'http://127.0.0.1:8790', session, sessionRevision: '' })).resolves.toMatchObject({ session });
	});
});
