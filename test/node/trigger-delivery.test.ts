/**
 * How the WeChat Web Trigger hands messages to n8n: the exactly-once hand-off
 * through static data across restarts, "after the workflow finished" with a
 * donePromise, media as binary data (both storage modes, size cap, unavailable
 * media), and manual runs ("Execute step" / "Listen for event").
 */
import type { IDataObject } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat/client';
import type { WeChatMessage } from '../../lib/wechat/types';
import { downloadMessageMedia } from '../../nodes/WeChatWebTrigger/media';
import type { Simulator } from '../../sandbox/simulator/api';
import type { StoredCredential, TriggerRun } from './harness';
import { makeCredential, runTrigger, useBinaryMode, waitFor } from './harness';
import { binaryBytes, credentialData, events, json, parseSession, requestsTo, savedPosition, sessionJson, sha256, sleep, startNodeSim, storedSessionData } from './harness/wechat';

jest.setTimeout(20000);

let sim: Simulator;
let runs: TriggerRun[] = [];

afterEach(async () => {
	for (const r of runs) await r.closeFunction();
	runs = [];
	await sim?.close();
	await useBinaryMode('default');
});

async function start(parameters: IDataObject, options: Parameters<typeof runTrigger>[1] = {}): Promise<TriggerRun> {
	const run = await runTrigger(parameters, options);
	runs.push(run);
	return run;
}

async function loggedIn(): Promise<StoredCredential> {
	sim = await startNodeSim();
	return makeCredential(storedSessionData(sim, await sessionJson(sim)));
}

const ids = (run: TriggerRun) => run.items(0).map((i) => String(i.json.id));

