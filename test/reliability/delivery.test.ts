/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Delivery guarantees of the WeChat Web Trigger under crashes, failing
 * workflows and deactivation, through n8n-core's own trigger contexts and the
 * simulator: a 1,000-message backlog paged with ContinueFlag survives a kill
 * mid-burst exactly once; each "Advance Sync Position" mode does what its
 * description promises when a run fails; deactivation aborts every request and
 * leaves no timer behind.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { Simulator } from '../../sandbox/simulator/api';
import type { StoredCredential, TriggerRun } from '../node/harness';
import { makeCredential, waitFor } from '../node/harness';
import type { startNodeSim } from '../node/harness/wechat';
import { credentialData, events, requestsTo, sleep } from '../node/harness/wechat';
import { cleanUp, loggedIn as loggedInFixture, simulator, startTrigger } from './trigger-fixture';
import { simTime } from './sim-time';

jest.mock('../../nodes/shared/n8n-runtime', () => jest.requireActual('./trigger-fixture').runtimeInSimulatedTime());

jest.setTimeout(60000);

let sim: Simulator;

afterEach(cleanUp);

async function loggedIn(options: Parameters<typeof startNodeSim>[0] = {}): Promise<StoredCredential> {
	const ready = await loggedInFixture(options);
	sim = ready.sim;
	return ready.credential;
}

const start = startTrigger;

const idsOf = (items: INodeExecutionData[]) => items.map((i) => String(i.json.id));
const burst = (n: number) => Array.from({ length: n }, (_, i) => ({ from: ['Alice', 'Bob', 'Carol'][i % 3], type: 'text' as const, text: `burst ${i}` }));

describe('process killed mid-burst', () => {
	it('a 1,000-message backlog paged with ContinueFlag: killed after ~300, restarted from what n8n had saved — every message exactly once, in order', async () => {
		const credential = await loggedIn({ syncPageSize: 50 });
		const first = await start(credential);
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		await first.closeFunction();
		// The backlog builds up while nothing listens.
		const injected = sim.injectMany(burst(1000)).map((m) => m.msgId);
		const staticData = first.savedStaticData();

		const second = await start(credential, {}, { staticData });
		await waitFor(() => second.items(0).length >= 300, 20000, '300 messages');
		// The kill: what happened up to now is all that happened. n8n saved static data with each emit.
		const emitsAtKill = second.emits.length;
		const deliveredBeforeKill = second.emits.slice(0, emitsAtKill).flatMap((e) => e.data[0] ?? []);
		const savedAtKill = second.emits[emitsAtKill - 1].savedStaticData;
		await second.closeFunction();
		expect(deliveredBeforeKill.length).toBeLessThan(1000);
		// Paging really happened: several webwxsync pages of at most 50 with ContinueFlag.
		expect(second.emits.slice(0, emitsAtKill).every((e) => (e.data[0] ?? []).length <= 50)).toBe(true);

		const third = await start(credential, {}, { staticData: savedAtKill });
		await waitFor(() => deliveredBeforeKill.length + third.items(0).length >= 1000, 30000, 'the rest of the backlog');
		await sleep(300);
		const all = [...idsOf(deliveredBeforeKill), ...idsOf(third.items(0))];
		expect(all).toEqual(injected);
		expect(new Set(all).size).toBe(1000);
	});
});

