/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 1. Latency, inject → item handed to n8n's emit (the trigger's real path), one
 * message at a time, against the floor client's inject → AddMsg on the same simulator.
 * Also what each side costs the server: TCP connections and requests per 1,000
 * messages (the simulator counts what it accepts), i.e. whether connections are reused.
 */
import { performance } from 'node:perf_hooks';
import type { SimTraffic } from '../../sandbox/simulator/api';
import type { Delivered, StartReceiver } from '../receivers';
import { startClient, startFloor, startTrigger } from '../receivers';
import { loggedInClient, type SimHandle } from '../sim';
import { interleaved, median, percentile, round, type Row } from '../stats';

const WARMUP = 20;

export interface Measured {
	samples: number[];
	/** What the simulator accepted while the measured messages went through (warm-up excluded). */
	traffic: SimTraffic;
}

export interface MeasureOptions {
	/** Where the receiver connects (default the simulator itself; bench/link.ts for a slow TLS link). */
	origin?: string;
	/** Inject only once a synccheck is held: the receiver idles, waiting for news (as it mostly does). */
	waitHeld?: boolean;
	warmup?: number;
}

export async function measure(sim: SimHandle, start: StartReceiver, tag: string, count: number, opts: MeasureOptions = {}): Promise<Measured> {
	const warmup = opts.warmup ?? WARMUP;
	const client = await loggedInClient(sim);
	const waiting = new Map<string, () => void>();
	const receiver = await start(opts.origin ?? sim.origin, client.toJSON(), (batch: Delivered[]) => {
		for (const d of batch) waiting.get(d.text)?.();
	});
	const samples: number[] = [];
	let before: SimTraffic | undefined;
	let after: SimTraffic;
	try {
		for (let i = 0; i < warmup + count; i++) {
			if (opts.waitHeld) await sim.call('waitHeldSynccheck', 5000);
			if (i === warmup) before = await sim.call<SimTraffic>('traffic');
			const text = `${tag} ${i}`;
			const delivered = new Promise<void>((resolve) => waiting.set(text, resolve));
			const t0 = performance.now();
			await sim.inject({ type: 'text', from: 'Alice', text });
			await delivered;
			const t1 = performance.now();
			waiting.delete(text);
			if (i >= warmup) samples.push(t1 - t0);
		}
		// The requests that fetched the last message and asked for the next (a held synccheck) count too.
		if (opts.waitHeld) await sim.call('waitHeldSynccheck', 5000);
		after = await sim.call<SimTraffic>('traffic');
	} finally {
		await receiver.stop();
	}
	const b = before ?? after;
	return { samples, traffic: { connections: after.connections - b.connections, requests: after.requests - b.requests } };
}

/** Per 1,000 messages. */
export const perK = (n: number, messages: number): number => round((n / messages) * 1000, 0);

export async function latency(sim: SimHandle, total: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const per = Math.ceil(total / rounds);
	const [ours, floor, lib] = await interleaved(rounds, [
		(r) => measure(sim, startTrigger, `lat-ours-${r}`, per),
		(r) => measure(sim, startFloor, `lat-floor-${r}`, per),
		(r) => measure(sim, startClient, `lat-client-${r}`, per),
	]);
	const s = (side: Measured[]) => side.map((m) => m.samples);
	/** Percentile `p` of `side` (all rounds pooled) against the floor's, with the median of the per-round ratios. */
	const row = (side: number[][], p: number, metric: string, goal?: number): Row => {
		const ratio = median(side.map((o, r) => percentile(o, p) / percentile(s(floor)[r], p)));
		return {
			scenario: '1 latency',
			metric,
			ours: round(percentile(side.flat(), p), 2),
			baseline: { name: 'raw floor', value: round(percentile(s(floor).flat(), p), 2) },
			ratio: round(ratio),
			unit: 'ms',
			...(goal === undefined ? {} : { goal: `≤ ${goal}× floor`, met: ratio <= goal }),
		};
	};
	const traffic = (side: Measured[]) => {
		const n = side.reduce((a, m) => a + m.samples.length, 0);
		return { connections: perK(side.reduce((a, m) => a + m.traffic.connections, 0), n), requests: perK(side.reduce((a, m) => a + m.traffic.requests, 0), n) };
	};
	const conn = (side: Measured[], metric: string): Row => ({
		scenario: '1 latency',
		metric,
		ours: `${traffic(side).connections} conns, ${traffic(side).requests} reqs`,
		baseline: { name: 'raw floor', value: `${traffic(floor).connections} conns, ${traffic(floor).requests} reqs` },
		unit: 'per 1,000 msgs',
	});
	const rows: Row[] = [
		row(s(ours), 50, `p50 inject→emit (${s(ours).flat().length} msgs)`, 1.2),
		row(s(ours), 99, 'p99 inject→emit', 2),
		row(s(lib), 50, 'p50, protocol client alone (no n8n: FetchTransport, no trigger)'),
		conn(ours, 'TCP connections and requests the server accepted, trigger'),
		conn(lib, 'TCP connections and requests the server accepted, protocol client alone'),
	];
	return {
		rows,
		raw: {
			rounds,
			perRound: per,
			oursP50: s(ours).map((o) => percentile(o, 50)),
			floorP50: s(floor).map((f) => percentile(f, 50)),
			oursP99: s(ours).map((o) => percentile(o, 99)),
			floorP99: s(floor).map((f) => percentile(f, 99)),
			clientP50: s(lib).map((o) => percentile(o, 50)),
			traffic: { trigger: ours.map((m) => m.traffic), floor: floor.map((m) => m.traffic), client: lib.map((m) => m.traffic) },
		},
	};
}
