/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * The WeChat Web Trigger on the iLink route, in n8n-core's trigger context
 * against the iLink simulator: login (QR, pair code through the credential),
 * messages as items, a stale session, the reply-window warning.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { LoginFailedError, QuotaExhaustedError, SessionStaleError, ThrottledError, WindowClosedError } from '../../lib/ilink';
import { toNodeError } from '../../nodes/shared/errors';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { recordText, registerSecretSource } from '../helpers/secret-scan';
import type { StoredCredential, TriggerRun, TriggerRunOptions } from './harness';
import { runTrigger, waitFor } from './harness';
import { ilinkCredential, ilinkSessionJson, startIlinkNodeSim, storedIlinkSession } from './harness/ilink';

jest.setTimeout(30000);

let sim: IlinkSimulator;
let runs: TriggerRun[] = [];

beforeEach(async () => {
	sim = await startIlinkNodeSim();
	const s = sim;
	registerSecretSource(() => s.issuedSecrets());
});

afterEach(async () => {
	for (const r of runs) await r.closeFunction();
	runs = [];
	await sim.close();
});

const ILINK = { authentication: 'weChatIlinkApi' };

async function start(params: IDataObject, options: TriggerRunOptions): Promise<TriggerRun> {
	const run = await runTrigger({ ...ILINK, ...params }, options);
	runs.push(run);
	return run;
}

const events = (run: TriggerRun) => run.items(1).map((i) => i.json);
const eventNames = (run: TriggerRun) => events(run).map((e) => String(e.event));

/**
 * No token in anything the trigger emitted (log lines go to the leak scan by themselves): no bot
 * token anywhere, no context token the simulator issued, and no AES key outside `media` (which
 * carries what the action node needs to download).
 */
function noSecrets(run: TriggerRun): void {
	const all = run.emitted.flatMap((d) => d.flatMap((items) => items.map((i: INodeExecutionData) => i.json)));
	const whole = JSON.stringify(all);
	const withoutMedia = JSON.stringify(all, (key, value: unknown) => (key === 'media' ? undefined : value));
	recordText(withoutMedia);
	for (const s of sim.issuedSecrets()) expect(s.kind === 'bot_token' ? whole : withoutMedia).not.toContain(s.value);
	for (const token of contextTokens) expect(whole).not.toContain(token);
	expect(whole).not.toMatch(/context_?token/i);
}

const contextTokens: string[] = [];

function ownerSends(spec: Parameters<IlinkSimulator['ownerSends']>[0]): ReturnType<IlinkSimulator['ownerSends']> {
	const sent = sim.ownerSends(spec);
	contextTokens.push(sent.contextToken);
	return sent;
}

async function bound(extra: ICredentialDataDecryptedObject = {}): Promise<StoredCredential> {
	return ilinkCredential(sim, { ...storedIlinkSession(await ilinkSessionJson(sim)), ...extra });
}

async function polling(): Promise<void> {
	const before = sim.requests.filter((r) => r.endpoint === 'getupdates').length;
	await waitFor(() => sim.requests.filter((r) => r.endpoint === 'getupdates').length > before, 8000, 'a getupdates poll');
}

