/**
 * The fault matrix through the real WeChat Web Trigger (n8n-core contexts, the
 * n8n transport, the simulator over HTTP), in simulated time: every wait of the
 * trigger returns at once but counts, so request rates are measured against the
 * time the code meant to let pass. For every fault: back-off capped and jittered,
 * no busy loop, recovery, and the emitted messages equal the injected ones —
 * none lost, none twice, in order.
 */
import type { Endpoint, FaultKind, Simulator } from '../../sandbox/simulator/api';
import type { StoredCredential, TriggerRun } from '../node/harness';
import { makeCredential, waitFor } from '../node/harness';
import type { startNodeSim } from '../node/harness/wechat';
import { credentialData, events, requestsTo, sleep } from '../node/harness/wechat';
import { simTime } from './sim-time';
import { cleanUp, loggedIn as loggedInFixture, simulator, startTrigger } from './trigger-fixture';

jest.mock('../../nodes/shared/n8n-runtime', () => jest.requireActual('./trigger-fixture').runtimeInSimulatedTime());

jest.setTimeout(30000);

let sim: Simulator;

afterEach(cleanUp);

async function loggedIn(options: Parameters<typeof startNodeSim>[0] = {}): Promise<StoredCredential> {
	const ready = await loggedInFixture(options);
	sim = ready.sim;
	return ready.credential;
}

/** The trigger, once its first long poll is out. */
async function start(credential: StoredCredential, parameters: Record<string, unknown> = {}, options: Parameters<typeof startTrigger>[2] = {}): Promise<TriggerRun> {
	const run = await startTrigger(credential, parameters, options);
	await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
	return run;
}

const ids = (run: TriggerRun) => run.items(0).map((i) => String(i.json.id));
const texts = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ from: i % 2 ? 'Alice' : 'Bob', type: 'text' as const, text: `${tag}-${i}` }));
const syncRequests = (from: number) => sim.requests.slice(from).filter((r) => r.endpoint === 'synccheck' || r.endpoint === 'webwxsync');

const FAULTS: Array<[Endpoint, FaultKind]> = [
	['synccheck', { kind: 'status', status: 500 }],
	['synccheck', { kind: 'status', status: 502 }],
	['synccheck', { kind: 'reset' }],
	['synccheck', { kind: 'malformed' }],
	['synccheck', { kind: 'truncated' }],
	['synccheck', { kind: 'empty' }],
	['synccheck', { kind: 'selectorSpin' }],
	['webwxsync', { kind: 'status', status: 500 }],
	['webwxsync', { kind: 'status', status: 502 }],
	['webwxsync', { kind: 'reset' }],
	['webwxsync', { kind: 'malformed' }],
	['webwxsync', { kind: 'truncated' }],
	['webwxsync', { kind: 'empty' }],
	['webwxsync', { kind: 'staleKey' }],
];
const TIMES = 6;

describe.each(FAULTS)('%s answering %j six times in a row', (endpoint, fault) => {
	it('backs off without busy-looping, recovers, and emits exactly the injected messages once, in order', async () => {
		const credential = await loggedIn();
		const run = await start(credential);
		const before = sim.injectMany(texts(2, 'before')).map((m) => m.msgId);
		await run.waitForItems(0, 2);

		simTime.reset();
		simTime.probe = () => sim.requests.length;
		const mark = sim.requests.length;
		sim.fault(endpoint, fault, TIMES);
		// Messages waiting while the fault lasts (they make synccheck say "2", so webwxsync is reached too).
		const during = sim.injectMany(texts(3, 'during')).map((m) => m.msgId);
		await waitFor(() => sim.requests.slice(mark).filter((r) => r.fault).length === TIMES, 15000, 'every fault served');
		const after = sim.injectMany(texts(2, 'after')).map((m) => m.msgId);
		await run.waitForItems(0, 7, 15000);
		await sleep(200);

		expect(ids(run)).toEqual([...before, ...during, ...after]);
		// No busy loop: a handful of requests in all, and at least the 1 s base back-off between
		// failed attempts in simulated time (a spin is slowed from its second occurrence on).
		expect(syncRequests(mark).length).toBeLessThanOrEqual(3 * TIMES + 6);
		const failedAt = sim.requests.flatMap((r, i) => (i >= mark && r.fault ? [simTime.timeAtProbe(i)] : []));
		const gaps = failedAt.slice(1).map((t, i) => t - failedAt[i]);
		const spin = fault.kind === 'selectorSpin' || fault.kind === 'staleKey';
		for (const gap of spin ? gaps.slice(1) : gaps) expect(gap).toBeGreaterThanOrEqual(1000);
		// Waits are bounded by the 60 s cap and not all alike (jitter) once the back-off grows.
		const waits = simTime.sleeps.map((s) => s.ms).filter((ms) => ms >= 1000);
		expect(waits.length).toBeGreaterThanOrEqual(TIMES - 2);
		expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
		expect(new Set(waits).size).toBeGreaterThan(1);
		expect(run.emitErrors).toEqual([]);
	});
});

