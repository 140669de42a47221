/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Exactly once on the iLink route: the simulator consumes a message when it
 * hands it out (as iLink does), so the trigger's held batch in static data is
 * the only copy. Each restart starts from what n8n stored at that moment: the
 * static data saved with the last emit and the credential as last written.
 */
import type { IDataObject } from 'n8n-workflow';
import { ilinkFingerprint } from '../../nodes/shared/ilink-credential';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { registerSecretSource } from '../helpers/secret-scan';
import type { StoredCredential, TriggerRun } from './harness';
import { runTrigger, waitFor } from './harness';
import { ilinkCredential, ilinkSessionJson, startIlinkNodeSim, storedIlinkSession } from './harness/ilink';

jest.setTimeout(30000);

type Mode = 'onHandOff' | 'afterFinish' | 'afterSuccess';

let sim: IlinkSimulator;
let runs: TriggerRun[] = [];
let session = '';

beforeEach(async () => {
	sim = await startIlinkNodeSim();
	const s = sim;
	registerSecretSource(() => s.issuedSecrets());
	session = await ilinkSessionJson(sim);
});

afterEach(async () => {
	for (const r of runs) await r.closeFunction();
	runs = [];
	await sim.close();
});

const sleep = async (ms: number) => await new Promise((r) => setTimeout(r, ms));
const polls = () => sim.requests.filter((r) => r.endpoint === 'getupdates').length;
const ids = (run: TriggerRun) => run.items(0).map((i) => String(i.json.id));

async function start(mode: Mode, credential: StoredCredential, staticData?: IDataObject): Promise<TriggerRun> {
	const run = await runTrigger({ authentication: 'weChatIlinkApi', options: { advanceSyncPosition: mode } }, { credential, staticData, finishRuns: 'manually', workflowId: 'wf-ilink-restarts' });
	runs.push(run);
	return run;
}

async function polling(): Promise<void> {
	const before = polls();
	await waitFor(() => polls() > before, 8000, 'a getupdates poll');
}

/** What n8n holds for the next start: the credential as last written by this run. */
function stored(run: TriggerRun, credential: StoredCredential): StoredCredential {
	return { ...credential, data: run.credentials.stored(credential.id) };
}

function finishAll(run: TriggerRun): void {
	run.emits.forEach((e, i) => {
		if (e.donePromise && !e.finished) run.finishRun(i);
	});
}

describe.each<Mode>(['onHandOff', 'afterFinish', 'afterSuccess'])('%s', (mode) => {
	it('a restart after every run finished repeats nothing and misses nothing', async () => {
		const credential = ilinkCredential(sim, storedIlinkSession(session));
		const first = await start(mode, credential);
		await polling();
		const a = sim.ownerSends('a').messageId;
		await first.waitForItems(0, 1);
		finishAll(first);
		const b = sim.ownerSends('b').messageId;
		await first.waitForItems(0, 2);
		finishAll(first);
		// The run of b is finished; give the trigger the moment it needs to record that.
		await sleep(100);
		await first.closeFunction();
		const c = sim.ownerSends('c').messageId;

		const second = await start(mode, stored(first, credential), first.savedStaticData());
		await second.waitForItems(0, 1);
		finishAll(second);
		await sleep(500);
		expect(ids(first)).toEqual([a, b]);
		expect(ids(second)).toEqual([c]);
	});
});

describe.each<Mode>(['afterFinish', 'afterSuccess'])('%s', (mode) => {
	it('a run that never finished: the restart hands its batch over again first (before polling), and only once', async () => {
		const credential = ilinkCredential(sim, storedIlinkSession(session));
		const first = await start(mode, credential);
		await polling();
		const sent = sim.ownerSends('only we have this now');
		await first.waitForItems(0, 1);
		// The held batch went to static data with the emit that handed it over.
		expect(JSON.stringify(first.savedStaticData())).toContain(sent.messageId);
		await first.closeFunction(); // n8n stops while the run is still going: it never finishes.
		expect(sim.pendingUpdates()).toBe(0); // iLink consumed it: ours is the only copy.

		const pollsBefore = polls();
		const second = await start(mode, stored(first, credential), first.savedStaticData());
		const [again] = await second.waitForItems(0, 1);
		expect(again.json).toMatchObject({ id: sent.messageId, text: 'only we have this now', route: 'ilink' });
		// The trigger waits for that run before it polls for anything new.
		await sleep(700);
		expect(polls()).toBe(pollsBefore);
		finishAll(second);
		await polling();
		const next = sim.ownerSends('next').messageId;
		await second.waitForItems(0, 2);
		finishAll(second);
		await sleep(100);
		await second.closeFunction();

		// The finished batch is never handed over again.
		const third = await start(mode, stored(second, credential), second.savedStaticData());
		await polling();
		const last = sim.ownerSends('last').messageId;
		await third.waitForItems(0, 1);
		finishAll(third);
		await sleep(300);
		expect(ids(second)).toEqual([sent.messageId, next]);
		expect(ids(third)).toEqual([last]);
	});
});

describe('held batch', () => {
	it('a held batch that was never handed over (saved by another emit) is handed over on start', async () => {
		const credential = ilinkCredential(sim, storedIlinkSession(session));
		const held = {
			seq: 3,
			account: ilinkFingerprint(session),
			cursor: '',
			items: [{ id: '7301234569123456789', type: 'text', text: 'held before the crash', route: 'ilink' }],
		};
		const checkpoint = JSON.stringify({ format: 'n8n-wechat-checkpoint', version: 1, route: 'ilink', account: held.account, seq: 2, cursor: '' });
		const run = await start('onHandOff', credential, { checkpoint, ilinkHeldBatch: held });
		const [item] = await run.waitForItems(0, 1);
		expect(item.json).toMatchObject({ id: '7301234569123456789', text: 'held before the crash' });
		await polling();
		// Handed over together with its checkpoint: the saved static data no longer holds it.
		const saved = run.savedStaticData() as IDataObject;
		expect(saved.ilinkHeldBatch).toBeUndefined();
		expect(JSON.parse(String(saved.checkpoint)).seq).toBeGreaterThanOrEqual(3);
	});

	it('a held batch whose checkpoint says done is not handed over again', async () => {
		const credential = ilinkCredential(sim, storedIlinkSession(session));
		const account = ilinkFingerprint(session);
		const held = { seq: 3, account, cursor: '', items: [{ id: '1', type: 'text', text: 'done already' }] };
		const checkpoint = JSON.stringify({ format: 'n8n-wechat-checkpoint', version: 1, route: 'ilink', account, seq: 3, cursor: '' });
		const run = await start('afterFinish', { ...credential, data: { ...credential.data, checkpoint } }, { ilinkHeldBatch: held });
		await polling();
		const fresh = sim.ownerSends('fresh').messageId;
		await run.waitForItems(0, 1);
		expect(ids(run)).toEqual([fresh]);
	});
});
