/**
 * What a restart repeats, per delivery mode, through n8n-core's trigger
 * context: each restart starts from what n8n had stored at that moment — the
 * static data saved with the last emit and the credential as last written —
 * never from the trigger's memory.
 *
 * | mode        | clean restart / deactivation | crash during a run            |
 * |-------------|------------------------------|-------------------------------|
 * | onHandOff   | nothing                      | nothing (that run is lost)    |
 * | afterFinish | nothing                      | the unfinished batch          |
 * | afterSuccess| nothing                      | the unfinished batch          |
 */
import type { IDataObject } from 'n8n-workflow';
import type { Simulator } from '../../sandbox/simulator/api';
import type { StoredCredential, TriggerRun } from './harness';
import { makeCredential, runTrigger, waitFor } from './harness';
import { parseSession, requestsTo, savedPosition, sessionJson, sleep, startNodeSim, storedSessionData } from './harness/wechat';

jest.setTimeout(30000);

let sim: Simulator;
let runs: TriggerRun[] = [];

afterEach(async () => {
	for (const r of runs) await r.closeFunction();
	runs = [];
	await sim?.close();
});

type Mode = 'onHandOff' | 'afterFinish' | 'afterSuccess';

async function start(mode: Mode, credential: StoredCredential, staticData?: IDataObject): Promise<TriggerRun> {
	const run = await runTrigger({ options: { advanceSyncPosition: mode } }, { credential, staticData, finishRuns: 'manually' });
	runs.push(run);
	await waitFor(() => requestsTo(sim, 'synccheck') > 0, 8000, 'first synccheck');
	return run;
}

/** What n8n holds for the next start: the credential as last written by this run. */
function storedCredential(run: TriggerRun, credential: StoredCredential): StoredCredential {
	return { ...credential, data: run.credentials.stored(credential.id) };
}

const ids = (run: TriggerRun) => run.items(0).map((i) => String(i.json.id));
const messageEmits = (run: TriggerRun) => run.emits.filter((e) => e.data[0].length);

function finishAll(run: TriggerRun): void {
	run.emits.forEach((e, i) => {
		if (e.donePromise && !e.finished) run.finishRun(i);
	});
}

async function loggedIn(): Promise<StoredCredential> {
	sim = await startNodeSim();
	return makeCredential(storedSessionData(sim, await sessionJson(sim)));
}

describe.each<Mode>(['onHandOff', 'afterFinish', 'afterSuccess'])('%s', (mode) => {
	it('a clean restart after every run finished repeats nothing and misses nothing', async () => {
		const credential = await loggedIn();
		const first = await start(mode, credential);
		const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
		await first.waitForItems(0, 1);
		finishAll(first);
		const b = sim.inject({ from: 'Bob', type: 'text', text: 'b' }).msgId;
		await first.waitForItems(0, 2);
		finishAll(first);
		// The run of b is finished; give the trigger the moment it needs to record that.
		await sleep(100);
		await first.closeFunction();
		const c = sim.inject({ from: 'Carol', type: 'text', text: 'c' }).msgId;

		const second = await start(mode, storedCredential(first, credential), first.savedStaticData());
		await second.waitForItems(0, 1);
		await sleep(500);
		expect(ids(first)).toEqual([a, b]);
		expect(ids(second)).toEqual([c]);
	});

	it('a crash during a run with a contact change in the same page: the position never runs ahead of the run', async () => {
		const credential = await loggedIn();
		const first = await start(mode, credential);
		const m0 = sim.inject({ from: 'Alice', type: 'text', text: 'zero' }).msgId;
		await first.waitForItems(0, 1);
		// One page: a contact change and a message.
		sim.modifyContact('Alice', { remarkName: 'Alice (work)' });
		const m1 = sim.inject({ from: 'Alice', type: 'text', text: 'one' }).msgId;
		finishAll(first);
		await first.waitForItems(0, 2);
		expect(ids(first)).toEqual([m0, m1]);
		const atCrash = messageEmits(first)[1].savedStaticData;
		// The position saved with m1's emit, and the credential's, cover m1 only when the mode hands over first.
		const credentialAtCrash = storedCredential(first, credential);
		const covered = (p: { seen: string[] }) => p.seen.includes(m1);
		expect(covered(savedPosition(atCrash))).toBe(mode === 'onHandOff');
		expect(covered(savedPosition(credentialAtCrash.data))).toBe(false);
		// The crash: nothing more is written; the process is gone while m1's run is still going.
		first.workflow.staticData = {} as never;
		await first.closeFunction();

		const second = await start(mode, credentialAtCrash, atCrash);
		await sleep(1500);
		expect(ids(second)).toEqual(mode === 'onHandOff' ? [] : [m1]);
	});
});