describe('a workflow run that fails downstream', () => {
	const msgEmits = (run: TriggerRun) => run.emits.filter((e) => e.data[0].length);
	const finishMsg = (run: TriggerRun, index: number, status: 'success' | 'error') => run.finishRun(run.emits.indexOf(msgEmits(run)[index]), status);

	async function failingFirstRun(advance: string) {
		const credential = await loggedIn();
		const run = await start(credential, { options: { advanceSyncPosition: advance } }, { finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
		await waitFor(() => msgEmits(run).length === 1, 5000, 'first emit');
		finishMsg(run, 0, 'error');
		const b = sim.inject({ from: 'Bob', type: 'text', text: 'b' }).msgId;
		return { run, a, b };
	}

	it('"After the Workflow Succeeded": the failed batch is handed over again (after a back-off) until a run succeeds; later messages wait behind it', async () => {
		const { run, a, b } = await failingFirstRun('afterSuccess');
		await waitFor(() => msgEmits(run).length === 2, 5000, 'the retry');
		expect(idsOf(msgEmits(run)[1].data[0])).toEqual([a]);
		expect(run.logger.lines.some((l) => /run for 1 message\(s\) failed \(attempt 1\)/.test(l.message))).toBe(true);
		expect(simTime.sleeps.some((s) => s.ms >= 1000)).toBe(true);
		finishMsg(run, 1, 'error');
		await waitFor(() => msgEmits(run).length === 3, 5000, 'the second retry');
		expect(idsOf(msgEmits(run)[2].data[0])).toEqual([a]);
		// Back-off grows between retries.
		const retryWaits = simTime.sleeps.map((s) => s.ms).filter((ms) => ms >= 1000);
		expect(retryWaits[1]).toBeGreaterThan(retryWaits[0]);
		finishMsg(run, 2, 'success');
		await waitFor(() => msgEmits(run).length === 4, 5000, 'the next batch');
		expect(idsOf(msgEmits(run)[3].data[0])).toEqual([b]);
		finishMsg(run, 3, 'success');
		await sleep(200);
		expect(msgEmits(run).length).toBe(4);
	});

	it('"After the Workflow Finished": a failed run still advances (at least once only across crashes)', async () => {
		const { run, a, b } = await failingFirstRun('afterFinish');
		await waitFor(() => msgEmits(run).length === 2, 5000, 'the next batch');
		expect(idsOf(msgEmits(run)[0].data[0])).toEqual([a]);
		expect(idsOf(msgEmits(run)[1].data[0])).toEqual([b]);
	});

	it('"After the Workflow Finished": a crash before the run ended hands the unfinished batch over again on restart', async () => {
		const credential = await loggedIn();
		const run = await start(credential, { options: { advanceSyncPosition: 'afterFinish' } }, { finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
		await waitFor(() => msgEmits(run).length === 1, 5000, 'first emit');
		const saved = run.staticData();
		await run.closeFunction(); // the crash: the run never finished
		const again = await start(credential, { options: { advanceSyncPosition: 'afterFinish' } }, { staticData: saved });
		await again.waitForItems(0, 1);
		expect(idsOf(again.items(0))).toEqual([a]);
	});

	it('"When Handed Over" (default): a failed run does not repeat the message — exactly once hand-off', async () => {
		const credential = await loggedIn();
		const run = await start(credential, {}, { finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
		await run.waitForItems(0, 1);
		const b = sim.inject({ from: 'Bob', type: 'text', text: 'b' }).msgId;
		await run.waitForItems(0, 2);
		expect(idsOf(run.items(0))).toEqual([a, b]);
		expect(run.emits.every((e) => e.donePromise === undefined)).toBe(true);
	});
});

describe('deactivation', () => {
	const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

	async function closeAndCheck(run: TriggerRun, inFlight: () => boolean) {
		await waitFor(inFlight, 10000, 'the request in flight');
		const startedAt = Date.now();
		await run.closeFunction();
		// Every request of the trigger is over (answered or abandoned) within 1 s of closing.
		await waitFor(() => sim.requests.every((r) => r.endedAt !== undefined || r.aborted), 1000, 'every request ended');
		expect(Date.now() - startedAt).toBeLessThan(1000);
		const mark = sim.requests.length;
		await sleep(500);
		expect(sim.requests.slice(mark)).toEqual([]);
	}

	it('during the long poll: the held synccheck is abandoned, nothing is sent afterwards, no timer is left', async () => {
		const credential = await loggedIn({ syncHoldMs: 20000 });
		const baseline = timers();
		const run = await start(credential);
		await closeAndCheck(run, () => sim.requests.some((r) => r.endpoint === 'synccheck' && r.endedAt === undefined));
		expect(sim.requests.filter((r) => r.endpoint === 'synccheck').every((r) => r.aborted || r.endedAt !== undefined)).toBe(true);
		await waitFor(() => timers() <= baseline, 1000, `timers back to ${baseline} (now ${timers()})`);
	});

	it('during a media download: the download is abandoned, nothing handed over, nothing saved', async () => {
		const credential = await loggedIn();
		const baseline = timers();
		const run = await start(credential, { downloadMedia: true });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		sim.fault('webwxgetmsgimg', { kind: 'hang' });
		sim.inject({ from: 'Alice', type: 'image' });
		const positionBefore = JSON.stringify(run.staticData());
		await closeAndCheck(run, () => sim.requests.some((r) => r.endpoint === 'webwxgetmsgimg' && r.fault === 'hang'));
		expect(sim.requests.find((r) => r.endpoint === 'webwxgetmsgimg')?.aborted).toBe(true);
		expect(run.items(0)).toEqual([]);
		expect(JSON.stringify(run.staticData())).toBe(positionBefore);
		await waitFor(() => timers() <= baseline, 1000, `timers back to ${baseline} (now ${timers()})`);
	});

	it('during a login poll: the held login poll is abandoned and no QR round follows', async () => {
		sim = await simulator({ loginHoldMs: 20000 });
		const baseline = timers();
		const run = await start(makeCredential(credentialData(sim)));
		await waitFor(() => events(run.items(1)).includes('qr'), 10000, 'QR event');
		await closeAndCheck(run, () => sim.requests.some((r) => r.endpoint === 'login' && r.endedAt === undefined));
		expect(sim.requests.filter((r) => r.endpoint === 'login').every((r) => r.aborted || r.endedAt !== undefined)).toBe(true);
		await waitFor(() => timers() <= baseline, 1000, `timers back to ${baseline} (now ${timers()})`);
	});
});
