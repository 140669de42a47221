/**
 * The login time that separates history from new messages comes from the
 * server's clock (the `Date` of its login answer), not ours: a machine whose
 * clock runs an hour ahead must still receive what arrives after the login
 * (issue 16 item 17).
 */
import { nodeClock } from '../../lib/cli/node-runtime';
import type { Clock } from '../../lib/wechat/clock';
import type { Simulator } from '../../sandbox/simulator/api';
import { collectMessages, loginWithPhone, makeClient, startSim } from '../helpers/sim-client';

let sim: Simulator;
afterEach(async () => await sim?.close());

it.each([
	['an hour ahead', 3_600_000],
	['an hour behind', -3_600_000],
])('a local clock %s neither drops new messages as history nor lets history through', async (_what, offset) => {
	sim = await startSim();
	const skewed: Clock = { ...nodeClock, now: () => Date.now() + offset };
	const client = makeClient(sim, { clock: skewed });
	await loginWithPhone(client, sim);
	expect(Math.abs(client.requireSession().loginTime - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(2);
	const injected = sim.inject({ from: 'Alice', type: 'text', text: 'after the login' });
	const messages = await collectMessages(client, 1, 8000);
	expect(messages.map((m) => m.id)).toEqual([injected.msgId]);
});
