/**
 * The leak scan itself (test/helpers/secret-scan.ts, run after every test file
 * by test/jest.setup.ts): it sees the logs and errors of a session that went
 * through faults, a forced logout and failing actions, finds nothing there, and
 * does find a secret planted in a line, as issued or percent-encoded.
 */
import { resetAccounts } from '../../nodes/shared/session-store';
import { collectedTextCount, findLeaks, secretCount } from '../helpers/secret-scan';
import { credentialFor, rl, run, runError, startPhone, stopN8nTimers } from '../node/action-fixtures';

jest.setTimeout(30000);
afterAll(() => stopN8nTimers());

it('collects the logs and errors of a troubled session, finds no secret in them, and finds planted ones', async () => {
	resetAccounts();
	const phone = await startPhone();
	try {
		const cred = credentialFor(phone);
		const before = collectedTextCount();
		phone.sim.fault('webwxsendmsg', { kind: 'status', status: 502 });
		await runError(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text: 'x' });
		await runError(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Nobody At All'), text: 'x' });
		phone.sim.forceLogout(1101);
		const out = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text: 'x' }, [{ json: {} }], { continueOnFail: true });
		expect(out[0].json.error).toEqual(expect.any(String));
		expect(collectedTextCount()).toBeGreaterThanOrEqual(before + 3);
		expect(secretCount()).toBeGreaterThanOrEqual(6);
		expect(findLeaks()).toEqual([]);

		const session = phone.sim.session();
		if (!session) throw new Error('no session');
		expect(findLeaks([`GET /synccheck?sid=${session.sid}`]).map((l) => l.kind)).toContain('sid');
		expect(findLeaks([`skey=${encodeURIComponent(session.skey)}&x=1`]).map((l) => l.kind)).toContain('skey');
		expect(findLeaks([`pass_ticket=${session.passTicket}`]).map((l) => l.kind)).toContain('pass_ticket');
		expect(findLeaks([`uin ${session.uin}`]).map((l) => l.kind)).toContain('uin');
		// What a finding reports never contains the secret itself.
		expect(JSON.stringify(findLeaks([`sid=${session.sid}`]))).not.toContain(session.sid);
	} finally {
		await phone.sim.close();
	}
});
