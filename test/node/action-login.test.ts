/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Session → Log In: the QR comes back at once as PNG + link; confirming on the
 * phone stores the session in the credential, and the next execution uses it.
 */
import { resetAccounts } from '../../nodes/shared/session-store';
import { WeChatWeb } from '../../nodes/WeChatWeb/WeChatWeb.node';
import { startSim } from '../helpers/sim-client';
import type { Simulator } from '../../sandbox/simulator/api';
import { binaryBytes, run, stopN8nTimers } from './action-fixtures';
import { makeCredential, runActionDetailed } from './harness';

let sim: Simulator;
beforeEach(async () => {
	resetAccounts();
	sim = await startSim({ sendBurst: null });
});
afterEach(async () => sim.close());
afterAll(() => stopN8nTimers());

async function until(check: () => boolean, timeoutMs = 10000): Promise<void> {
	const t0 = Date.now();
	while (!check()) {
		if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 50));
	}
}

test('returns the QR at once; the confirmed session is written to the credential and used next time', async () => {
	const credential = makeCredential({ loginMode: 'desktop', originOverride: sim.origin, session: '', minSendIntervalSeconds: 0 });
	const result = await runActionDetailed({ resource: 'session', operation: 'login' }, [{ json: {} }], { nodeType: new WeChatWeb(), credential });
	const [item] = result.output[0];
	expect(item.json).toMatchObject({ event: 'qr', url: expect.stringMatching(/^https:\/\/login\.weixin\.qq\.com\/l\//) });
	const png = await binaryBytes(item.binary!.data);
	expect(png.subarray(1, 4).toString()).toBe('PNG');
	expect(result.credentialWrites).toHaveLength(0);
	const uuid = String(item.json.uuid);
	sim.scan(uuid);
	sim.confirm(uuid);
	await until(() => result.credentialWrites.some((w) => String(w.data.session).includes(sim.session()?.uin ?? '-')));
	// Another execution: Get Status sees the account without a new login.
	resetAccounts();
	const stored = result.credentials.stored(credential.id);
	const status = await run({ ...credential, data: stored }, { resource: 'session', operation: 'getStatus' });
	expect(status[0].json).toMatchObject({ loggedIn: true, user: { nickName: 'Sandbox Me' } });
	// Only one login waits per account at a time.
	const again = await runActionDetailed({ resource: 'session', operation: 'login' }, [{ json: {} }], { nodeType: new WeChatWeb(), credential: { ...credential, data: stored } });
	const second = again.output[0][0];
	expect(second.json.event).toBe('qr');
	const blocked = await runActionDetailed({ resource: 'session', operation: 'login' }, [{ json: {} }], { nodeType: new WeChatWeb(), credential: { ...credential, data: stored }, continueOnFail: true });
	expect(String(blocked.output[0][0].json.error)).toMatch(/already waiting for the phone/);
	sim.expire(String(second.json.uuid));
}, 30000);
