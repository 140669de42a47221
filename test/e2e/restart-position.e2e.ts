/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Issue 15 item 8 against a real n8n on each line: the receive position survives
 * a clean restart in every "Advance Sync Position" mode. A burst of 30 messages
 * is delivered (several batches), every run succeeds, n8n is stopped with
 * SIGTERM (it closes the trigger) and started again on the same user folder:
 * nothing is handed to a new run again, and the message that arrived while n8n
 * was down is delivered exactly once.
 */
import type { Simulator } from '../../sandbox/simulator/api';
import { loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import { sleep, type N8nLine } from '../../sandbox/launcher/n8n-instance';
import { sharedN8n, type SharedN8n } from './shared-n8n';
import { Sink } from './sink';
import { node, T, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
const BURST = 30;

/** Each mode its own credential (own account loop) and workflow, so the two tests share nothing but n8n. */
const MODES = [
	{ mode: 'afterFinish', label: 'After the Workflow Finished', cred: { id: 'wechatE2eRstAftr', name: 'WeChat E2E restart afterFinish' }, wf: 'e2eRestartAftr1' },
	{ mode: 'onHandOff', label: 'When Handed Over', cred: { id: 'wechatE2eRstHand', name: 'WeChat E2E restart onHandOff' }, wf: 'e2eRestartHand1' },
];

function restartWorkflow(m: (typeof MODES)[number], sinkOrigin: string): Record<string, unknown> {
	const post = (name: string, p: string) =>
		node({ name, type: T.http, parameters: { method: 'POST', url: `${sinkOrigin}${p}`, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} } });
	return workflow(
		m.wf,
		`E2E restart position ${m.mode}`,
		[
			node({ name: 'WeChat', type: T.trigger, credentials: { weChatWebApi: m.cred }, parameters: { options: { advanceSyncPosition: m.mode } } }),
			post('Message to sink', '/msg'),
			post('Event to sink', '/events'),
		],
		[
			['WeChat', 'Message to sink', 0],
			['WeChat', 'Event to sink', 1],
		],
	);
}

interface ExecutionSummary {
	id: string;
	status: string;
}

async function executions(n8n: SharedN8n, wf: string, status?: string): Promise<ExecutionSummary[]> {
	const res = (await n8n.api('GET', `/executions?workflowId=${wf}&limit=250${status ? `&status=${status}` : ''}`)) as { data: ExecutionSummary[] };
	return res.data;
}

/** Every run of the workflow ended and succeeded, and no new one started for a while. */
async function everyRunSucceeded(n8n: SharedN8n, wf: string, timeoutMs = 120000): Promise<ExecutionSummary[]> {
	const t0 = Date.now();
	let last = -1;
	let seen: ExecutionSummary[] = [];
	while (Date.now() - t0 < timeoutMs) {
		seen = await executions(n8n, wf);
		const running = await executions(n8n, wf, 'running');
		const settled = seen.length > 0 && running.length === 0 && seen.every((e) => e.status === 'success');
		if (settled && seen.length === last) return seen;
		last = settled ? seen.length : -1;
		await sleep(1500);
	}
	throw new Error(`runs of ${wf} did not all succeed within ${timeoutMs} ms: ${JSON.stringify(seen.map((e) => e.status))}`);
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
	const t0 = Date.now();
	while (!check()) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(200);
	}
}

describe.each(LINES)('n8n line %s: sync position across a clean restart', (line) => {
	let n8n: SharedN8n;

	beforeAll(async () => {
		n8n = await sharedN8n(line);
	}, 15 * 60 * 1000);

	it.each(MODES)('$label ($mode): after a burst of 30 and a SIGTERM restart, nothing is handed over again and the message sent while down arrives once', async (m) => {
		let sim: Simulator | undefined;
		const sink = new Sink();
		try {
			// Pages of 10: the burst arrives in three batches (three runs in the after-the-run modes).
			sim = await startSim({ syncHoldMs: 2000, syncPageSize: 10 });
			const s = sim;
			await sink.start();
			const phone = makeClient(s);
			await loginWithPhone(phone, s);
			await n8n.importCredentials([
				{
					...m.cred,
					type: 'weChatWebApi',
					data: { loginMode: 'desktop', originOverride: s.origin, minSendIntervalSeconds: 0, maxSendsPerMinute: 1000, session: phone.toJSON(), sessionImport: '', sessionRevision: '1' },
				},
			]);
			await n8n.importWorkflows([restartWorkflow(m, sink.origin)]);
			await n8n.api('POST', `/workflows/${m.wf}/activate`);
			await until('the trigger to poll (synccheck in flight)', () => s.inFlight().some((r) => r.endpoint === 'synccheck'), 60000);

			const burst = s.injectMany(Array.from({ length: BURST }, (_, i) => ({ type: 'text' as const, from: 'Alice', text: `burst ${i + 1}` })));
			await sink.waitFor('/msg', BURST, 120000);
			const runs = await everyRunSucceeded(n8n, m.wf);
			const texts = () => sink.on('/msg').map((r) => String(r.json?.text));
			const ids = () => sink.on('/msg').map((r) => String(r.json?.id));
			// Delivered before the restart: each burst message exactly once.
			expect([...ids()].sort()).toEqual(burst.map((b) => b.msgId).sort());
			const before = sink.on('/msg').length;
			const eventsBefore = sink.on('/events').length;

			await n8n.stop(); // SIGTERM to n8n's process group: n8n closes the trigger, then exits
			const whileDown = s.inject({ type: 'text', from: 'Bob', text: 'sent while n8n was down' });
			await n8n.start();
			await until('the message sent while n8n was down', () => ids().includes(whileDown.msgId), 120000);
			const live = s.inject({ type: 'text', from: 'Bob', text: 'sent after the restart' });
			await until('the message sent after the restart', () => ids().includes(live.msgId), 60000);
			await sleep(3000);

			// Everything delivered after the restart, by text: a repeated burst message would show up here.
			expect(texts().slice(before)).toEqual(['sent while n8n was down', 'sent after the restart']);
			expect(ids().filter((id) => id === whileDown.msgId)).toHaveLength(1);
			expect(new Set(ids()).size).toBe(ids().length);
			// The restarted trigger continued the stored session (Login Events output), it did not log in again.
			expect(sink.on('/events').slice(eventsBefore).map((e) => e.json?.event)).toEqual(['sessionRestored']);
			const after = await everyRunSucceeded(n8n, m.wf);
			expect(after.length).toBeGreaterThan(runs.length);
		} finally {
			await n8n.api('POST', `/workflows/${m.wf}/deactivate`).catch(() => undefined);
			await sink.stop();
			await sim?.close();
		}
	});
});