describe('login', () => {
	it('QR login: the QR as a PNG and a link, the session in the credential at once, loggedIn without a token', async () => {
		const credential = ilinkCredential(sim);
		const run = await start(ILINK, { credential });
		const [qr] = await run.waitForItems(1, 1);
		expect(qr.json).toMatchObject({ event: 'qr', route: 'ilink' });
		expect(String(qr.json.url)).toContain('qrcode=');
		expect(qr.binary?.data?.mimeType).toBe('image/png');
		sim.scan();
		await waitFor(() => eventNames(run).includes('scanned'), 8000, 'scanned');
		const bot = sim.confirm();
		await waitFor(() => eventNames(run).includes('loggedIn'), 8000, 'loggedIn');
		const loggedIn = events(run).find((e) => e.event === 'loggedIn');
		expect(loggedIn).toMatchObject({ route: 'ilink', botId: bot?.botId, ownerId: bot?.ownerId });
		// Stored by the flush right after the login, before the next poll.
		const stored = run.credentials.stored(credential.id);
		expect(JSON.parse(String(stored.session))).toMatchObject({ botId: bot?.botId, botToken: bot?.botToken });
		noSecrets(run);
	});

	it('pair code: a verifyCodeRequired event, the number read from the credential field, then logged in', async () => {
		// An old number from an earlier login is in the field: it must not be sent.
		const credential = ilinkCredential(sim, { pairCode: '111111' });
		const run = await start(ILINK, { credential });
		await run.waitForItems(1, 1);
		const code = sim.requireVerifyCode('424242');
		sim.scan();
		await waitFor(() => eventNames(run).includes('verifyCodeRequired'), 8000, 'verifyCodeRequired');
		const ask = events(run).find((e) => e.event === 'verifyCodeRequired');
		expect(String(ask?.message)).toContain('Pair Code');
		run.credentials.add({ ...credential, data: { ...run.credentials.stored(credential.id), pairCode: code } });
		await waitFor(() => eventNames(run).includes('verifyCodeAccepted'), 10000, 'verifyCodeAccepted');
		sim.confirm();
		await waitFor(() => eventNames(run).includes('loggedIn'), 8000, 'loggedIn');
		const tried = sim.requests.filter((r) => r.endpoint === 'get_qrcode_status' && r.query.verify_code).map((r) => r.query.verify_code);
		expect(tried).toEqual([code]);
		expect(run.credentials.stored(credential.id).session).toBeTruthy();
		noSecrets(run);
	});

	it('a stored session is restored (sessionRestored), no QR', async () => {
		const credential = await bound();
		const qrs = sim.qrCodes().length;
		const run = await start(ILINK, { credential });
		await waitFor(() => eventNames(run).includes('sessionRestored'), 8000, 'sessionRestored');
		await polling();
		expect(sim.qrCodes()).toHaveLength(qrs);
		expect(events(run)[0]).toMatchObject({ event: 'sessionRestored', route: 'ilink', botId: sim.bot()?.botId });
	});

	it('manual run: the QR answers the run, and closing waits for the phone so the session reaches the credential', async () => {
		const credential = ilinkCredential(sim);
		const run = await start(ILINK, { credential, mode: 'manual' });
		const first = await run.runManual();
		expect(first[1][0].json.event).toBe('qr');
		const closing = run.closeFunction();
		sim.scan();
		await waitFor(() => sim.qrCodes()[0]?.status === 'scaned', 8000, 'scan seen');
		sim.confirm();
		await closing;
		expect(JSON.parse(String(run.credentials.stored(credential.id).session)).botId).toBe(sim.bot()?.botId);
	});
});

describe('login, more', () => {
	it('nobody scans three QR codes: a loginTimeout event, and no more QR codes for now', async () => {
		const run = await start(ILINK, { credential: ilinkCredential(sim) });
		for (let n = 1; n <= 3; n++) {
			await run.waitForItems(1, n);
			sim.expire();
		}
		await waitFor(() => eventNames(run).includes('loginTimeout'), 8000, 'loginTimeout');
		expect(eventNames(run)).toEqual(['qr', 'qr', 'qr', 'loginTimeout']);
		expect(run.emitErrors).toHaveLength(0);
	});

	it('manual run with a stored session: the first message answers the run', async () => {
		const run = await start(ILINK, { credential: await bound(), mode: 'manual' });
		const answer = run.runManual();
		await polling();
		const sent = ownerSends('test run');
		const [messages, loginEvents] = await answer;
		expect(messages[0].json).toMatchObject({ id: sent.messageId, text: 'test run', route: 'ilink' });
		expect(loginEvents).toHaveLength(0);
	});
});