describe('exactly once (default: advance when handed to n8n)', () => {
	it('static data saved with each emit holds the new position; a restart emits nothing twice and misses nothing sent meanwhile', async () => {
		const credential = await loggedIn();
		const first = await start({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const a = sim.inject({ from: 'Alice', type: 'text', text: 'a' }).msgId;
		await first.waitForItems(0, 1);
		const b = sim.inject({ from: 'Bob', type: 'text', text: 'b' }).msgId;
		await first.waitForItems(0, 2);
		expect(ids(first)).toEqual([a, b]);
		// Every emit saved the position that includes its own messages (one emit per batch here).
		const messageEmits = first.emits.filter((e) => e.data[0].length);
		expect(messageEmits.map((e) => savedPosition(e.savedStaticData).seen.includes(String(e.data[0][0].json.id)))).toEqual([true, true]);
		await first.closeFunction();

		// While stopped: more messages.
		const c = sim.inject({ from: 'Carol', type: 'text', text: 'c' }).msgId;
		const d = sim.inject({ from: 'Dave', type: 'text', text: 'd' }).msgId;
		sim.resetLogs();
		const second = await start({}, { credential, staticData: first.savedStaticData() });
		await second.waitForItems(0, 2);
		const e = sim.inject({ from: 'Alice', type: 'text', text: 'e' }).msgId;
		await second.waitForItems(0, 3);
		await sleep(300);
		expect(ids(second)).toEqual([c, d, e]);
		expect(requestsTo(sim, 'jslogin') + requestsTo(sim, 'webwxpushloginurl')).toBe(0);
	});

	it('a batch is one emit with one item per message; filtered-out batches still advance the position', async () => {
		const credential = await loggedIn();
		const run = await start({ chatTypes: ['private'] }, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		// Injected while the trigger sleeps in its long poll: delivered together in one webwxsync.
		const batch = sim.injectMany([
			{ from: 'Alice', type: 'text', text: '1' },
			{ from: 'Bob', type: 'text', text: '2' },
			{ from: 'Carol', type: 'text', text: '3' },
		]);
		await run.waitForItems(0, 3);
		expect(run.emits.filter((e) => e.data[0].length).map((e) => e.data[0].length)).toEqual([3]);
		expect(ids(run)).toEqual(batch.map((m) => m.msgId));

		const groupOnly = sim.inject({ group: 'Sandbox Group', from: 'Bob', type: 'text', text: 'dropped' }).msgId;
		await waitFor(() => savedPosition(run.staticData()).seen.includes(groupOnly), 5000, 'position past the filtered batch');
		expect(run.items(0)).toHaveLength(3);
	});
});

describe('after the workflow finished (at least once)', () => {
	it('passes a donePromise, hands over one batch at a time, and advances only when the run finished', async () => {
		const credential = await loggedIn();
		const run = await start({ options: { advanceSyncPosition: 'afterFinish' } }, { credential, finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const m1 = sim.inject({ from: 'Alice', type: 'text', text: 'one' }).msgId;
		await run.waitForItems(0, 1);
		const firstEmit = run.emits.find((e) => e.data[0].length);
		expect(firstEmit?.donePromise).toBeDefined();
		expect(savedPosition(run.staticData()).seen).not.toContain(m1);
		// The position itself (SyncKey), not only the seen ids: still the one from before m1's page.
		const beforeM1 = savedPosition(run.staticData()).syncKey;
		expect(Object.keys(beforeM1).length).toBeGreaterThan(0);
		expect(savedPosition(firstEmit!.savedStaticData).syncKey).toEqual(beforeM1);

		const m2 = sim.inject({ from: 'Bob', type: 'text', text: 'two' }).msgId;
		await sleep(700);
		expect(run.items(0)).toHaveLength(1); // still working on the first batch

		run.finishRun(run.emits.indexOf(firstEmit!));
		await run.waitForItems(0, 2);
		expect(ids(run)).toEqual([m1, m2]);
		// The second emit saved the position after m1 only: a crash now would deliver m2 again.
		const secondEmit = run.emits.filter((e) => e.data[0].length)[1];
		const saved = savedPosition(secondEmit.savedStaticData).seen;
		expect(saved).toContain(m1);
		expect(saved).not.toContain(m2);
		// …and the SyncKey moved past m1's page exactly when its run finished, not further.
		const afterM1 = savedPosition(secondEmit.savedStaticData).syncKey;
		expect(afterM1[1]).toBeGreaterThan(beforeM1[1]);
		expect(savedPosition(run.staticData()).syncKey).toEqual(afterM1);

		// "Crash" before the second run finished, restart from what n8n saved: m2 comes again.
		await run.closeFunction();
		const restarted = await start({ options: { advanceSyncPosition: 'afterFinish' } }, { credential, staticData: secondEmit.savedStaticData });
		await restarted.waitForItems(0, 1);
		expect(ids(restarted)).toEqual([m2]);
		await waitFor(() => savedPosition(restarted.staticData()).seen.includes(m2), 5000, 'advanced after the run');
	});
});

describe('after the workflow finished: a crashed run (queue mode, the worker died)', () => {
	it('hands the batch over again, and advances once a run of it finished', async () => {
		const credential = await loggedIn();
		const run = await start({ options: { advanceSyncPosition: 'afterFinish' } }, { credential, finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const m1 = sim.inject({ from: 'Alice', type: 'text', text: 'one' }).msgId;
		await run.waitForItems(0, 1);
		const batches = () => run.emits.filter((e) => e.data[0].length);
		run.finishRun(run.emits.indexOf(batches()[0]), 'crashed');
		await run.waitForItems(0, 2);
		expect(ids(run)).toEqual([m1, m1]);
		expect(savedPosition(run.staticData()).seen).not.toContain(m1);
		expect(run.logger.messages('warn').some((m) => m.includes('crashed'))).toBe(true);

		run.finishRun(run.emits.indexOf(batches()[1]), 'success');
		await waitFor(() => savedPosition(run.staticData()).seen.includes(m1), 5000, 'advanced after the second run');
		const m2 = sim.inject({ from: 'Bob', type: 'text', text: 'two' }).msgId;
		await run.waitForItems(0, 3);
		expect(ids(run)).toEqual([m1, m1, m2]);
	});

	it('a run n8n gave up without any node result (a job that stalled too often) is handed over again too', async () => {
		const credential = await loggedIn();
		const run = await start({ options: { advanceSyncPosition: 'afterFinish' } }, { credential, finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const m1 = sim.inject({ from: 'Alice', type: 'text', text: 'one' }).msgId;
		await run.waitForItems(0, 1);
		run.finishRun(run.emits.findIndex((e) => e.data[0].length), 'lost');
		await run.waitForItems(0, 2);
		expect(ids(run)).toEqual([m1, m1]);
	});

	it('an ordinary failed run is not repeated', async () => {
		const credential = await loggedIn();
		const run = await start({ options: { advanceSyncPosition: 'afterFinish' } }, { credential, finishRuns: 'manually' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const m1 = sim.inject({ from: 'Alice', type: 'text', text: 'one' }).msgId;
		await run.waitForItems(0, 1);
		run.finishRun(run.emits.findIndex((e) => e.data[0].length), 'error');
		await waitFor(() => savedPosition(run.staticData()).seen.includes(m1), 5000, 'advanced after the failed run');
		expect(ids(run)).toEqual([m1]);
	});
});

describe('media', () => {
	it('downloads media as binary data whose bytes match the simulator (image, file, voice)', async () => {
		const credential = await loggedIn();
		const run = await start({ downloadMedia: true, binaryPropertyName: 'attachment' }, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const injected = [
			sim.inject({ from: 'Alice', type: 'image', size: 40_000 }),
			sim.inject({ from: 'Bob', type: 'file', fileName: 'report.pdf', size: 70_000 }),
			sim.inject({ from: 'Carol', type: 'voice' }),
		];
		const items = await run.waitForItems(0, 3);
		for (const [i, item] of items.entries()) {
			const binary = item.binary?.attachment;
			expect(binary).toBeDefined();
			expect(sha256(await binaryBytes(binary!))).toBe(injected[i].mediaSha256);
			expect(item.json.mediaError).toBeUndefined();
		}
		expect(items[1].binary?.attachment).toMatchObject({ fileName: 'report.pdf', mimeType: 'application/pdf' });
		expect(items[0].binary?.attachment.mimeType).toMatch(/^image\//);
	});

	it('filesystem binary mode: media is stored by n8n-core, the item carries its id', async () => {
		await useBinaryMode('filesystem');
		const credential = await loggedIn();
		const run = await start({ downloadMedia: true }, { credential, binaryMode: 'filesystem' });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const image = sim.inject({ from: 'Alice', type: 'image', size: 300_000 });
		const [item] = await run.waitForItems(0, 1);
		const binary = item.binary?.data;
		expect(binary?.id).toMatch(/^filesystem-v2:/);
		expect(sha256(await binaryBytes(binary!))).toBe(image.mediaSha256);
	});

	it('over the size cap or unavailable: item without binary data and a mediaError, the flow goes on', async () => {
		const credential = await loggedIn();
		const run = await start({ downloadMedia: true, maxMediaSizeMb: 0.1 }, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		sim.inject({ from: 'Alice', type: 'file', fileName: 'big.zip', size: 500_000 });
		sim.inject({ from: 'Alice', type: 'image', size: 400_000 });
		sim.inject({ from: 'Bob', type: 'video', size: 20_000, unavailable: true });
		const small = sim.inject({ from: 'Bob', type: 'image', size: 10_000 });
		const items = await run.waitForItems(0, 4);
		expect(items.map((i) => Boolean(i.binary))).toEqual([false, false, false, true]);
		expect(String(items[0].json.mediaError)).toMatch(/^The file is 0\.5 MB, more than the 0\.1 MB limit/);
		expect(String(items[1].json.mediaError)).toMatch(/^The image is 0\.4 MB, more than the 0\.1 MB limit/);
		expect(String(items[2].json.mediaError)).toMatch(/empty|not available|cannot/i);
		expect(sha256(await binaryBytes(items[3].binary!.data))).toBe(small.mediaSha256);
		expect(run.emitErrors).toEqual([]);
	});

	it('a stream that outgrows the cap (size not announced) is cut off and cancelled', async () => {
		const credential = await loggedIn();
		const run = await start({}, { credential });
		let cancelled = false;
		async function* chunks() {
			for (let i = 0; i < 10; i++) yield new Uint8Array(64 * 1024);
		}
		const client = {
			download: async () => ({ stream: chunks(), mimeType: 'image/jpeg', fileName: 'x.jpg', cancel: () => (cancelled = true) }),
		} as unknown as WeChatClient;
		const message = { media: { kind: 'image', msgId: '1', mimeType: 'image/jpeg' } } as WeChatMessage;
		const result = await downloadMessageMedia(run.context, client, message, 200 * 1024, new AbortController().signal);
		expect(result.binary).toBeUndefined();
		expect(result.error).toMatch(/larger than the limit, more than the 0\.2 MB limit/);
		expect(cancelled).toBe(true);
	});
});

describe('manual mode', () => {
	it('"Listen for event" resolves with the first message, saves no static data, and stops cleanly', async () => {
		const credential = await loggedIn();
		const run = await start({}, { credential, mode: 'manual' });
		const pending = run.runManual();
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const m = sim.inject({ from: 'Alice', type: 'text', text: 'sample' }).msgId;
		const data = await pending;
		expect(data[0].map((i) => i.json.id)).toEqual([m]);
		expect(data[1]).toEqual([]);
		await run.closeFunction();
		expect(run.staticData()).toEqual({});
		await waitFor(() => sim.inFlight().length === 0, 1000, 'nothing in flight');
		const count = sim.requests.length;
		await sleep(600);
		expect(sim.requests.length).toBe(count);
	});

	it('not logged in: the QR event is the result; closing waits for the phone so the session reaches the credential', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(credentialData(sim));
		const run = await start({}, { credential, mode: 'manual' });
		const data = await run.runManual();
		expect(data[0]).toEqual([]);
		expect(json(data[1][0])).toMatchObject({ event: 'qr' });
		expect(data[1][0].binary?.data.mimeType).toBe('image/png');

		// n8n calls closeFunction right after the trigger's output; the phone scans meanwhile.
		const closing = run.closeFunction();
		const uuid = String(data[1][0].json.uuid);
		sim.scan(uuid);
		await sleep(100);
		sim.confirm(uuid);
		await closing;
		expect(events(run.items(1))).toEqual(expect.arrayContaining(['qr', 'scanned', 'loggedIn']));
		const stored = run.credentials.stored(credential.id);
		expect(parseSession(stored.session).tokens.sid).toBe(sim.session()?.sid);
		expect(run.staticData()).toEqual({});
		await waitFor(() => sim.inFlight().length === 0, 1000, 'nothing in flight');
	});

	it('a cancelled manual run (closeFunction called again) stops a pending QR login at once', async () => {
		sim = await startNodeSim();
		const run = await start({}, { credential: makeCredential(credentialData(sim)), mode: 'manual' });
		await run.runManual();
		const closing = run.closeFunction();
		await sleep(200);
		const started = Date.now();
		await run.response.closeFunction?.(); // n8n's abort listener on cancellation
		await closing;
		expect(Date.now() - started).toBeLessThan(2500);
		await waitFor(() => sim.inFlight().length === 0, 1000, 'nothing in flight');
		expect(run.credentialWrites).toEqual([]);
	});
});
