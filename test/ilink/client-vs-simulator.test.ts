import { startIlinkSimulator } from '../../sandbox/ilink-simulator';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import { IlinkClient } from '../../lib/ilink';
import type { IlinkLoginEvent, IlinkMessage, IlinkReceiveEvent } from '../../lib/ilink';

/** The next batch with messages (skipping empty cursor-only batches). */
async function nextMessages(it: AsyncGenerator<IlinkReceiveEvent>): Promise<IlinkMessage[]> {
	for (;;) {
		const step = await it.next();
		if (step.done) throw new Error('receive ended');
		if (step.value.type === 'batch' && step.value.messages.length) return step.value.messages;
		if (step.value.type === 'stale') throw step.value.error;
	}
}

describe('IlinkClient against the iLink simulator', () => {
	let sim: IlinkSimulator;
	let client: IlinkClient;

	beforeEach(async () => {
		sim = await startIlinkSimulator({ updatesHoldMs: 200, qrHoldMs: 200 });
		client = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: sim.origin });
	});
	afterEach(async () => {
		await sim.close();
	});

	async function login(): Promise<IlinkLoginEvent[]> {
		const events: IlinkLoginEvent[] = [];
		await client.login({
			pollGapMs: 10,
			onEvent: (e) => {
				events.push(e);
				if (e.type === 'qr') sim.scan();
				if (e.type === 'scanned') sim.confirm();
			},
		});
		return events;
	}

	test('login: QR, scanned, confirmed; the session is the bound bot; no request was refused', async () => {
		const events = await login();
		expect(events.map((e) => e.type)).toEqual(['qr', 'scanned', 'confirmed']);
		const bot = sim.bot();
		expect(JSON.parse(client.toJSON())).toMatchObject({ botToken: bot?.botToken, botId: bot?.botId, ownerId: bot?.ownerId });
		expect(sim.requests.filter((r) => r.rejection || r.warnings.length)).toEqual([]);
	});

	test('receive, reply, typing, media both ways; exact ids; no request refused or warned about', async () => {
		await login();
		const owner = client.ownerId as string;
		const signal = new AbortController();
		const it = client.receive({ signal: signal.signal });
		try {
			const injected = sim.ownerSends('hello bot');
			const [msg] = await nextMessages(it);
			expect(msg).toMatchObject({ id: injected.messageId, type: 'text', text: 'hello bot', chat: { id: owner }, contextToken: injected.contextToken });

			await client.sendText(owner, 'hi owner');
			expect(await client.typing(owner)).toBe(true);
			const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(100, 7)]);
			await client.sendImage(owner, { data: png, fileName: 'a.png', mimeType: 'image/png' });
			await client.sendFile(owner, { data: Buffer.from('plain text file'), fileName: 'a.txt' });
			expect(sim.sent.map((s) => [s.itemType, s.delivered])).toEqual([[1, true], [2, true], [4, true]]);
			expect(sim.sent[1].media?.equals(png)).toBe(true);
			expect(sim.sent[2].fileName).toBe('a.txt');

			const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 0xff));
			sim.ownerSends({ file: { bytes, fileName: 'data.bin' } });
			sim.ownerSends({ image: { bytes: png, keyEncoding: 'hex', imageHexKey: false } });
			sim.ownerSends({ voice: { bytes: Buffer.from('#!SILK_V3'), transcript: 'spoken words' } });
			const got: IlinkMessage[] = [];
			while (got.length < 3) got.push(...(await nextMessages(it)));
			expect(got.map((m) => m.type)).toEqual(['file', 'image', 'voice']);
			expect((await client.download(got[0].media!)).data.equals(bytes)).toBe(true);
			expect((await client.download(got[1].media!)).data.equals(png)).toBe(true);
			expect(got[2].text).toBe('spoken words');
		} finally {
			signal.abort();
			await it.return(undefined);
		}
		expect(sim.requests.filter((r) => r.rejection || r.warnings.length).map((r) => [r.endpoint, r.rejection, r.warnings])).toEqual([]);
	});

	test('the 11th send after one owner message is refused by the client, not the server', async () => {
		await login();
		const owner = client.ownerId as string;
		const it = client.receive();
		sim.ownerSends('go');
		await nextMessages(it);
		await it.return(undefined);
		for (let i = 0; i < 10; i++) await client.sendText(owner, `n${i}`);
		await expect(client.sendText(owner, 'eleven')).rejects.toMatchObject({ code: 'QUOTA_EXHAUSTED' });
		expect(sim.sent.filter((s) => s.delivered)).toHaveLength(10);
		expect(sim.sent).toHaveLength(10);
	});

	test('a stale session ends receive with a stale event and refuses sends', async () => {
		await login();
		const events: string[] = [];
		sim.staleSession();
		for await (const e of client.receive()) events.push(e.type);
		expect(events).toEqual(['stale']);
		await expect(client.sendText(client.ownerId as string, 'x')).rejects.toMatchObject({ code: 'SESSION_STALE' });
	});
});