describe('a test run beside the active workflow', () => {
	it('is refused with a clear error instead of taking the active workflow\'s messages (each is handed out once)', async () => {
		const credential = await bound();
		const active = await start(ILINK, { credential });
		await polling();
		const manual = await start(ILINK, { credential, mode: 'manual' });
		await expect(manual.runManual()).rejects.toThrow(/already receives the messages of this bot/);
		const sent = ownerSends('for the active one');
		const [item] = await active.waitForItems(0, 1);
		expect(item.json).toMatchObject({ id: sent.messageId, text: 'for the active one' });
	});
});

describe('messages', () => {
	it('one item per message: route, exact 64-bit id, window and sends left; the context token only in the credential', async () => {
		const credential = await bound();
		const run = await start(ILINK, { credential });
		await polling();
		const sent = ownerSends('hello bot');
		const [item] = await run.waitForItems(0, 1);
		expect(item.json).toMatchObject({ route: 'ilink', id: sent.messageId, type: 'text', text: 'hello bot', sendsLeft: 10, fromMe: false });
		expect(BigInt(String(item.json.id))).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		expect(Date.parse(String(item.json.windowExpiresAt))).toBeGreaterThan(Date.now());
		expect((item.json.chat as IDataObject).id).toBe(sim.bot()?.ownerId);
		noSecrets(run);
		expect(JSON.stringify(item.json)).not.toContain(sent.contextToken);
		// The action node (another worker in queue mode) reads the token from the credential.
		const budget = JSON.parse(String(run.credentials.stored(credential.id).budget)) as { chats: Record<string, { contextToken?: string }> };
		expect(budget.chats[String(sim.bot()?.ownerId)]?.contextToken).toBe(sent.contextToken);
	});

	it('a voice note carries its transcript; a quote with only the server id is resolved from recent messages; an image keeps its media reference', async () => {
		const run = await start(ILINK, { credential: await bound() });
		await polling();
		const first = ownerSends('the original words');
		await run.waitForItems(0, 1);
		ownerSends({ voice: { bytes: Buffer.from('#!SILK_V3 voice'), transcript: 'call me later' } });
		ownerSends({ text: 'about that', quote: { messageId: first.messageId, idOnly: true } });
		ownerSends({ image: { bytes: Buffer.from('not really a jpeg, but bytes') } });
		const items = await run.waitForItems(0, 4);
		// The media reference the action node downloads with; `raw` keeps no key.
		expect(items[3].json).toMatchObject({ type: 'image', media: { route: 'ilink', kind: 'image', msgId: items[3].json.id } });
		expect(JSON.stringify(items[3].json.raw)).not.toMatch(/aes_?key|encrypt_query_param/);
		expect(items[1].json).toMatchObject({ type: 'voice', text: 'call me later' });
		expect((items[1].json.media as IDataObject).kind).toBe('voice');
		expect(items[2].json.quoted).toMatchObject({ id: first.messageId, text: 'the original words', type: 'text' });
		noSecrets(run);
	});

	it('reply window warning: a windowExpiring event before the window closes', async () => {
		// A 6-minute window and a warning 5.9 minutes ahead: the event comes about 6 s after the message.
		const credential = await bound({ windowHours: 0.1 });
		const params = { ...ILINK, options: { windowWarningMinutes: 5.9 } };
		const run = await start(params, { credential });
		await polling();
		ownerSends('open the window');
		const [item] = await run.waitForItems(0, 1);
		await waitFor(() => eventNames(run).includes('windowExpiring'), 15000, 'windowExpiring');
		const warning = events(run).find((e) => e.event === 'windowExpiring');
		expect(warning).toMatchObject({ route: 'ilink', windowExpiresAt: item.json.windowExpiresAt, chatId: sim.bot()?.ownerId });
		expect(String(warning?.message)).toMatch(/write to the bot/i);
		expect(eventNames(run).filter((e) => e === 'windowExpiring')).toHaveLength(1);
		await run.closeFunction();

		// A restart knows the open window (the budget in the credential) and that it was warned about.
		const again = await start(params, { credential: { ...credential, data: run.credentials.stored(credential.id) }, staticData: run.savedStaticData() });
		await waitFor(() => eventNames(again).includes('sessionRestored'), 8000, 'sessionRestored');
		await polling();
		await new Promise((r) => setTimeout(r, 800));
		expect(eventNames(again)).not.toContain('windowExpiring');
	});
});

