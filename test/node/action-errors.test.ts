/**
 * WeChat Web action node — the errors a user must understand: not logged in,
 * unknown / ambiguous contact, rate limited, revoke window passed, binary
 * property missing, logged out (and the client forgotten), Log Out — each as
 * a NodeOperationError / NodeApiError with "Continue On Fail" honoured.
 */
import type { INodeParameterResourceLocator, INodeParameters } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { resetAccounts } from '../../nodes/shared/session-store';
import { NOT_LOGGED_IN_MESSAGE } from '../../nodes/shared/credential-data';
import { n8nClock } from '../../nodes/shared/n8n-runtime';
import type { Phone } from './action-fixtures';
import { binaryItem, credentialFor, noJitter, rl, run, runError, secretsOf, seenTexts, startPhone, stopN8nTimers } from './action-fixtures';
import type { StoredCredential } from './harness';

const CONTACTS = [
	{ nickName: 'Alice', remarkName: 'Ali' },
	{ nickName: 'Bob' },
	{ nickName: 'Twin' },
	{ nickName: 'Twin' },
	{ nickName: 'Sandbox Group', kind: 'group' as const, members: ['Alice', 'Bob'] },
];

let phone: Phone;
let cred: StoredCredential;
const phones: Phone[] = [];
const allSecrets: string[] = [];

beforeAll(async () => {
	noJitter();
	phone = await startPhone({ account: { contacts: CONTACTS } });
	phones.push(phone);
	allSecrets.push(...secretsOf(phone));
	cred = credentialFor(phone);
});

afterAll(async () => {
	for (const p of phones) await p.sim.close();
	resetAccounts();
	stopN8nTimers();
});

const send = (recipient: INodeParameterResourceLocator, text = 'hello'): INodeParameters => ({ resource: 'message', operation: 'sendText', recipient, text });

