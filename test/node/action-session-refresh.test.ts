/**
 * Queue mode: the trigger's process refreshes the SKey and stores it in the
 * credential; an action node in another process (a worker) that cached a
 * client with the old SKey must take the stored one instead of being refused.
 */
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Phone } from './action-fixtures';
import { credentialFor, noJitter, receive, rl, run, startPhone, stopN8nTimers } from './action-fixtures';

let phone: Phone;

beforeAll(async () => {
	noJitter();
	phone = await startPhone();
});

afterAll(async () => {
	await phone?.sim.close();
	resetAccounts();
	stopN8nTimers();
});

it('a client cached before another process refreshed the SKey uses the SKey now in the credential', async () => {
	const send = (text: string) => ({ resource: 'message', operation: 'sendText', recipient: rl('name', 'Alice'), text });
	const cred = credentialFor(phone);
	await run(cred, send('before the refresh'));

	// The other process (here: the test's own client, playing the trigger) receives the new SKey…
	phone.sim.rotateSkey();
	await receive(phone, [{ from: 'Bob', type: 'text', text: 'sync hands out the new SKey' }]);
	const refreshed = phone.client.session?.tokens.skey;
	expect(refreshed).toBe(phone.sim.session()?.skey);
	// …and n8n stored it in the credential, which this process reads with its next execution.
	cred.data.session = phone.client.toJSON();

	const out = await run(cred, send('after the refresh'));
	expect(out[0].json.msgId).toBeTruthy();
	expect(phone.sim.sent.map((s) => s.content)).toEqual(expect.arrayContaining(['before the refresh', 'after the refresh']));
});
