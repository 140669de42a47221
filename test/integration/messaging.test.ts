/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Receiving, sending and media through the simulator: every message type, a
 * 2,000-message backlog, downloads checked by hash, uploads, revoke, pacing,
 * and each fault kind with recovery (no loss, no duplicate).
 */
import { createHash } from 'node:crypto';
import { RateLimitedError } from '../../lib/wechat/errors';
import type { WeChatClient } from '../../lib/wechat/client';
import type { WeChatMessage } from '../../lib/wechat/types';
import type { FaultKind, InjectSpec, Simulator } from '../../sandbox/simulator/api';
import { collectMessages, loginWithPhone, makeClient, startSim } from '../helpers/sim-client';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const FAST_PACING = { minIntervalMs: 0, jitterMs: 0, maxPerMinute: 10000 };

async function ready(options: Parameters<typeof startSim>[0] = {}, clientOptions = {}): Promise<{ sim: Simulator; client: WeChatClient }> {
	const sim = await startSim(options);
	const client = makeClient(sim, { pacing: FAST_PACING, ...clientOptions });
	await loginWithPhone(client, sim);
	return { sim, client };
}

describe('receiving', () => {
	let sim: Simulator;
	let client: WeChatClient;
	afterEach(async () => sim?.close());

	it('normalizes every message type the simulator can send', async () => {
		({ sim, client } = await ready());
		const specs: Array<[InjectSpec, WeChatMessage['type']]> = [
			[{ type: 'text', from: 'Alice', text: 'hello <world> & "you"' }, 'text'],
			[{ type: 'text', from: 'Bob', group: 'Sandbox Group', text: 'hi all', mentions: ['Me In Group'] }, 'text'],
			[{ type: 'image', from: 'Alice' }, 'image'],
			[{ type: 'voice', from: 'Alice' }, 'voice'],
			[{ type: 'video', from: 'Alice' }, 'video'],
			[{ type: 'microvideo', from: 'Alice' }, 'microvideo'],
			[{ type: 'emoticon', from: 'Alice' }, 'emoticon'],
			[{ type: 'file', from: 'Carol', fileName: 'report.pdf', size: 3000 }, 'file'],
			[{ type: 'link', from: 'Alice', title: 'News', url: 'https://example.com/a' }, 'link'],
			[{ type: 'music', from: 'Alice', title: 'Song', url: 'https://example.com/s' }, 'music'],
			[{ type: 'miniProgram', from: 'Alice', title: 'Mini' }, 'miniProgram'],
			[{ type: 'card', from: 'Alice', nickName: 'Dave' }, 'card'],
			[{ type: 'location', from: 'Alice', label: 'Somewhere', lat: 39.9, lng: 116.4 }, 'location'],
			[{ type: 'friendRequest', nickName: 'Stranger', greeting: 'add me' }, 'friendRequest'],
			[{ type: 'system', group: 'Sandbox Group', text: '"Bob" invited "Eve" to the group chat' }, 'system'],
		];
		const injected = specs.map(([spec]) => sim.inject(spec));
		const revokeOf = sim.inject({ type: 'revoke', from: 'Alice', msgId: injected[0].msgId });
		const got = await collectMessages(client, specs.length + 1);
		const byId = new Map(got.map((m) => [m.id, m]));
		specs.forEach(([, type], i) => expect(byId.get(injected[i].msgId)?.type).toBe(type));
		const text = byId.get(injected[0].msgId) as WeChatMessage;
		expect(text.text).toBe('hello <world> & "you"');
		expect(text.chat.name).toBe('Ali');
		expect(text.fromMe).toBe(false);
		const group = byId.get(injected[1].msgId) as WeChatMessage;
		expect(group.isGroup).toBe(true);
		expect(group.chat.name).toBe('Sandbox Group');
		expect(group.sender.name).toBe('Bob');
		expect(group.text).toContain('hi all');
		expect(group.mentionsMe).toBe(true);
		const file = byId.get(injected[7].msgId) as WeChatMessage;
		expect(file.media?.fileName).toBe('report.pdf');
		expect(file.media?.kind).toBe('file');
		expect(byId.get(revokeOf.msgId)?.type).toBe('revoke');
		expect(byId.get(revokeOf.msgId)?.details.revokedMsgId).toBe(injected[0].msgId);
		// Each message once.
		expect(got.length).toBe(new Set(got.map((m) => m.id)).size);
	});

	it('receives a 2,000-message backlog complete, once and in order via ContinueFlag', async () => {
		({ sim, client } = await ready({ syncPageSize: 50 }));
		const injected = sim.injectMany(Array.from({ length: 2000 }, (_, i) => ({ type: 'text' as const, from: 'Alice', text: `n${i}` })));
		const got = await collectMessages(client, 2000, 60000);
		expect(got.map((m) => m.id)).toEqual(injected.map((m) => m.msgId));
		const syncs = sim.requests.filter((r) => r.endpoint === 'webwxsync').length;
		expect(syncs).toBeGreaterThanOrEqual(40);
		const checks = sim.requests.filter((r) => r.endpoint === 'synccheck').length;
		expect(checks).toBeLessThan(syncs);
	});

	it('marks own messages from the phone and skips history from before the login', async () => {
		({ sim, client } = await ready({ historyOnLogin: 3 }));
		const mine = sim.inject({ type: 'text', fromMe: true, to: 'Alice', text: 'sent from phone' });
		const theirs = sim.inject({ type: 'text', from: 'Alice', text: 'reply' });
		const got = await collectMessages(client, 2);
		expect(got.map((m) => m.id)).toEqual([mine.msgId, theirs.msgId]);
		expect(got[0].fromMe).toBe(true);
		expect(got[0].chat.name).toBe('Ali');
	});

	const faults: Array<[string, Parameters<Simulator['fault']>[0], FaultKind]> = [
		['synccheck HTTP 500', 'synccheck', { kind: 'status', status: 500 }],
		['synccheck HTTP 502', 'synccheck', { kind: 'status', status: 502 }],
		['synccheck connection reset', 'synccheck', { kind: 'reset' }],
		['synccheck malformed', 'synccheck', { kind: 'malformed' }],
		['synccheck truncated', 'synccheck', { kind: 'truncated' }],
		['synccheck empty', 'synccheck', { kind: 'empty' }],
		['synccheck selector spin', 'synccheck', { kind: 'selectorSpin' }],
		['webwxsync HTTP 500', 'webwxsync', { kind: 'status', status: 500 }],
		['webwxsync reset', 'webwxsync', { kind: 'reset' }],
		['webwxsync malformed', 'webwxsync', { kind: 'malformed' }],
		['webwxsync truncated', 'webwxsync', { kind: 'truncated' }],
		['webwxsync empty', 'webwxsync', { kind: 'empty' }],
		['webwxsync Ret -1', 'webwxsync', { kind: 'ret', ret: -1 }],
	];

	it.each(faults)('recovers from %s with nothing lost or duplicated', async (_name, endpoint, fault) => {
		({ sim, client } = await ready());
		const before = sim.injectMany([1, 2, 3].map((i) => ({ type: 'text' as const, from: 'Bob', text: `before ${i}` })));
		sim.fault(endpoint, fault, 3);
		const types: string[] = [];
		const all = collectMessages(client, 6, 20000, (t) => types.push(t));
		setTimeout(() => sim.injectMany([1, 2, 3].map((i) => ({ type: 'text' as const, from: 'Bob', text: `after ${i}` }))), 300);
		const got = await all;
		expect(got.map((m) => m.text)).toEqual(['before 1', 'before 2', 'before 3', 'after 1', 'after 2', 'after 3']);
		expect(got[0].id).toBe(before[0].msgId);
		if (fault.kind !== 'selectorSpin') expect(types).toContain('retrying');
	});

	it('recovers from a synccheck that hangs past the client timeout', async () => {
		({ sim, client } = await ready());
		sim.fault('synccheck', { kind: 'hang' }, 1);
		const controller = new AbortController();
		const got: WeChatMessage[] = [];
		const types: string[] = [];
		setTimeout(() => sim.inject({ type: 'text', from: 'Bob', text: 'after hang' }), 100);
		const timer = setTimeout(() => controller.abort(), 15000);
		for await (const ev of client.receive({ signal: controller.signal, syncCheckTimeoutMs: 1000, backoffBaseMs: 20, backoffCapMs: 100 })) {
			types.push(ev.type);
			if (ev.type === 'messages') got.push(...ev.messages);
			if (got.length) break;
		}
		clearTimeout(timer);
		expect(got.map((m) => m.text)).toEqual(['after hang']);
		expect(types[0]).toBe('retrying');
	});

	it('a restore from an older checkpoint re-delivers nothing already seen and misses nothing', async () => {
		({ sim, client } = await ready());
		sim.injectMany([1, 2].map((i) => ({ type: 'text' as const, from: 'Bob', text: `a${i}` })));
		await collectMessages(client, 2);
		const checkpoint = client.toJSON();
		// More arrive; the process "crashes" after receiving but before saving its session.
		sim.injectMany([1, 2].map((i) => ({ type: 'text' as const, from: 'Bob', text: `b${i}` })));
		await collectMessages(client, 2);
		sim.injectMany([1].map((i) => ({ type: 'text' as const, from: 'Bob', text: `c${i}` })));
		const restarted = makeClient(sim);
		await restarted.restore(checkpoint);
		const got = await collectMessages(restarted, 3);
		expect(got.map((m) => m.text)).toEqual(['b1', 'b2', 'c1']);
	});
});