describe('not logged in', () => {
	test('a credential without a session says how to log in', async () => {
		const empty = credentialFor(phone, { session: '' });
		const err = await runError(empty, send(rl('name', 'Ali')));
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toBe(NOT_LOGGED_IN_MESSAGE);
		expect(err.description).toContain('scanning the QR code');
	});

	test('with continue on fail every item gets the error, paired', async () => {
		const empty = credentialFor(phone, { session: '' });
		const out = await run(empty, send(rl('name', 'Ali')), [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(out.map((o) => [o.json.code, o.pairedItem])).toEqual([
			['NOT_LOGGED_IN', { item: 0 }],
			['NOT_LOGGED_IN', { item: 1 }],
		]);
	});

	test('a session that is not a WeChat session is refused the same way', async () => {
		const garbage = credentialFor(phone, { session: '{"format":"something else"}' });
		const err = await runError(garbage, { resource: 'contact', operation: 'getAll', returnAll: true });
		expect(err.message).toContain('not a WeChat Web session');
	});
});

describe('contacts', () => {
	test('unknown contact', async () => {
		const err = await runError(cred, send(rl('name', 'Zelda')));
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toBe('No contact or group matches "Zelda".');
		const byId = await runError(cred, send(rl('id', '@1234567890abcdef')));
		expect(byId.message).toBe('No contact or group matches "@1234567890abcdef".');
	});

	test('ambiguous contact lists the candidates and says how to pick one', async () => {
		const err = await runError(cred, send(rl('name', 'Twin')));
		expect(err.message).toMatch(/^"Twin" matches 2 contacts: Twin \(@[0-9a-f]{11}…\), Twin \(@[0-9a-f]{11}…\)\.$/);
		expect(err.description).toBe('Use the UserName or a unique remark name.');
		const out = await run(cred, send(rl('name', 'Twin')), [{ json: {} }], { continueOnFail: true });
		expect(out[0].json.code).toBe('AMBIGUOUS_CONTACT');
	});
});

describe('rate limited', () => {
	test('Ret 1205 after the automatic retries: how long to wait and what to change', async () => {
		const sleep = jest.spyOn(n8nClock, 'sleep').mockResolvedValue(undefined);
		try {
			phone.sim.fault('webwxsendmsg', { kind: 'ret', ret: 1205 }, 3);
			const err = await runError(cred, send(rl('name', 'Bob')));
			expect(err).toBeInstanceOf(NodeOperationError);
			expect(err.message).toBe(
				'WeChat rejected the webwxsendmsg as too frequent (Ret 1205), still after 2 automatic retries with back-off. Wait about 5 min before trying again.',
			);
			expect(err.description).toContain('raise "Minimum Seconds Between Sends" (now 0 s) or lower "Maximum Sends per Minute" (now 1000)');
			// The client backed off twice (10 s, then 20 s, with jitter) before giving up.
			expect(sleep.mock.calls.filter(([ms]) => ms >= 10_000)).toHaveLength(2);
			phone.sim.fault('webwxsendmsg', { kind: 'ret', ret: 1205 }, 3);
			const out = await run(cred, send(rl('name', 'Bob')), [{ json: {} }], { continueOnFail: true });
			expect(out[0].json).toMatchObject({ code: 'RATE_LIMITED', error: expect.stringContaining('Wait about 5 min') });
			// A single 1205 is absorbed by the retry.
			phone.sim.fault('webwxsendmsg', { kind: 'ret', ret: 1205 }, 1);
			const ok = await run(cred, send(rl('name', 'Bob'), 'after one 1205'));
			expect(ok[0].json.msgId).toBeTruthy();
		} finally {
			phone.sim.clearFaults();
			sleep.mockRestore();
		}
	});
});

describe('revoke', () => {
	test('after the 2-minute window WeChat refuses; the message says so', async () => {
		const sent = await run(cred, send(rl('name', 'Alice'), 'revoke me later'));
		// Two and a half minutes pass on the server.
		const record = phone.sim.sent.find((s) => s.msgId === sent[0].json.msgId)!;
		record.at -= 150_000;
		const generic = await runError(cred, { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' }, sent);
		expect(generic).toBeInstanceOf(NodeApiError);
		expect(generic.message).toBe(
			`WeChat refused to revoke message ${sent[0].json.msgId} (Ret 1 (revoke time limit (120 s) exceeded)). Most likely the 2-minute revoke window has passed, or the message was not sent by this session to that chat.`,
		);
		const old = { json: { ...sent[0].json, sentAt: new Date(Date.now() - 150_000).toISOString() } };
		const specific = await runError(cred, { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' }, [old]);
		expect(specific.message).toMatch(/^Message \d+ can no longer be revoked: it was sent 2 min 3\d s ago and WeChat only allows revoking within 2 minutes/);
		expect(specific.description).toContain('within 2 minutes');
		const out = await run(cred, { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' }, [old], { continueOnFail: true });
		expect(out[0].json).toMatchObject({ code: 'API', error: expect.stringContaining('can no longer be revoked') });
		expect(record.revoked).toBeUndefined();
	});

	test('an input item that is not a send output', async () => {
		const err = await runError(cred, { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' }, [{ json: { text: 'hi' } }]);
		expect(err.message).toBe('The input item has no msgId and toUserName of a sent message.');
	});
});

describe('binary data', () => {
	test('a missing binary property names the field', async () => {
		const err = await runError(cred, { resource: 'message', operation: 'sendFile', recipient: rl('name', 'Bob'), binaryPropertyName: 'attachment' }, [
			binaryItem(Buffer.from('abc'), 'a.txt', 'text/plain'),
		]);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain("'attachment'");
		const none = await run(cred, { resource: 'message', operation: 'sendImage', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' }, [{ json: {} }], {
			continueOnFail: true,
		});
		expect(String(none[0].json.error)).toMatch(/binary/i);
	});

	test('an empty file is refused before uploading', async () => {
		const err = await runError(cred, { resource: 'message', operation: 'sendFile', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' }, [
			binaryItem(Buffer.alloc(0), 'empty.txt', 'text/plain'),
		]);
		expect(err.message).toBe('The file "empty.txt" is empty; WeChat does not accept empty uploads.');
	});
});

describe('Session → Log Out', () => {
	test('logs the session out on the server; the next execution reports it', async () => {
		const out = await run(cred, { resource: 'session', operation: 'logout' });
		expect(out[0].json).toEqual({ loggedOut: true, user: { id: phone.sim.selfUserName(), nickName: 'Sandbox Me' } });
		expect(phone.sim.session()?.loggedOut).toBe(true);
		const err = await runError(cred, send(rl('name', 'Ali')));
		expect(err.message).toMatch(/^The stored WeChat session is no longer valid \(.*\)\.? Log in again: activate the WeChat Web Trigger and scan the QR code/);
		const status = await run(cred, { resource: 'session', operation: 'getStatus' });
		expect(status[0].json).toMatchObject({ loggedIn: false, code: 'NOT_LOGGED_IN' });
	});
});

describe('logged out by WeChat', () => {
	test('a send after a server-side logout fails clearly, and the dead client is forgotten', async () => {
		const other = await startPhone({ account: { contacts: CONTACTS } });
		phones.push(other);
		allSecrets.push(...secretsOf(other));
		const c = credentialFor(other);
		await run(c, send(rl('name', 'Ali'), 'still alive'));
		other.sim.forceLogout(1101);
		const out = await run(c, send(rl('name', 'Ali')), [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(out[0].json).toEqual({
			error: 'WeChat logged this session out: the session became invalid (retcode 1101: logged in elsewhere).',
			code: 'LOGGED_OUT',
			hint: 'Log in again (scan the QR code, or confirm the push login on the phone).',
		});
		expect(out[1].pairedItem).toEqual({ item: 1 });
		// Forgotten: the next execution restores from the credential (and learns the session is dead) instead of reusing it.
		other.sim.resetLogs();
		const err = await runError(c, send(rl('name', 'Ali')));
		expect(other.sim.requests.some((r) => r.endpoint === 'webwxinit')).toBe(true);
		expect(err.message).toContain('The stored WeChat session is no longer valid');
		expect(err.message).toContain('retcode 1101');
	});

	test('Get Status notices a dead session', async () => {
		const other = await startPhone({ account: { contacts: CONTACTS } });
		phones.push(other);
		allSecrets.push(...secretsOf(other));
		const c = credentialFor(other);
		expect((await run(c, { resource: 'session', operation: 'getStatus' }))[0].json.loggedIn).toBe(true);
		other.sim.forceLogout(1100);
		const status = await run(c, { resource: 'session', operation: 'getStatus' });
		expect(status[0].json).toMatchObject({ loggedIn: false, code: 'LOGGED_OUT' });
		expect(String(status[0].json.reason)).toContain('retcode 1100');
	});
});

describe('secrets', () => {
	test('no token, cookie or ticket appears in any output or error of this file', () => {
		const all = seenTexts.join('\n');
		expect(allSecrets.length).toBeGreaterThan(6);
		for (const secret of allSecrets) expect(all).not.toContain(secret);
	});
});
