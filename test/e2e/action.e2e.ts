/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Scenario 3 (action node through `n8n execute`) and scenario 4 (credential
 * test through n8n's REST API) against a real n8n on each line.
 */
import { createHash } from 'node:crypto';
import type { Simulator } from '../../sandbox/simulator/api';
import { loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import type { N8nLine } from '../../sandbox/launcher/n8n-instance';
import { sharedN8n, type SharedN8n } from './shared-n8n';
import { Sink } from './sink';
import { code, getFile, manual, node, postBinary, rl, T, useCredential, workflow } from './workflows';

const LINES = (process.env.N8N_E2E_LINES ?? '1,2').split(',').map((s) => s.trim()) as N8nLine[];
// Suites share one n8n per line: this suite's own credential.
const CRED = { weChatWebApi: useCredential('wechatE2eAction1', 'WeChat E2E action') };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function bytes(n: number, seed: number): Buffer {
	const b = Buffer.alloc(n);
	for (let i = 0; i < n; i++) b[i] = (i * seed + 17) & 0xff;
	return b;
}

describe.each(LINES)('n8n line %s: action node and credential', (line) => {
	let sim: Simulator;
	let sink: Sink;
	let n8n: SharedN8n;
	let sessionJson: string;
	const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), bytes(300_000, 7)]);
	const report = bytes(700_000, 13);

	beforeAll(async () => {
		sim = await startSim({ account: { extraContacts: 150 } });
		sink = new Sink();
		await sink.start();
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		sessionJson = client.toJSON();
		// The shared n8n runs meanwhile: imports and `n8n execute` go through its CLI next to the server.
		n8n = await sharedN8n(line);
		await n8n.importCredentials([
			{
				...CRED.weChatWebApi,
				type: 'weChatWebApi',
				data: { loginMode: 'desktop', originOverride: sim.origin, minSendIntervalSeconds: 0, maxSendsPerMinute: 1000, session: sessionJson, sessionImport: '', sessionRevision: '1' },
			},
		]);
	}, 15 * 60 * 1000);

	afterAll(async () => {
		await sink?.stop();
		await sim?.close();
	});

	it('sends a text to a contact chosen by name, then revokes it', async () => {
		await n8n.importWorkflows([
			workflow('e2eSendText0001', 'E2E send text', [
				manual(),
				node({ name: 'Send', type: T.action, parameters: { resource: 'message', operation: 'sendText', recipient: rl('name', 'Alice'), text: 'hello from n8n' } }),
				node({ name: 'Revoke', type: T.action, parameters: { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' } }),
			]),
		]);
		const run = await n8n.execute('e2eSendText0001');
		expect(run.data.resultData.error).toBeUndefined();
		const sent = run.data.resultData.runData.Send[0].data?.main[0][0].json as Record<string, unknown>;
		const record = sim.sent.find((s) => s.msgId === sent.msgId);
		expect(record?.content).toBe('hello from n8n');
		expect(record?.to).toBe(sim.userName('Alice'));
		expect(record?.revoked).toBe(true);
	});

	it('sends an image and a file from binary data', async () => {
		const photoUrl = sink.serve('/fixtures/photo.jpg', photo, 'image/jpeg');
		const reportUrl = sink.serve('/fixtures/report.pdf', report, 'application/pdf');
		await n8n.importWorkflows([
			workflow(
				'e2eSendMedia001',
				'E2E send media',
				[
					manual(),
					getFile('Get photo', photoUrl),
					node({ name: 'Send image', type: T.action, parameters: { resource: 'message', operation: 'sendImage', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' } }),
					getFile('Get report', reportUrl),
					node({ name: 'Send file', type: T.action, parameters: { resource: 'message', operation: 'sendFile', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' } }),
				],
				[
					['Start', 'Get photo'],
					['Get photo', 'Send image'],
					['Start', 'Get report'],
					['Get report', 'Send file'],
				],
			),
		]);
		const run = await n8n.execute('e2eSendMedia001');
		expect(run.data.resultData.error).toBeUndefined();
		const hashes = sim.uploads.map((u) => u.sha256);
		expect(hashes).toContain(sha(photo));
		expect(hashes).toContain(sha(report));
		const endpoints = sim.sent.filter((s) => s.to === sim.userName('Bob')).map((s) => s.endpoint);
		expect(endpoints).toEqual(expect.arrayContaining(['webwxsendmsgimg', 'webwxsendappmsg']));
	});

	it('looks up 120 UserNames in three batch calls of at most 50, one output item per input', async () => {
		const names = Array.from({ length: 120 }, (_, i) => sim.userName(`Contact ${String(i + 1).padStart(5, '0')}`));
		await n8n.importWorkflows([
			workflow('e2eBatchGet0001', 'E2E batch lookup', [
				manual(),
				code('Names', `return ${JSON.stringify(names)}.map((userName) => ({ json: { userName } }));`),
				node({ name: 'Lookup', type: T.action, parameters: { resource: 'contact', operation: 'get', contact: rl('id', '={{ $json.userName }}') } }),
			]),
		]);
		sim.resetLogs();
		const run = await n8n.execute('e2eBatchGet0001');
		expect(run.data.resultData.error).toBeUndefined();
		const out = run.data.resultData.runData.Lookup[0].data?.main[0] ?? [];
		expect(out).toHaveLength(120);
		expect(out.map((o) => o.json.id)).toEqual(names);
		// Restoring the session also batch-loads group members; count only the lookups of our 120.
		const calls = sim.requests.filter((r) => r.endpoint === 'webwxbatchgetcontact').map((r) => (r.body as { List: Array<{ UserName: string }> }).List.map((x) => x.UserName));
		const lookups = calls.filter((list) => list.some((u) => names.includes(u)));
		expect(lookups.map((l) => l.length)).toEqual([50, 50, 20]);
	});

	it('downloads each media kind with the bytes the server holds', async () => {
		const injected = [
			sim.inject({ type: 'image', from: 'Alice', size: 20000 }),
			sim.inject({ type: 'voice', from: 'Alice', size: 6000 }),
			sim.inject({ type: 'video', from: 'Alice', size: 400000 }),
			sim.inject({ type: 'file', from: 'Carol', fileName: 'notes.txt', size: 3000 }),
		];
		const kinds = ['image', 'voice', 'video', 'file'];
		const refs = injected.map((m, i) => ({
			kind: kinds[i],
			msgId: m.msgId,
			sender: m.raw.FromUserName,
			mediaId: m.raw.MediaId || undefined,
			encryFileName: m.raw.EncryFileName || undefined,
			fileName: m.raw.FileName || undefined,
			mimeType: kinds[i] === 'file' ? 'text/plain' : 'application/octet-stream',
		}));
		await n8n.importWorkflows([
			workflow('e2eDownload0001', 'E2E download', [
				manual(),
				code('Refs', `return ${JSON.stringify(refs)}.map((media) => ({ json: { media } }));`),
				node({ name: 'Download', type: T.action, parameters: { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' } }),
				postBinary('Upload', `=${sink.origin}/bin?name={{ encodeURIComponent($binary.data.fileName) }}`),
			]),
		]);
		const run = await n8n.execute('e2eDownload0001');
		expect(run.data.resultData.error).toBeUndefined();
		const got = sink.on('/bin').map((r) => r.sha256);
		for (const m of injected) expect(got).toContain(m.mediaSha256);
	});

	it('continues on fail for an unknown contact; the other item is still sent', async () => {
		await n8n.importWorkflows([
			workflow('e2eContFail0001', 'E2E continue on fail', [
				manual(),
				code('People', `return [{ json: { name: 'Nobody Such' } }, { json: { name: 'Carol' } }];`),
				{ ...node({ name: 'Send', type: T.action, parameters: { resource: 'message', operation: 'sendText', recipient: rl('name', '={{ $json.name }}'), text: 'hi' } }), onError: 'continueRegularOutput' },
			]),
		]);
		const run = await n8n.execute('e2eContFail0001');
		const out = run.data.resultData.runData.Send[0].data?.main[0] ?? [];
		expect(out).toHaveLength(2);
		expect(String(out[0].json.error)).toContain('No contact or group matches "Nobody Such"');
		expect(out[1].json.msgId).toBeTruthy();
	});

	it('credential test: an alive session passes, a dead one says it was logged out', async () => {
		const body = (data: Record<string, unknown>) => ({ credentials: { id: CRED.weChatWebApi.id, name: CRED.weChatWebApi.name, type: 'weChatWebApi', data } });
		const base = { loginMode: 'desktop', originOverride: sim.origin, session: sessionJson, sessionImport: '', minSendIntervalSeconds: 0, maxSendsPerMinute: 1000 };
		const ok = (await n8n.rest('POST', '/rest/credentials/test', body(base))) as { data: { status: string; message: string } };
		expect(ok.data).toMatchObject({ status: 'OK' });
		const empty = (await n8n.rest('POST', '/rest/credentials/test', body({ ...base, session: '' }))) as { data: { status: string; message: string } };
		expect(empty.data.status).toBe('Error');
		expect(empty.data.message).toMatch(/Not logged in/);
		sim.forceLogout(1101);
		const dead = (await n8n.rest('POST', '/rest/credentials/test', body(base))) as { data: { status: string; message: string } };
		expect(dead.data.status).toBe('Error');
		expect(dead.data.message).toMatch(/ended this session|no longer knows|logged this session out/);
		for (const secret of [sim.session()?.sid, sim.session()?.skey]) expect(JSON.stringify([ok, empty, dead])).not.toContain(secret as string);
	});
});