describe('stale session (-14)', () => {
	it('emits sessionStale, stops receiving, never shows a QR by itself, and stays idle after an n8n restart', async () => {
		const credential = await bound();
		const qrs = sim.qrCodes().length;
		const run = await start(ILINK, { credential });
		await polling();
		sim.staleSession();
		await waitFor(() => eventNames(run).includes('sessionStale'), 8000, 'sessionStale');
		const stale = events(run).find((e) => e.event === 'sessionStale');
		expect(String(stale?.message)).toMatch(/bound elsewhere|timed out/);
		expect(String(stale?.message)).toMatch(/activate the workflow/);
		const polls = sim.requests.filter((r) => r.endpoint === 'getupdates').length;
		await new Promise((r) => setTimeout(r, 1200));
		expect(sim.requests.filter((r) => r.endpoint === 'getupdates').length).toBe(polls);
		expect(sim.qrCodes()).toHaveLength(qrs);
		expect(run.emitErrors).toHaveLength(0);
		const saved = run.savedStaticData();
		await run.closeFunction();

		// n8n restarts (activation `init`): idle, no request at all.
		const before = sim.requests.length;
		const restarted = await start(ILINK, { credential: { ...credential, data: run.credentials.stored(credential.id) }, staticData: saved, activation: 'init' });
		await new Promise((r) => setTimeout(r, 1200));
		expect(sim.requests.length).toBe(before);
		expect(restarted.emitted).toHaveLength(0);
		await restarted.closeFunction();

		// The user activates the workflow again: a new QR login.
		const again = await start(ILINK, { credential: { ...credential, data: run.credentials.stored(credential.id) }, staticData: saved, activation: 'activate' });
		const [qr] = await again.waitForItems(1, 1);
		expect(qr.json.event).toBe('qr');
	});

	it("a user's activation with a stale stored session logs in with a new QR at once", async () => {
		const credential = await bound();
		sim.staleSession();
		const run = await start(ILINK, { credential });
		const [qr] = await run.waitForItems(1, 1);
		expect(qr.json.event).toBe('qr');
	});
});

describe('one receive loop per bot', () => {
	it('a second active workflow on the same credential waits until the first one is deactivated', async () => {
		const credential = await bound();
		const first = await start(ILINK, { credential });
		await waitFor(() => eventNames(first).includes('sessionRestored'), 8000, 'first sessionRestored');
		const second = await start(ILINK, { credential });
		await polling();
		expect(second.emitted).toHaveLength(0);
		await first.closeFunction();
		await waitFor(() => eventNames(second).includes('sessionRestored'), 12000, 'second takes over');
		const sent = ownerSends('for the second one');
		const [item] = await second.waitForItems(0, 1);
		expect(item.json.id).toBe(sent.messageId);
		expect(first.items(0)).toHaveLength(0);
	});
});

describe('errors', () => {
	it.each([
		new SessionStaleError('getupdates'),
		new ThrottledError(Date.now() + 60_000),
		new WindowClosedError('someone@im.wechat', 'the owner has not written yet'),
		new QuotaExhaustedError(10, 1, 0),
		new LoginFailedError('no number was entered'),
	].map((e) => [e.code, e] as const))('%s is a NodeOperationError (the user must act)', (_code, error) => {
		const node = { id: '1', name: 'WeChat Web Trigger', type: 'weChatWebTrigger', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
		expect(toNodeError(node, error)).toBeInstanceOf(NodeOperationError);
	});
});
