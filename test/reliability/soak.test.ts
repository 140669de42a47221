/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- test code runs under plain Node: GC access for heap readings, a one-line report */
/**
 * Soak: many messages through the WeChat Web Trigger's whole pipeline (the
 * n8n-core trigger context, sync loop, normalizer, de-dup, checkpoint into
 * static data with every emit) in simulated time. The heap after GC must stay
 * flat and the de-dup set bounded. 200,000 messages always; SOAK=1 runs
 * 1,000,000 (`SOAK=1 npx jest test/reliability/soak`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { HttpRequest } from '../../lib/wechat/transport';
import type { Simulator } from '../../sandbox/simulator/api';
import type { TriggerRun } from '../node/harness';
import { makeCredential, runTrigger, waitFor } from '../node/harness';
import { requestsTo, savedPosition, sessionJson, startNodeSim, storedSessionData } from '../node/harness/wechat';
import { feed } from './soak-feed';

jest.mock('../../nodes/shared/n8n-runtime', () => {
	const runtime = jest.requireActual('./trigger-fixture').runtimeInSimulatedTime();
	const { feedAnswer } = jest.requireActual('./soak-feed');
	class FeedingTransport extends runtime.N8nTransport {
		async request(req: HttpRequest) {
			return feedAnswer(req) ?? (await super.request(req));
		}
	}
	return { ...runtime, N8nTransport: FeedingTransport };
});

const TOTAL = Number(process.env.SOAK_TOTAL) || (process.env.SOAK === '1' ? 1_000_000 : 200_000);
/** Allowed heap growth (after GC) between 20 % and 100 % of the run. */
const HEAP_BOUND_MB = 32;

jest.setTimeout(process.env.SOAK === '1' ? 30 * 60_000 : 5 * 60_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
	gc();
	gc();
	return process.memoryUsage().heapUsed / 1024 / 1024;
};

let sim: Simulator;
let run: TriggerRun | undefined;
afterAll(async () => {
	feed.active = false;
	await run?.closeFunction();
	await sim?.close();
});

it(`${TOTAL.toLocaleString('en')} messages: every one emitted once, heap flat within ${HEAP_BOUND_MB} MB, de-dup set bounded`, async () => {
	sim = await startNodeSim();
	const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
	// Templates: one message of each common kind the trigger emits by default, as the simulator renders them for this session.
	const group = sim.addContact({ kind: 'group', nickName: 'Soak Group', members: ['Alice', 'Bob'] });
	feed.templates = sim
		.injectMany([
			{ from: 'Alice', type: 'text', text: 'hello there' },
			{ group, from: 'Bob', type: 'text', text: '@Me In Group please check', mentions: ['me'] },
			{ from: 'Alice', type: 'link', title: 'An article & more', url: 'https://example.invalid/a?b=1&c=2', description: 'desc <b>' },
			{ from: 'Bob', type: 'image' },
			{ from: 'Alice', type: 'file', fileName: 'report.pdf', size: 2048 },
		])
		.map((m) => m.raw);
	sim.clearFaults();

	let emitted = 0;
	let lastId = -1n;
	let outOfOrder = 0;
	run = await runTrigger(
		{},
		{
			credential,
			keepEmits: false,
			onEmit: (data) => {
				for (const item of data[0] ?? []) {
					const id = BigInt(String(item.json.id));
					// Only the feed's messages (the simulator also delivers the template messages once).
					if (id >= 7_000_000_000_000_000_000n && id < 7_000_000_000_000_000_000n + BigInt(TOTAL)) {
						if (id <= lastId) outOfOrder++;
						lastId = id;
						emitted++;
					}
				}
			},
		},
	);
	await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
	Object.assign(feed, { active: true, total: TOTAL, delivered: 0, pageSize: 1000, syncRequests: 0 });

	await waitFor(() => emitted >= TOTAL * 0.2, 120_000, '20 %');
	const heapAt20 = heapMb();
	await waitFor(() => emitted >= TOTAL, TOTAL * 2, 'all messages');
	const heapAtEnd = heapMb();
	feed.active = false;
	const session = savedPosition(run.staticData());
	await run.closeFunction();

	expect(emitted).toBe(TOTAL);
	expect(outOfOrder).toBe(0);
	// One webwxsync per page of 1,000 (ContinueFlag drained), at most one more after the end.
	expect(feed.syncRequests).toBeGreaterThanOrEqual(TOTAL / 1000);
	expect(feed.syncRequests).toBeLessThanOrEqual(TOTAL / 1000 + 1);
	expect(session.seen.length).toBeLessThanOrEqual(2000);
	expect(heapAtEnd - heapAt20).toBeLessThan(HEAP_BOUND_MB);
	console.log(
		`soak: ${TOTAL} messages; heap after GC ${heapAt20.toFixed(1)} MB at 20 %, ${heapAtEnd.toFixed(1)} MB at the end; de-dup set ${session.seen.length}; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
	);
});
