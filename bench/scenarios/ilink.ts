/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 10. iLink: the protocol client's receive loop (lib/ilink over FetchTransport)
 * against the raw long-poll floor (getupdates with the same headers and body,
 * JSON.parse, nothing else), on the iLink simulator in its own process.
 * Latency: one owner message at a time, each while the contender's poll is held
 * (owner sends → delivered). Burst: N owner messages land on a held poll.
 */
import { performance } from 'node:perf_hooks';
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import { IlinkClient, IlinkSession } from '../../lib/ilink';
import { baseInfo, postHeaders } from '../../lib/ilink/headers';
import { startSimProcess, type SimHandle } from '../sim';
import { interleaved, median, percentile, round, type Row } from '../stats';

interface Bot {
	botId: string;
	botToken: string;
	ownerId: string;
}

type Deliver = (texts: string[]) => void;
type Contender = (origin: string, bot: Bot, onTexts: Deliver, signal: AbortSignal) => Promise<void>;

/** Our client: restore from a bound bot, receive batches. */
const client: Contender = async (origin, bot, onTexts, signal) => {
	const c = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: origin, notify: false });
	c.restore(new IlinkSession({ ...bot, baseUrl: origin, loggedInAt: Date.now() }).toJSON());
	for await (const ev of c.receive({ signal })) if (ev.type === 'batch') onTexts(ev.messages.map((m) => m.text ?? ''));
};

/** The floor: getupdates in a loop with the cursor, nothing else. */
const floor: Contender = async (origin, bot, onTexts, signal) => {
	let buf = '';
	while (!signal.aborted) {
		const res = await fetch(`${origin}/ilink/bot/getupdates`, {
			method: 'POST',
			headers: postHeaders(nodeClock, bot.botToken),
			body: JSON.stringify({ get_updates_buf: buf, base_info: baseInfo() }),
			signal,
		});
		const data = JSON.parse(await res.text()) as { get_updates_buf?: string; msgs?: Array<{ item_list?: Array<{ text_item?: { text?: string } }> }> };
		if (data.get_updates_buf) buf = data.get_updates_buf;
		if (data.msgs?.length) onTexts(data.msgs.map((m) => m.item_list?.[0]?.text_item?.text ?? ''));
	}
};

async function withContender<T>(sim: SimHandle, run: Contender, body: (wait: (n: number) => Promise<number[]>) => Promise<T>): Promise<T> {
	const bot = await sim.call<Bot>('bind');
	const controller = new AbortController();
	const arrivals: number[] = [];
	let waiter: (() => void) | undefined;
	const loop = run(sim.origin, bot, (texts) => {
		const now = performance.now();
		for (let i = 0; i < texts.length; i++) arrivals.push(now);
		waiter?.();
	}, controller.signal).catch((err: unknown) => {
		if (!controller.signal.aborted) throw err;
	});
	const wait = (n: number) =>
		new Promise<number[]>((resolve) => {
			const check = () => (arrivals.length >= n ? resolve(arrivals.slice()) : undefined);
			waiter = check;
			check();
		});
	try {
		return await body(wait);
	} finally {
		controller.abort();
		await loop;
	}
}

async function oneAtATime(sim: SimHandle, run: Contender, count: number): Promise<number[]> {
	return withContender(sim, run, async (wait) => {
		const samples: number[] = [];
		for (let i = 0; i < count; i++) {
			const polls = await sim.call<number>('polls');
			await sim.call('waitPollAfter', polls - 1, 10_000);
			const t0 = performance.now();
			await sim.call('ownerSends', `lat ${i}`);
			const got = await wait(i + 1);
			samples.push(got[i] - t0);
			// The next message must find a held poll, as the first did.
			await sim.call('waitPollAfter', polls, 10_000);
		}
		return samples;
	});
}

async function burstOnce(sim: SimHandle, run: Contender, count: number): Promise<number> {
	return withContender(sim, run, async (wait) => {
		await sim.call('waitPollAfter', 0, 10_000);
		const t0 = performance.now();
		await sim.call('ownerBurst', count, 'burst');
		const got = await wait(count);
		return got[count - 1] - t0;
	});
}

export async function ilink(total: number, burstCount: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const sim = await startSimProcess({}, 'ilink-sim-child.ts');
	try {
		const per = Math.ceil(total / rounds);
		const [ours, base] = await interleaved(rounds, [() => oneAtATime(sim, client, per), () => oneAtATime(sim, floor, per)]);
		const [oursBurst, baseBurst] = await interleaved(rounds, [() => burstOnce(sim, client, burstCount), () => burstOnce(sim, floor, burstCount)]);
		const lat = (p: number): Row => ({
			scenario: '10 ilink',
			metric: `p${p} owner sends → delivered, protocol client (${ours.flat().length} msgs)`,
			ours: round(percentile(ours.flat(), p), 2),
			baseline: { name: 'raw long-poll floor', value: round(percentile(base.flat(), p), 2) },
			ratio: round(median(ours.map((o, r) => percentile(o, p) / percentile(base[r], p)))),
			unit: 'ms',
		});
		const rate = (ms: number[]) => round((burstCount / median(ms)) * 1000, 0);
		const rows: Row[] = [
			lat(50),
			lat(99),
			{
				scenario: '10 ilink',
				metric: `burst of ${burstCount} on a held poll: throughput, protocol client`,
				ours: rate(oursBurst),
				baseline: { name: 'raw long-poll floor', value: rate(baseBurst) },
				ratio: round(median(oursBurst.map((o, r) => baseBurst[r] / o))),
				unit: 'msg/s',
			},
		];
		return { rows, raw: { rounds, perRound: per, ours, base, oursBurst, baseBurst } };
	} finally {
		await sim.close();
	}
}
