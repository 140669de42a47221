/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- test code runs under plain Node */
/**
 * Queue mode ("Scaling out" in the README): redis, an n8n main process that
 * holds the trigger, and `n8n worker` processes that run every execution. The
 * worker has its own user folder (as on another machine) and shares only the
 * database and redis with main. Scenarios 1 and 3 run with the worker
 * executing; a session refreshed on main reaches the worker through the
 * credential; a worker killed mid-run (replaced on the same machine or
 * another) loses no message, and an action's finished send is not repeated.
 *
 * `npm run test:e2e:queue` (jest.queue.config.js); N8N_E2E_LINES=1 or =2 picks one line.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Simulator } from '../../sandbox/simulator/api';
import { loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import { ensureN8n, installPackage, N8nInstance, packPackage, RUNTIME, sleep, type N8nLine } from '../../sandbox/launcher/n8n-instance';
import { queueEnv, Redis, startedExecutions } from './queue-mode';
import { Sink } from './sink';
import { code, CRED, node, postBinary, rl, T, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
const PORTS: Record<N8nLine, { main: number; worker: number; health: number; redis: number }> = {
	'1': { main: 5720, worker: 5721, health: 5722, redis: 6390 },
	'2': { main: 5730, worker: 5731, health: 5732, redis: 6391 },
};
const WF = { trigger: 'e2eQueueTrig001', send: 'e2eQueueSend001', slow: 'e2eQueueSlow001', lookup: 'e2eQueueLook001', download: 'e2eQueueDown001' };
const WORKER = { args: ['worker', '--concurrency=5'], ready: 'n8n worker is now ready' };

function webhook(name: string, p: string): Record<string, unknown> {
	return {
		...node({ name, type: 'n8n-nodes-base.webhook', typeVersion: 2, parameters: { httpMethod: 'POST', path: p, responseMode: 'lastNode', responseData: 'allEntries', options: {} } }),
		webhookId: randomUUID(),
	};
}

function workflows(sinkOrigin: string): Array<Record<string, unknown>> {
	const toSink = node({
		name: 'Message to sink',
		type: T.http,
		parameters: {
			method: 'POST',
			url: `${sinkOrigin}/msg`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ id: $json.id, type: $json.type, text: $json.text, executionId: $execution.id }) }}',
			options: {},
		},
	});
	const media = { ...postBinary('Media to sink', `=${sinkOrigin}/bin?id={{ $json.id }}`), onError: 'continueRegularOutput' };
	return [
		workflow(
			WF.trigger,
			'Queue trigger to sink',
			[
				node({ name: 'WeChat', type: T.trigger, parameters: { downloadMedia: true, chatTypes: ['private', 'group'], options: { advanceSyncPosition: 'afterFinish' } } }),
				toSink,
				media,
			],
			[
				['WeChat', 'Message to sink', 0],
				['WeChat', 'Media to sink', 0],
			],
		),
		workflow(WF.send, 'Queue send and revoke', [
			webhook('Hook', 'wechat-queue-send'),
			node({ name: 'Send', type: T.action, parameters: { resource: 'message', operation: 'sendText', recipient: rl('name', '={{ $json.body.to }}'), text: '={{ $json.body.text }}' } }),
			node({ name: 'Revoke', type: T.action, parameters: { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' } }),
		]),
		workflow(WF.slow, 'Queue send, then a slow call', [
			{ ...webhook('Hook', 'wechat-queue-slow'), parameters: { httpMethod: 'POST', path: 'wechat-queue-slow', responseMode: 'onReceived', options: {} } },
			node({ name: 'Send', type: T.action, parameters: { resource: 'message', operation: 'sendText', recipient: rl('name', 'Carol'), text: '={{ $json.body.text }}' } }),
			node({
				name: 'Slow call',
				type: T.http,
				parameters: {
					method: 'POST',
					url: `${sinkOrigin}/slow`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: "={{ JSON.stringify({ text: $('Hook').item.json.body.text, executionId: $execution.id }) }}",
					options: {},
				},
			}),
		]),
		workflow(WF.lookup, 'Queue batch lookup', [
			webhook('Hook', 'wechat-queue-lookup'),
			code('Names', 'return $json.body.names.map((userName) => ({ json: { userName } }));'),
			node({ name: 'Lookup', type: T.action, parameters: { resource: 'contact', operation: 'get', contact: rl('id', '={{ $json.userName }}') } }),
		]),
		workflow(WF.download, 'Queue download', [
			webhook('Hook', 'wechat-queue-download'),
			code('Refs', 'return $json.body.refs.map((media) => ({ json: { media } }));'),
			node({ name: 'Download', type: T.action, parameters: { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' } }),
			postBinary('Upload', `=${sinkOrigin}/download?id={{ $json.media.msgId }}`),
		]),
	];
}

describe.each(LINES)('n8n line %s in queue mode: main + worker', (line) => {
	const ports = PORTS[line];
	let redis: Redis;
	let sim: Simulator;
	let sink: Sink;
	let main: N8nInstance;
	let worker: N8nInstance;
	let workerLogs = '';
	let workerEnv: Record<string, string> = {};
	let tgz = '';
	const folders: N8nInstance[] = [];

	const hook = async (p: string, body: unknown): Promise<Array<Record<string, unknown>>> => {
		const res = await fetch(`${main.baseUrl}/webhook/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`webhook ${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
		return JSON.parse(text);
	};
	const allWorkerLogs = () => workerLogs + worker.logText();
	const msgIds = () => sink.on('/msg').map((r) => String(r.json?.id));

	beforeAll(async () => {
		ensureN8n(line);
		redis = new Redis(ports.redis);
		await redis.start();
		sim = await startSim({ syncHoldMs: 3000, account: { extraContacts: 150 } });
		sink = new Sink();
		await sink.start();
		const phone = makeClient(sim);
		await loginWithPhone(phone, sim);
		const mainFolder = mkdtempSync(path.join(os.tmpdir(), 'n8n-wechat-main-'));
		const env = queueEnv(ports.redis, path.join(mainFolder, '.n8n', 'database.sqlite'));
		main = new N8nInstance({ line, port: ports.main, userFolder: mainFolder, env });
		// Another user folder, as on another machine: only redis and the database are shared.
		workerEnv = { ...env, QUEUE_HEALTH_CHECK_PORT: String(ports.health) };
		worker = new N8nInstance({ line, port: ports.worker, env: workerEnv });
		folders.push(main, worker);
		tgz = await packPackage(path.join(RUNTIME, 'pack'));
		installPackage(main.userFolder, tgz);
		installPackage(worker.userFolder, tgz);
		await main.importCredentials([
			{
				...CRED.weChatWebApi,
				type: 'weChatWebApi',
				data: { loginMode: 'desktop', originOverride: sim.origin, minSendIntervalSeconds: 0, maxSendsPerMinute: 1000, session: phone.toJSON(), sessionImport: '', sessionRevision: '1' },
			},
		]);
		await main.importWorkflows(workflows(sink.origin));
		for (const id of Object.values(WF)) await main.activateOffline(id);
		await main.start();
		await main.setupOwnerAndApiKey();
		await worker.start(120000, WORKER);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await worker?.stop();
		await main?.stop();
		for (const instance of folders) instance.cleanup();
		await sink?.stop();
		await sim?.close();
		await redis?.stop();
	});

	it('scenario 1: the trigger on main, its executions on the worker, every message once, media through the database', async () => {
		const injected = [
			sim.inject({ type: 'text', from: 'Alice', text: 'queued hello' }),
			sim.inject({ type: 'image', from: 'Bob', size: 30000 }),
			sim.inject({ type: 'file', from: 'Dave', fileName: 'report.pdf', size: 700000 }),
		];
		await sink.waitFor('/msg', injected.length, 90000);
		await sink.waitFor('/bin', 2, 30000);
		await sleep(3000);
		expect(msgIds().sort()).toEqual(injected.map((m) => m.msgId).sort());
		const bins = new Map(sink.on('/bin').map((r) => [r.query.id, r.sha256]));
		expect(bins.get(injected[1].msgId)).toBe(injected[1].mediaSha256);
		expect(bins.get(injected[2].msgId)).toBe(injected[2].mediaSha256);
		// The worker ran them (main only enqueues in queue mode).
		const executions = new Set(sink.on('/msg').map((r) => String(r.json?.executionId)));
		const onWorker = new Set(startedExecutions(allWorkerLogs()));
		for (const id of executions) expect(onWorker.has(id)).toBe(true);
		expect(main.logText()).not.toMatch(/Worker started execution/);
	});

	it('scenario 3 on the worker: send and revoke, batch lookup, download of every media kind', async () => {
		const before = startedExecutions(allWorkerLogs()).length;
		await hook('wechat-queue-send', { to: 'Alice', text: 'sent by a worker' });
		const record = sim.sent.find((s) => s.content === 'sent by a worker');
		expect(record?.to).toBe(sim.userName('Alice'));
		expect(record?.revoked).toBe(true);

		const names = Array.from({ length: 120 }, (_, i) => sim.userName(`Contact ${String(i + 1).padStart(5, '0')}`));
		sim.resetLogs();
		const looked = await hook('wechat-queue-lookup', { names });
		expect(looked.map((o) => o.id)).toEqual(names);
		const calls = sim.requests.filter((r) => r.endpoint === 'webwxbatchgetcontact').map((r) => (r.body as { List: Array<{ UserName: string }> }).List.map((x) => x.UserName));
		expect(calls.filter((list) => list.some((u) => names.includes(u))).map((l) => l.length)).toEqual([50, 50, 20]);

		const kinds = ['image', 'voice', 'video', 'file'] as const;
		const injected = kinds.map((kind) => sim.inject(kind === 'file' ? { type: kind, from: 'Carol', fileName: 'notes.txt', size: 3000 } : { type: kind, from: 'Alice', size: kind === 'video' ? 400000 : 20000 }));
		const refs = injected.map((m, i) => ({
			kind: kinds[i],
			msgId: m.msgId,
			sender: m.raw.FromUserName,
			mediaId: m.raw.MediaId || undefined,
			encryFileName: m.raw.EncryFileName || undefined,
			fileName: m.raw.FileName || undefined,
			mimeType: kinds[i] === 'file' ? 'text/plain' : 'application/octet-stream',
		}));
		await hook('wechat-queue-download', { refs });
		const got = sink.on('/download');
		for (const m of injected) expect(got.map((r) => r.sha256)).toContain(m.mediaSha256);
		expect(startedExecutions(allWorkerLogs()).length).toBeGreaterThanOrEqual(before + 3);
	});

	it('a SKey refreshed by the trigger on main reaches the worker through the credential: no new scan, no failed send', async () => {
		const jslogins = sim.requests.filter((r) => r.endpoint === 'jslogin').length;
		const oldSkey = sim.session()?.skey;
		sim.rotateSkey();
		const poke = sim.inject({ type: 'text', from: 'Bob', text: 'rotate now' });
		await eventually(() => expect(msgIds()).toContain(poke.msgId), 60000);
		const newSkey = sim.session()?.skey as string;
		expect(newSkey).not.toBe(oldSkey);
		await eventually(async () => {
			const stored = await main.exportCredential(CRED.weChatWebApi.id);
			expect(JSON.parse(String(stored.session)).tokens.skey).toBe(newSkey);
		});
		// The worker still holds a client made with the old SKey (previous test): it must take the credential's.
		await hook('wechat-queue-send', { to: 'Bob', text: 'after the refresh' });
		const record = sim.sent.find((s) => s.content === 'after the refresh');
		expect(record?.to).toBe(sim.userName('Bob'));
		expect(sim.requests.filter((r) => r.endpoint === 'jslogin').length).toBe(jslogins);
	});

	/** SIGKILL the worker and start a replacement: on the same machine (its user folder) or another (a new one). */
	async function replaceWorker(replacement: 'same folder' | 'fresh folder'): Promise<() => string> {
		await worker.kill();
		workerLogs += worker.logText();
		if (replacement === 'fresh folder') {
			worker = new N8nInstance({ line, port: ports.worker, env: workerEnv });
			installPackage(worker.userFolder, tgz);
			folders.push(worker);
		}
		const logStart = worker.logText().length;
		await worker.start(120000, WORKER);
		const current = worker;
		return () => current.logText().slice(logStart);
	}

	/**
	 * SIGKILL the worker while it runs a trigger execution (the sink answers slowly),
	 * start a replacement, and return which executions delivered which message.
	 */
	async function killMidRun(label: string, replacement: 'same folder' | 'fresh folder') {
		sink.delays.set('/msg', 3000);
		const burst = [1, 2, 3].map((i) => sim.inject({ type: 'text', from: 'Alice', text: `${label} ${i}` }));
		const ids = new Set(burst.map((m) => m.msgId));
		const arrived = () => sink.on('/msg').filter((r) => ids.has(String(r.json?.id)));
		const t0 = Date.now();
		while (arrived().length < 1 && Date.now() - t0 < 60000) await sleep(50);
		const inFlight = String(arrived()[0]?.json?.executionId);
		const newLog = await replaceWorker(replacement);
		const statuses = new Map<string, string>();
		const executionsOf = (id: string) => [...new Set(arrived().filter((r) => r.json?.id === id).map((r) => String(r.json?.executionId)))];
		// Nothing lost: every message was delivered by one execution that finished successfully.
		await eventually(async () => {
			for (const r of arrived()) {
				const e = String(r.json?.executionId);
				if (statuses.get(e) !== 'success') statuses.set(e, String(((await main.api('GET', `/executions/${e}`)) as { status?: string }).status));
			}
			for (const id of ids) expect(executionsOf(id).filter((e) => statuses.get(e) === 'success')).toHaveLength(1);
		}, 120000);
		sink.delays.delete('/msg');
		const counts = [...ids].map((id) => arrived().filter((r) => r.json?.id === id).length);
		process.stdout.write(
			`queue e2e line ${line}, replacement worker in the ${replacement}: execution ${inFlight} ended "${statuses.get(inFlight)}"; deliveries per message ${JSON.stringify(counts)}; executions ${JSON.stringify(Object.fromEntries(statuses))}\n`,
		);
		return { inFlight, statuses, executionsOf, ids, newLog };
	}

	it('worker killed mid-run, replaced on the same machine: n8n gives the run up, the trigger hands its messages over again', async () => {
		const { inFlight, statuses, executionsOf, ids, newLog } = await killMidRun('same machine', 'same folder');
		// n8n's recovery (the replacement reads the killed worker's event log) gives the execution up:
		// 1.x marks it crashed; 2.x then fails its job as "stalled more than maxStalledCount"…
		expect(newLog()).toMatch(/Found unfinished executions/);
		expect(statuses.get(inFlight)).toBe(line === '1' ? 'crashed' : 'error');
		// …and "After the workflow finished" hands each of its messages to one new execution.
		for (const id of ids) {
			const executions = executionsOf(id);
			expect(executions.filter((e) => e !== inFlight)).toHaveLength(1);
			expect(executions.filter((e) => statuses.get(e) === 'success')).toHaveLength(1);
		}
	});

	it('worker killed mid-run, replaced by another machine: n8n re-runs the execution (1.x) or gives it up and the trigger hands it over again (2.x)', async () => {
		const { inFlight, statuses, executionsOf, ids, newLog } = await killMidRun('other machine', 'fresh folder');
		if (line === '1') {
			// Bull hands the stalled job to the new worker, which runs the same execution again.
			expect(startedExecutions(newLog())).toContain(inFlight);
			expect(statuses.get(inFlight)).toBe('success');
			for (const id of ids) expect(executionsOf(id)).toHaveLength(1);
		} else {
			// 2.x never re-runs a stalled job (maxStalledCount 0): it fails, and the trigger hands the messages over again.
			expect(startedExecutions(newLog())).not.toContain(inFlight);
			expect(statuses.get(inFlight)).toBe('error');
			for (const id of ids) expect(executionsOf(id).filter((e) => e !== inFlight)).toHaveLength(1);
		}
	});

	it('an action run on a killed worker: the send it finished is not repeated', async () => {
		sink.delays.set('/slow', 4000);
		const text = `sent while the worker dies ${Date.now()}`;
		const calls = () => sink.on('/slow').filter((r) => r.json?.text === text);
		const res = await fetch(`${main.baseUrl}/webhook/wechat-queue-slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
		expect(res.ok).toBe(true);
		await eventually(() => expect(calls()).toHaveLength(1), 60000);
		expect(sim.sent.filter((s) => s.content === text)).toHaveLength(1);
		const execution = String(calls()[0].json?.executionId);
		const newLog = await replaceWorker('fresh folder');
		const status = async () => ((await main.api('GET', `/executions/${execution}`)) as { status?: string }).status;
		if (line === '1') {
			// 1.x re-runs it from its saved progress (EXECUTIONS_DATA_SAVE_ON_PROGRESS): the node in
			// flight runs again, the send before it does not.
			await eventually(async () => expect(await status()).toBe('success'), 120000);
			expect(startedExecutions(newLog())).toContain(execution);
			expect(calls()).toHaveLength(2);
		} else {
			// 2.x gives the stalled execution up: nothing after the kill runs.
			await eventually(async () => expect(await status()).toBe('error'), 120000);
			expect(startedExecutions(newLog())).not.toContain(execution);
			expect(calls()).toHaveLength(1);
		}
		sink.delays.delete('/slow');
		expect(sim.sent.filter((s) => s.content === text)).toHaveLength(1);
	});
});

async function eventually(check: () => void | Promise<void>, timeoutMs = 30000): Promise<void> {
	const t0 = Date.now();
	for (;;) {
		try {
			await check();
			return;
		} catch (err) {
			if (Date.now() - t0 > timeoutMs) throw err;
			await sleep(500);
		}
	}
}
