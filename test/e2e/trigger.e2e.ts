/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- test code runs under plain Node */
/**
 * Scenarios 1 and 2 against a real n8n on each line: login inside n8n (QR event
 * with PNG, scan, messages flow, session written back to the credential), every
 * message kind delivered once and in order with its media, a restart that
 * neither replays nor loses anything, and a deactivation that leaves no request
 * behind.
 */
import type { Simulator } from '../../sandbox/simulator/api';
import { startSim } from '../helpers/sim-client';
import { sleep, type N8nLine } from '../../sandbox/launcher/n8n-instance';
import { sharedN8n, type SharedN8n } from './shared-n8n';
import { Sink } from './sink';
import { node, T, useCredential, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
const WF = 'e2eTrigger00001';
// Suites share one n8n per line: this suite's own credential.
const CRED = { weChatWebApi: useCredential('wechatE2eTrigger', 'WeChat E2E trigger') };

function triggerWorkflow(sinkOrigin: string): Record<string, unknown> {
	const post = (name: string, p: string) =>
		node({
			name,
			type: T.http,
			parameters: {
				method: 'POST',
				url: `${sinkOrigin}${p}`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ ...$json, binaryMeta: $binary && $binary.data ? { fileName: $binary.data.fileName, mimeType: $binary.data.mimeType } : null }) }}',
				options: {},
			},
		});
	const upload = (name: string, p: string) => ({
		...node({ name, type: T.http, parameters: { method: 'POST', url: `=${sinkOrigin}${p}`, sendBody: true, contentType: 'binaryData', inputDataFieldName: 'data', options: {} } }),
		onError: 'continueRegularOutput',
	});
	return workflow(
		WF,
		'E2E trigger to sink',
		[
			node({
				name: 'WeChat',
				type: T.trigger,
				parameters: { downloadMedia: true, chatTypes: ['private', 'group'], options: { includeSystemEvents: true } },
			}),
			post('Message to sink', '/msg'),
			upload('Media to sink', '/bin?id={{ $json.id }}'),
			post('Event to sink', '/events'),
			upload('QR to sink', '/qr?uuid={{ $json.uuid }}'),
		],
		[
			['WeChat', 'Message to sink', 0],
			['WeChat', 'Media to sink', 0],
			['WeChat', 'Event to sink', 1],
			['WeChat', 'QR to sink', 1],
		],
	);
}

