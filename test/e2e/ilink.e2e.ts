/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test code runs under plain Node */
/**
 * The iLink route through a real n8n on each line: QR login inside n8n (the
 * session reaches the credential), the owner's message in and the bot's answer
 * out (the "talk to my n8n" loop), a restart that loses and repeats nothing
 * (the service consumes messages on hand-out), the send budget shared with a
 * separate `n8n execute` process (the 11th send after an owner message is
 * refused before any request), the credential test, and no token anywhere.
 */
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { startIlinkSimulator } from '../../sandbox/ilink-simulator';
import { sleep, type N8nLine } from '../../sandbox/launcher/n8n-instance';
import { sharedN8n, type SharedN8n } from './shared-n8n';
import { Sink } from './sink';
import { code, manual, node, T, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
const WF = 'e2eIlinkBot0001';
const WF_BURST = 'e2eIlinkBurst01';
// Suites share one n8n per line: this suite's own credential.
const CRED = { id: 'wechatE2eIlink01', name: 'WeChat E2E bot' };
const ilink = { authentication: 'weChatIlinkApi' };
const creds = { credentials: { weChatIlinkApi: CRED } };

function botWorkflow(sinkOrigin: string): Record<string, unknown> {
	const post = (name: string, p: string) =>
		node({ name, type: T.http, parameters: { method: 'POST', url: `${sinkOrigin}${p}`, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} } });
	return workflow(
		WF,
		'E2E iLink bot',
		[
			{ ...node({ name: 'Bot', type: T.trigger, parameters: { ...ilink } }), ...creds },
			post('Message to sink', '/msg'),
			{ ...node({ name: 'Reply', type: T.action, parameters: { ...ilink, resource: 'message', operation: 'sendText', text: '=echo: {{ $json.text }}' } }), ...creds },
			post('Reply to sink', '/reply'),
			post('Event to sink', '/events'),
		],
		[
			['Bot', 'Message to sink', 0],
			['Bot', 'Reply', 0],
			['Reply', 'Reply to sink', 0],
			['Bot', 'Event to sink', 1],
		],
	);
}