it('an SKey refreshed by a sync without messages (no emit) reaches the credential, so a restart resumes without any login', async () => {
	const credential = await loggedIn();
	const first = await start('onHandOff', credential);
	const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
	await first.waitForItems(0, 1);
	const oldSkey = sim.session()?.skey;
	sim.rotateSkey();
	sim.modifyContact('Alice', { remarkName: 'Alice (new)' }); // a sync page with no message: nothing is emitted
	await waitFor(() => first.credentialWrites.some((w) => parseSession(w.data.session).tokens.skey === sim.session()?.skey), 8000, 'new skey stored');
	expect(sim.session()?.skey).not.toBe(oldSkey);
	await first.closeFunction();
	sim.resetLogs();

	const second = await start('onHandOff', storedCredential(first, credential), first.savedStaticData());
	const b = sim.inject({ from: 'Bob', type: 'text', text: 'b' }).msgId;
	await second.waitForItems(0, 1);
	expect(ids(first)).toEqual([a]);
	expect(ids(second)).toEqual([b]);
	for (const endpoint of ['jslogin', 'login', 'webwxpushloginurl', 'webwxnewloginpage']) expect(requestsTo(sim, endpoint)).toBe(0);
	expect(second.items(1).map((i) => i.json.event)).toEqual(['sessionRestored']);
});

it('a run that ended without any result (n8n never started it) is not taken for a success: After the Workflow Succeeded hands the batch over again', async () => {
	const credential = await loggedIn();
	const run = await start('afterSuccess', credential);
	const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
	await run.waitForItems(0, 1);
	const first = messageEmits(run)[0];
	first.donePromise?.resolve(undefined as never);
	await run.waitForItems(0, 2);
	expect(ids(run)).toEqual([a, a]);
	expect(savedPosition(run.staticData()).seen).not.toContain(a);
});

it('the write-back never replaces a newer login stored by another process with this session', async () => {
	const credential = await loggedIn();
	const run = await start('onHandOff', credential);
	// Another process logged in later and stored its session (loginTime after ours).
	const ours = parseSession(run.credentials.stored(credential.id).session ?? credential.data.session ?? credential.data.sessionImport);
	const newer = JSON.stringify({ ...ours, tokens: { ...ours.tokens, sid: 'another-login-sid' }, loginTime: (ours as { loginTime?: number }).loginTime! + 60 });
	const ref = { id: credential.id, name: credential.name };
	await run.credentials.updateCredentials(ref, credential.type, { ...run.credentials.stored(credential.id), session: newer, sessionRevision: '1' });
	// Our session changes (a refreshed SKey): the trigger wants to write it back.
	sim.rotateSkey();
	sim.inject({ from: 'Alice', type: 'text', text: 'a' });
	await run.waitForItems(0, 1);
	sim.inject({ from: 'Bob', type: 'text', text: 'b' });
	await run.waitForItems(0, 2);
	expect(run.credentials.stored(credential.id).session).toBe(newer);
	expect(run.logger.lines.some((l) => /newer login from elsewhere/.test(l.message))).toBe(true);
});
