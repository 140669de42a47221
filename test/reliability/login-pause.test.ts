 
/**
 * The account-safety promise (README, "never loops logins"): after a QR round
 * nobody confirmed, the trigger waits 5 minutes, then 10, 20 … at most 2 hours
 * before it shows the next QR — measured in simulated time, round by round
 * (issue 16 item 16). A flat pause, or none, fails here.
 */
import { makeCredential, waitFor } from '../node/harness';
import { credentialData, requestsTo } from '../node/harness/wechat';
import { simTime } from './sim-time';
import { cleanUp, simulator, startTrigger } from './trigger-fixture';

jest.mock('../../nodes/shared/n8n-runtime', () => jest.requireActual('./trigger-fixture').runtimeInSimulatedTime());

jest.setTimeout(60_000);
afterEach(cleanUp);

const MIN = 60_000;

it('pauses 5, 10, 20, 40, 80, 120, 120 minutes between unconfirmed QR rounds', async () => {
	const sim = await simulator();
	const run = await startTrigger(makeCredential(credentialData(sim)));
	const expired = new Set<string>();
	const ROUNDS = 8;

	await waitFor(
		() => {
			for (const item of run.items(1)) {
				const uuid = String(item.json.uuid ?? '');
				if (item.json.event === 'qr' && !expired.has(uuid)) {
					expired.add(uuid);
					sim.expire(uuid);
				}
			}
			return run.items(1).filter((i) => i.json.event === 'loginTimeout').length >= ROUNDS;
		},
		50_000,
		`${ROUNDS} unconfirmed QR rounds`,
	);
	// The long waits, in order: only the pauses between rounds are a minute or more.
	const long = simTime.sleeps.filter((s) => s.ms >= MIN);

	expect(long.slice(0, ROUNDS - 1).map((s) => s.ms / MIN)).toEqual([5, 10, 20, 40, 80, 120, 120]);
	// Six QR codes per round, one jslogin each: no login request outside a round.
	const timeouts = run.items(1).filter((i) => i.json.event === 'loginTimeout').length;
	expect(requestsTo(sim, 'jslogin')).toBeLessThanOrEqual((timeouts + 1) * 6);
});