describe.each(LINES)('n8n line %s: trigger', (line) => {
	let sim: Simulator;
	let sink: Sink;
	let n8n: SharedN8n;
	/** Where this suite's part of the shared n8n's log begins. */
	let logFrom = 0;

	beforeAll(async () => {
		sim = await startSim({ syncHoldMs: 5000, loginHoldMs: 5000 });
		sink = new Sink();
		await sink.start();
		n8n = await sharedN8n(line);
		logFrom = n8n.logText().length;
		await n8n.importCredentials([
			{
				...CRED.weChatWebApi,
				type: 'weChatWebApi',
				data: { loginMode: 'desktop', originOverride: sim.origin, minSendIntervalSeconds: 0, maxSendsPerMinute: 1000, session: '', sessionImport: '', sessionRevision: '' },
			},
		]);
		await n8n.importWorkflows([triggerWorkflow(sink.origin)]);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		// The last test deactivates it; after a failure it must not keep polling a closed simulator.
		await n8n?.api('POST', `/workflows/${WF}/deactivate`).catch(() => undefined);
		await sink?.stop();
		await sim?.close();
	});

	it('logs in inside n8n: QR event with a PNG, scan, logged in, session stored in the credential', async () => {
		await n8n.api('POST', `/workflows/${WF}/activate`);
		const [qr] = await sink.waitFor('/events', 1, 120000);
		expect(qr.json?.event).toBe('qr');
		expect(String(qr.json?.url)).toMatch(/^https:\/\/login\.weixin\.qq\.com\/l\//);
		const [png] = await sink.waitFor('/qr', 1);
		expect(png.bytes).toBeGreaterThan(200);
		const uuid = String(qr.json?.uuid);
		sim.scan(uuid);
		sim.confirm(uuid);
		const events = await waitForEvent(sink, 'loggedIn');
		expect(events.map((e) => e.json?.event)).toEqual(expect.arrayContaining(['qr', 'loggedIn']));
		expect(n8n.logText().slice(logFrom)).toMatch(/[▀▄█]/); // the QR as terminal text in n8n's log
		// The login reached the stored credential (through preAuthentication), so other workflows and workers see it.
		await eventually(async () => {
			const stored = await n8n.exportCredential(CRED.weChatWebApi.id);
			expect(String(stored.session)).toContain(sim.session()?.uin as string);
		});
	});

	it('delivers text, image, group mention, file and revoke once, in order, with media bytes', async () => {
		const injected = [
			sim.inject({ type: 'text', from: 'Alice', text: 'hello n8n' }),
			sim.inject({ type: 'image', from: 'Bob', size: 30000 }),
			sim.inject({ type: 'text', from: 'Carol', group: 'Sandbox Group', text: 'ping', mentions: ['Me In Group'] }),
			sim.inject({ type: 'file', from: 'Dave', fileName: 'report.pdf', size: 700000 }),
		];
		injected.push(sim.inject({ type: 'revoke', from: 'Alice', msgId: injected[0].msgId }));
		const got = await sink.waitFor('/msg', injected.length, 60000);
		await sleep(3000);
		expect(sink.on('/msg').map((r) => r.json?.id)).toEqual(injected.map((m) => m.msgId));
		const [text, image, mention, file, revoke] = sink.on('/msg').map((r) => r.json as Record<string, unknown>);
		expect(text).toMatchObject({ type: 'text', text: 'hello n8n', isGroup: false, fromMe: false });
		expect((text.raw as Record<string, unknown>).MsgId).toBe(injected[0].msgId);
		expect(image.type).toBe('image');
		expect(mention).toMatchObject({ type: 'text', isGroup: true, mentionsMe: true });
		expect((mention.sender as Record<string, unknown>).name).toBe('Carol');
		expect(file).toMatchObject({ type: 'file' });
		expect((file.binaryMeta as Record<string, unknown>).fileName).toBe('report.pdf');
		expect(revoke).toMatchObject({ type: 'revoke' });
		expect((revoke.details as Record<string, unknown>).revokedMsgId).toBe(injected[0].msgId);
		const bins = new Map(sink.on('/bin').map((r) => [r.query.id, r.sha256]));
		expect(bins.get(injected[1].msgId)).toBe(injected[1].mediaSha256);
		expect(bins.get(injected[3].msgId)).toBe(injected[3].mediaSha256);
		expect(got.length).toBe(injected.length);
	});

	it('survives a restart: resumes without a scan, delivers what arrived meanwhile, replays nothing', async () => {
		const before = sink.on('/msg').length;
		const eventsBefore = sink.on('/events').length;
		const jsloginsBefore = sim.requests.filter((r) => r.endpoint === 'jslogin').length;
		await n8n.stop();
		const whileDown = [1, 2, 3].map((i) => sim.inject({ type: 'text', from: 'Bob', text: `while down ${i}` }));
		await n8n.start();
		await sink.waitFor('/msg', before + 3, 90000);
		// The restarted trigger says on its Login Events output that it continued the stored session.
		await waitForEvent(sink, 'sessionRestored');
		expect(sink.on('/events').slice(eventsBefore).map((e) => e.json?.event)).toEqual(['sessionRestored']);
		const live = sim.inject({ type: 'text', from: 'Bob', text: 'after restart' });
		await sink.waitFor('/msg', before + 4, 60000);
		await sleep(3000);
		const ids = sink.on('/msg').map((r) => r.json?.id);
		expect(ids.slice(before)).toEqual([...whileDown.map((m) => m.msgId), live.msgId]);
		expect(new Set(ids).size).toBe(ids.length);
		expect(sim.requests.filter((r) => r.endpoint === 'jslogin').length).toBe(jsloginsBefore);
	});

	it('deactivation aborts the long poll: no synccheck in flight or sent afterwards', async () => {
		await n8n.api('POST', `/workflows/${WF}/deactivate`);
		await sleep(1500);
		expect(sim.inFlight().filter((r) => r.endpoint === 'synccheck')).toHaveLength(0);
		const count = sim.requests.filter((r) => r.endpoint === 'synccheck').length;
		await sleep(6000);
		expect(sim.requests.filter((r) => r.endpoint === 'synccheck').length).toBe(count);
	});
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