describe('sending and media', () => {
	let sim: Simulator;
	let client: WeChatClient;
	afterEach(async () => sim?.close());

	it('sends text to a contact chosen by name and revokes it', async () => {
		({ sim, client } = await ready());
		const to = client.resolveContact('Alice').UserName;
		const sent = await client.sendText(to, 'Hello 👋\nsecond line');
		const record = sim.sent.find((s) => s.msgId === sent.msgId);
		expect(record?.to).toBe(to);
		expect(record?.content).toBe('Hello 👋\nsecond line');
		expect(record?.clientMsgId).toMatch(/^\d{17}$/);
		await client.revoke(to, sent.msgId, sent.clientMsgId);
		expect(sim.sent.find((s) => s.msgId === sent.msgId)?.revoked).toBe(true);
	});

	it.each([
		['photo.jpg', 'image', 300_000, 'webwxsendmsgimg'],
		['clip.mp4', 'video', 1_300_000, 'webwxsendvideomsg'],
		['report.pdf', 'file', 1_200_000, 'webwxsendappmsg'],
		['funny.gif', 'emoticon', 40_000, 'webwxsendemoticon'],
	])('uploads and sends %s as %s (chunked when > 512 KiB)', async (fileName, kind, size, endpoint) => {
		({ sim, client } = await ready());
		const bytes = new Uint8Array(size);
		for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
		const sent = await client.sendFile(client.resolveContact('Bob').UserName, { bytes, fileName });
		expect(sent.kind).toBe(kind);
		const upload = sim.uploads.find((u) => u.mediaId === sent.mediaId);
		expect(upload?.sha256).toBe(sha256(bytes));
		expect(upload?.chunks).toBe(Math.ceil(size / 524288));
		expect(sim.sent.find((s) => s.msgId === sent.msgId)?.endpoint).toBe(endpoint);
		expect(sha256(sim.uploadedBytes(sent.mediaId))).toBe(sha256(bytes));
	});

	it('uploads from a streamed source read twice, re-cut into 512 KiB chunks whatever the pieces', async () => {
		({ sim, client } = await ready());
		const size = 1_700_000;
		const bytes = new Uint8Array(size);
		for (let i = 0; i < size; i++) bytes[i] = (i * 13 + 5) & 0xff;
		let opened = 0;
		// Odd piece sizes: the chunks must still be exactly 512 KiB (the last one shorter).
		const open = function* () {
			opened++;
			for (let off = 0; off < size; off += 70_001) yield bytes.subarray(off, Math.min(size, off + 70_001));
		};
		const sent = await client.sendFile(client.resolveContact('Bob').UserName, { source: { size, open }, fileName: 'stream.pdf' });
		expect(opened).toBe(2);
		const upload = sim.uploads.find((u) => u.mediaId === sent.mediaId);
		expect(upload?.chunks).toBe(Math.ceil(size / 524288));
		expect(sha256(sim.uploadedBytes(sent.mediaId))).toBe(sha256(bytes));
	});

	it('refuses a streamed source that yields other than the announced size', async () => {
		({ sim, client } = await ready());
		const open = function* () {
			yield new Uint8Array(1000);
		};
		await expect(client.sendFile(client.resolveContact('Bob').UserName, { source: { size: 2000, open }, fileName: 'short.bin' })).rejects.toThrow(/gave 1000 bytes while 2000 were announced/);
		expect(sim.uploads).toHaveLength(0);
	});

	it('re-sends a received sticker by its md5; an unknown md5 is refused', async () => {
		({ sim, client } = await ready());
		sim.inject({ type: 'emoticon', from: 'Alice' });
		const [sticker] = await collectMessages(client, 1);
		const md5 = sticker.details.md5 as string;
		expect(md5).toMatch(/^[0-9a-f]{32}$/);
		const sent = await client.sendEmoticon(client.resolveContact('Bob').UserName, { md5 });
		expect(sim.sent.find((s) => s.msgId === sent.msgId)?.type).toBe(47);
		await expect(client.sendEmoticon(client.resolveContact('Bob').UserName, { md5: 'f'.repeat(32) })).rejects.toThrow(/Ret 1/);
	});

	it('downloads every media kind with the bytes the server holds', async () => {
		({ sim, client } = await ready());
		const injected = [
			sim.inject({ type: 'image', from: 'Alice', size: 20000 }),
			sim.inject({ type: 'voice', from: 'Alice', size: 8000 }),
			sim.inject({ type: 'video', from: 'Alice', size: 700000 }),
			sim.inject({ type: 'microvideo', from: 'Alice', size: 90000 }),
			sim.inject({ type: 'emoticon', from: 'Alice', size: 5000 }),
			sim.inject({ type: 'file', from: 'Alice', fileName: 'data.bin', size: 600000 }),
			sim.inject({ type: 'file', from: 'Bob', group: 'Sandbox Group', fileName: 'group.txt', size: 100 }),
		];
		const got = await collectMessages(client, injected.length);
		for (const inj of injected) {
			const m = got.find((g) => g.id === inj.msgId) as WeChatMessage;
			expect(m.media).toBeDefined();
			const buf = await client.downloadBuffer(m.media as NonNullable<WeChatMessage['media']>);
			expect(sha256(buf.data)).toBe(inj.mediaSha256);
		}
		const video = sim.requests.find((r) => r.endpoint === 'webwxgetvideo');
		expect(video?.headers.range).toBe('bytes=0-');
		const file = sim.requests.find((r) => r.endpoint === 'webwxgetmedia');
		expect(file?.host).toBe(client.session?.hosts.file);
	});

	it('an unavailable video is an error, never an empty file', async () => {
		({ sim, client } = await ready());
		sim.inject({ type: 'video', from: 'Alice', unavailable: true });
		const [m] = await collectMessages(client, 1);
		await expect(client.downloadBuffer(m.media as NonNullable<WeChatMessage['media']>)).rejects.toThrow(/not|empty|unavailable/i);
	});

	it('paces bursts so the server never answers 1205, and backs off if it does', async () => {
		sim = await startSim({ sendBurst: { max: 3, windowMs: 2000 } });
		client = makeClient(sim, { pacing: { minIntervalMs: 700, jitterMs: 0, maxPerMinute: 1000, rateLimitRetries: 3, rateLimitBackoffMs: 500 } });
		await loginWithPhone(client, sim);
		const to = client.resolveContact('Carol').UserName;
		const results = await Promise.all([1, 2, 3, 4, 5].map((i) => client.sendText(to, `burst ${i}`)));
		expect(results.map((r) => r.msgId).every(Boolean)).toBe(true);
		expect(sim.sent.filter((s) => s.to === to).map((s) => s.content)).toEqual(['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5']);
		// Starts at least 700 ms apart.
		const starts = sim.requests.filter((r) => r.endpoint === 'webwxsendmsg').map((r) => r.startedAt);
		for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(650);
	}, 30000);

	it('surfaces a persistent 1205 as a RateLimitedError after bounded retries', async () => {
		sim = await startSim({ sendBurst: { max: 1, windowMs: 60000 } });
		client = makeClient(sim, { pacing: { minIntervalMs: 0, jitterMs: 0, rateLimitRetries: 2, rateLimitBackoffMs: 50, rateLimitBackoffCapMs: 100 } });
		await loginWithPhone(client, sim);
		const to = client.resolveContact('Carol').UserName;
		await client.sendText(to, 'first');
		const err = await client.sendText(to, 'second').catch((e) => e);
		expect(err).toBeInstanceOf(RateLimitedError);
		expect(sim.requests.filter((r) => r.endpoint === 'webwxsendmsg').length).toBe(4);
	});
});
