/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { parseLossless, startSim, type Wire } from './wire';

type Item = { voice_item: unknown; file_item: unknown; video_item: { video_size: number }; ref_msg: unknown };

describe('iLink simulator: getupdates', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	afterEach(() => sim.close());

	async function poll(buf: string) {
		return wire.call('getupdates', { get_updates_buf: buf });
	}

	it('answers an empty poll after the hold with ret 0, a cursor and longpolling_timeout_ms', async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		const a = await poll('');
		expect(a.json).toEqual({ ret: 0, msgs: [], get_updates_buf: expect.stringMatching(/.+/), longpolling_timeout_ms: 200 });
	});

	it('wakes a held poll when the owner writes', async () => {
		({ sim, wire } = await startSim({ updatesHoldMs: 20_000 }));
		wire.bind();
		const held = poll('');
		while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
		sim.ownerSends('hello');
		const a = await held;
		const msgs = a.json.msgs as Array<Record<string, unknown>>;
		expect(msgs).toHaveLength(1);
		expect(msgs[0].item_list).toEqual([{ type: 1, text_item: { text: 'hello' }, create_time_ms: expect.any(Number), update_time_ms: expect.any(Number), is_completed: true, msg_id: expect.any(Number) }]);
	});

	it('consumes messages on hand-out: an old cursor does not re-deliver', async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		const first = await poll('');
		const cursor0 = first.json.get_updates_buf as string;
		sim.ownerSends('one');
		const got = await poll(cursor0);
		expect((got.json.msgs as unknown[]).length).toBe(1);
		expect(sim.pendingUpdates()).toBe(0);
		const again = await poll(cursor0);
		expect(again.json.msgs).toEqual([]);
		sim.ownerSends('two');
		const later = await poll('');
		expect((later.json.msgs as Array<{ item_list: Array<{ text_item: { text: string } }> }>).map((m) => m.item_list[0].text_item.text)).toEqual(['two']);
	});

	it('in replay mode an old cursor re-delivers what came after it', async () => {
		({ sim, wire } = await startSim({ cursorMode: 'replay' }));
		wire.bind();
		const c0 = (await poll('')).json.get_updates_buf as string;
		sim.ownerSends('one');
		const a = await poll(c0);
		expect((a.json.msgs as unknown[]).length).toBe(1);
		expect(((await poll(c0)).json.msgs as unknown[]).length).toBe(1);
		expect((await poll(a.json.get_updates_buf as string)).json.msgs).toEqual([]);
	});

	it('writes message ids as bare uint64 numbers beyond 2^53', async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		const sent = sim.ownerSends('big');
		expect(BigInt(sent.messageId) > 2n ** 53n).toBe(true);
		const a = await poll('');
		expect(a.text).toContain(`"message_id":${sent.messageId}`);
		expect(a.text).toContain(`"msg_id":${sent.messageId}`);
		const rounded = (a.json.msgs as Array<{ message_id: number }>)[0].message_id;
		expect(typeof rounded).toBe('number');
		const exact = parseLossless(a.text);
		expect((exact.msgs as Array<{ message_id: string }>)[0].message_id).toBe(sent.messageId);
	});

	it('gives each message the full WeixinMessage shape with its own context_token', async () => {
		({ sim, wire } = await startSim());
		const bot = sim.bot() ?? sim.bind();
		wire.token = bot.botToken;
		const a = sim.ownerSends('a');
		const b = sim.ownerSends('b');
		expect(a.contextToken).not.toBe(b.contextToken);
		const msgs = parseLossless((await poll('')).text).msgs as Array<Record<string, unknown>>;
		expect(msgs[0]).toEqual({
			seq: 1,
			message_id: a.messageId,
			from_user_id: bot.ownerId,
			to_user_id: bot.botId,
			client_id: expect.any(String),
			create_time_ms: expect.any(Number),
			update_time_ms: expect.any(Number),
			session_id: '',
			group_id: '',
			message_type: 1,
			message_state: 2,
			context_token: a.contextToken,
			item_list: expect.any(Array),
		});
		expect(msgs[1].seq).toBe(2);
	});

	it('carries voice transcripts, files with a string len, videos and quotes', async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		const q = sim.ownerSends('quoted text');
		sim.ownerSends({ voice: { bytes: Buffer.from('#!SILK_V3'), transcript: '你好', playtimeMs: 1200 } });
		sim.ownerSends({ file: { bytes: Buffer.from('%PDF-1.4'), fileName: 'a.pdf' } });
		sim.ownerSends({ video: { bytes: Buffer.alloc(40, 1) } });
		sim.ownerSends({ text: 'reply', quote: { messageId: q.messageId } });
		sim.ownerSends({ text: 'id only', quote: { messageId: q.messageId, idOnly: true } });
		const text = (await poll('')).text;
		expect(text).toContain(`"svr_id":${q.messageId}`);
		const items = (parseLossless(text).msgs as Array<{ item_list: Item[] }>).map((m) => m.item_list[0]);
		expect(items[1].voice_item).toMatchObject({ encode_type: 6, playtime: 1200, text: '你好', media: { encrypt_type: 1 } });
		expect(items[2].file_item).toMatchObject({ file_name: 'a.pdf', len: '8' });
		expect(items[3].video_item.video_size).toBe(48);
		expect(items[4].ref_msg).toEqual({ message_item: expect.objectContaining({ type: 1, text_item: { text: 'quoted text' }, msg_id: q.messageId }), title: 'quoted text', svr_id: q.messageId });
		expect(items[5].ref_msg).toEqual({ svr_id: q.messageId });
	});

	it('answers a held poll -14 when the session goes stale', async () => {
		({ sim, wire } = await startSim({ updatesHoldMs: 20_000 }));
		wire.bind();
		const held = poll('');
		while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 1));
		sim.staleSession();
		expect((await held).json).toEqual({ errcode: -14, errmsg: 'session timeout' });
		expect((await poll('')).json).toEqual({ errcode: -14, errmsg: 'session timeout' });
	});

	it('a lost answer loses its messages (consumed when written)', async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		sim.ownerSends('lost');
		sim.fault('getupdates', { kind: 'malformed' });
		const a = await poll('');
		expect(a.json).toEqual({});
		expect(a.text.length).toBeGreaterThan(0);
		expect((await poll('')).json.msgs).toEqual([]);
	});
});