describe.each(LINES)('n8n line %s: the iLink route', (line) => {
	let sim: IlinkSimulator;
	let sink: Sink;
	let n8n: SharedN8n;

	beforeAll(async () => {
		sim = await startIlinkSimulator({ updatesHoldMs: 5000, qrHoldMs: 5000 });
		sink = new Sink();
		await sink.start();
		n8n = await sharedN8n(line);
		await n8n.importCredentials([{ ...CRED, type: 'weChatIlinkApi', data: { originOverride: sim.origin, sendsPerMessage: 10, windowHours: 23, throttleMinutes: 30, pairCode: '', sessionImport: '' } }]);
		await n8n.importWorkflows([botWorkflow(sink.origin)]);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await n8n?.api('POST', `/workflows/${WF}/deactivate`).catch(() => undefined);
		await sink?.stop();
		await sim?.close();
	});

	it('logs in inside n8n: a QR event, scan and confirm on the phone, the bot session stored in the credential', async () => {
		await n8n.api('POST', `/workflows/${WF}/activate`);
		const qr = await sim.waitForQr(120000);
		await waitForEvent(sink, 'qr');
		sim.scan(qr.qrcode);
		const bot = sim.confirm(qr.qrcode);
		await waitForEvent(sink, 'loggedIn');
		await eventually(async () => {
			const stored = await n8n.exportCredential(CRED.id);
			expect(String(stored.session)).toContain(bot?.botId as string);
		});
	});

	it('the owner writes, the workflow answers through the action node; the item carries the budget, no token', async () => {
		sim.ownerSends('hello bot');
		const [msg] = await sink.waitFor('/msg', 1, 60000);
		expect(msg.json).toMatchObject({ route: 'ilink', type: 'text', text: 'hello bot' });
		expect(Date.parse(String(msg.json?.windowExpiresAt))).toBeGreaterThan(Date.now());
		expect(typeof msg.json?.sendsLeft).toBe('number');
		await sink.waitFor('/reply', 1, 60000);
		expect(sim.sent.filter((s) => s.delivered).map((s) => s.text)).toContain('echo: hello bot');
		const reply = sink.on('/reply')[0].json as Record<string, unknown>;
		expect(reply).toMatchObject({ route: 'ilink' });
		expect(reply.sendsLeft).toBe(9);
		noSecrets(JSON.stringify([sink.on('/msg'), sink.on('/reply'), sink.on('/events'), n8n.logText()]));
	});

	it('survives a restart: the message sent while n8n was down arrives once, nothing earlier comes again, no new QR', async () => {
		const before = sink.on('/msg').length;
		const qrsBefore = sim.qrCodes().length;
		await n8n.stop();
		sim.ownerSends('while down');
		await n8n.start();
		await sink.waitFor('/msg', before + 1, 90000);
		sim.ownerSends('after restart');
		await sink.waitFor('/msg', before + 2, 60000);
		await sleep(3000);
		const texts = sink.on('/msg').map((r) => r.json?.text);
		expect(texts).toEqual(['hello bot', 'while down', 'after restart']);
		expect(sim.qrCodes().length).toBe(qrsBefore);
		await sink.waitFor('/reply', 3, 60000);
	});

	it('a burst from `n8n execute` shares the budget: sends up to the limit, the rest refused before any request', async () => {
		// The trigger's replies used one or two sends of "after restart"'s ten; of 12 more, the rest fit.
		await n8n.api('POST', `/workflows/${WF}/deactivate`);
		await n8n.importWorkflows([
			workflow(WF_BURST, 'E2E iLink burst', [
				manual(),
				code('Twelve', 'return Array.from({ length: 12 }, (_, i) => ({ json: { n: i } }));'),
				{ ...node({ name: 'Send', type: T.action, parameters: { ...ilink, resource: 'message', operation: 'sendText', text: '=burst {{ $json.n }}' } }), ...creds, onError: 'continueRegularOutput' },
			]),
		]);
		const sentBefore = sim.sent.length;
		const run = await n8n.execute(WF_BURST);
		const out = (run.data.resultData.runData.Send[0].data?.main[0] ?? []).map((o) => o.json as Record<string, unknown>);
		expect(out).toHaveLength(12);
		const ok = out.filter((o) => !o.error);
		const refused = out.filter((o) => o.error);
		// What was left: 10 minus the reply to "after restart", and minus the reply to "while down" when it
		// reached WeChat after "after restart" did (WeChat counts it there; so do we: lib/ilink/budget.ts STRADDLE_MS).
		const before = Number(ok[0].sendsLeft) + 1;
		expect(before === 9 || before === 8).toBe(true);
		expect(ok).toHaveLength(before);
		expect(refused).toHaveLength(12 - before);
		expect(ok[ok.length - 1].sendsLeft).toBe(0);
		for (const r of refused) expect(String(r.error)).toMatch(/owner/i);
		const burst = sim.sent.slice(sentBefore);
		expect(burst.map((s) => s.text)).toEqual(ok.map((_, i) => `burst ${i}`));
		expect(burst.every((s) => s.delivered)).toBe(true);
		noSecrets(JSON.stringify(run));
	});

	it('credential test: a bound bot passes, an empty credential says how to log in, a stale one says so', async () => {
		const stored = await n8n.exportCredential(CRED.id);
		const body = (data: Record<string, unknown>) => ({ credentials: { id: CRED.id, name: CRED.name, type: 'weChatIlinkApi', data } });
		const base = { originOverride: sim.origin, session: stored.session, sessionImport: '' };
		const ok = (await n8n.rest('POST', '/rest/credentials/test', body(base))) as { data: { status: string; message: string } };
		expect(ok.data).toMatchObject({ status: 'OK' });
		const empty = (await n8n.rest('POST', '/rest/credentials/test', body({ ...base, session: '' }))) as { data: { status: string; message: string } };
		expect(empty.data.status).toBe('Error');
		expect(empty.data.message).toMatch(/Not logged in/);
		sim.staleSession();
		const stale = (await n8n.rest('POST', '/rest/credentials/test', body(base))) as { data: { status: string; message: string } };
		expect(stale.data.status).toBe('Error');
		expect(stale.data.message).toMatch(/-14|no longer valid/);
		noSecrets(JSON.stringify([ok, empty, stale]));
	});

	function noSecrets(text: string): void {
		for (const s of sim.issuedSecrets()) expect(text).not.toContain(s.value);
	}
});

async function waitForEvent(sink: Sink, event: string, timeoutMs = 60000) {
	const t0 = Date.now();
	while (Date.now() - t0 < timeoutMs) {
		const events = sink.on('/events');
		if (events.some((e) => e.json?.event === event)) return events;
		await sleep(200);
	}
	throw new Error(`no "${event}" event; got ${JSON.stringify(sink.on('/events').map((e) => e.json?.event))}`);
}

async function eventually(check: () => void | Promise<void>, timeoutMs = 30000): Promise<void> {
	const t0 = Date.now();
	for (;;) {
		try {
			await check();
			return;
		} catch (err) {
			if (Date.now() - t0 > timeoutMs) throw err;
			await sleep(1000);
		}
	}
}