describe('a long outage (synccheck 502 for 40 attempts)', () => {
	it('settles at the capped, jittered back-off: a few requests per simulated minute, then recovers', async () => {
		const credential = await loggedIn();
		const run = await start(credential);
		simTime.reset();
		simTime.probe = () => sim.requests.length;
		const mark = sim.requests.length;
		sim.fault('synccheck', { kind: 'status', status: 502 }, 40);
		await waitFor(() => sim.requests.slice(mark).filter((r) => r.fault).length === 40, 20000, 'the whole outage');
		const msg = sim.inject({ from: 'Alice', type: 'text', text: 'after the outage' }).msgId;
		await run.waitForItems(0, 1, 20000);
		expect(ids(run)).toEqual([msg]);
		const failed = sim.requests.slice(mark).filter((r) => r.fault);
		expect(failed).toHaveLength(40);
		// From the 11th failure on the ceiling is the 60 s cap: on average ~30 s apart.
		const tailStart = simTime.timeAtProbe(mark + sim.requests.slice(mark).indexOf(failed[10]));
		const tailEnd = simTime.timeAtProbe(mark + sim.requests.slice(mark).indexOf(failed[39]));
		const perMinute = 29 / ((tailEnd - tailStart) / 60_000);
		expect(perMinute).toBeLessThan(6);
		expect(Math.max(...simTime.sleeps.map((s) => s.ms))).toBeLessThanOrEqual(60_000);
		// Each failure was reported as a retry, and the recovery once.
		const retries = run.logger.lines.filter((l) => /Retrying in \d+ s \(attempt \d+\)/.test(l.message));
		expect(retries.length).toBeGreaterThanOrEqual(40);
		expect(run.logger.lines.filter((l) => /connection recovered after 40 attempt/.test(l.message))).toHaveLength(1);
	});
});

describe('logouts and refusals', () => {
	it.each([1100, 1101, 1102] as const)('forced logout %i: one loggedOut event with its reason, one push login, no storm, then messages flow again', async (code) => {
		const credential = await loggedIn();
		const run = await start(credential);
		simTime.reset();
		const mark = sim.requests.length;
		sim.forceLogout(code);
		const pending = await sim.waitForPendingLogin(10000);
		expect(pending.push).toBe(true);
		// Let the trigger wait for the phone a while: it polls, it does not hammer.
		await sleep(1000);
		const whileWaiting = sim.requests.slice(mark);
		expect(whileWaiting.filter((r) => r.endpoint === 'webwxpushloginurl')).toHaveLength(1);
		expect(whileWaiting.filter((r) => r.endpoint === 'jslogin')).toHaveLength(0);
		expect(whileWaiting.filter((r) => r.endpoint === 'synccheck' || r.endpoint === 'webwxsync').length).toBeLessThanOrEqual(2);
		sim.confirm(pending.uuid);
		await waitFor(() => events(run.items(1)).includes('loggedIn'), 10000, 'loggedIn');
		const msg = sim.inject({ from: 'Alice', type: 'text', text: 'back' }).msgId;
		await run.waitForItems(0, 1);
		expect(ids(run)).toEqual([msg]);
		const evs = events(run.items(1));
		expect(evs.filter((e) => e === 'loggedOut')).toHaveLength(1);
		const out = run.items(1).find((i) => i.json.event === 'loggedOut');
		expect(out?.json.retcode).toBe(code);
		expect(out?.json.reason).toEqual(expect.any(String));
		// The phone was asked to confirm (push), no QR code was needed.
		expect(evs.filter((e) => e === 'pushSent')).toHaveLength(1);
		expect(evs).not.toContain('qr');
		expect(run.emitErrors).toEqual([]);
	});

	it('login refused with 1203: one loginRefused event, then the trigger stays idle — no retries at all', async () => {
		sim = await simulator({ account: { refused: 'ret1203' } });
		const run = await startTrigger(makeCredential(credentialData(sim)));
		const login = await sim.waitForPendingLogin(10000);
		sim.scan(login.uuid);
		sim.confirm(login.uuid);
		await waitFor(() => events(run.items(1)).includes('loginRefused'), 10000, 'loginRefused');
		const mark = sim.requests.length;
		await sleep(1500);
		expect(sim.requests.slice(mark)).toEqual([]);
		expect(events(run.items(1)).filter((e) => e === 'loginRefused')).toHaveLength(1);
		expect(run.emitErrors).toEqual([]);
	});
});
