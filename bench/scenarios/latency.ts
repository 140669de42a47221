/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 1. Latency, inject → item handed to n8n's emit (the trigger's real path), one
 * message at a time, against the floor client's inject → AddMsg on the same simulator.
 */
import { performance } from 'node:perf_hooks';
import type { Delivered, StartReceiver } from '../receivers';
import { startClient, startFloor, startTrigger } from '../receivers';
import { loggedInClient, type SimHandle } from '../sim';
import { interleaved, median, percentile, round, type Row } from '../stats';

const WARMUP = 20;

export async function measure(sim: SimHandle, start: StartReceiver, tag: string, count: number): Promise<number[]> {
	const client = await loggedInClient(sim);
	const waiting = new Map<string, () => void>();
	const receiver = await start(sim.origin, client.toJSON(), (batch: Delivered[]) => {
		for (const d of batch) waiting.get(d.text)?.();
	});
	const samples: number[] = [];
	try {
		for (let i = 0; i < WARMUP + count; i++) {
			const text = `${tag} ${i}`;
			const delivered = new Promise<void>((resolve) => waiting.set(text, resolve));
			const t0 = performance.now();
			await sim.inject({ type: 'text', from: 'Alice', text });
			await delivered;
			const t1 = performance.now();
			waiting.delete(text);
			if (i >= WARMUP) samples.push(t1 - t0);
		}
	} finally {
		await receiver.stop();
	}
	return samples;
}

export async function latency(sim: SimHandle, total: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const per = Math.ceil(total / rounds);
	const [ours, floor, lib] = await interleaved(rounds, [
		(r) => measure(sim, startTrigger, `lat-ours-${r}`, per),
		(r) => measure(sim, startFloor, `lat-floor-${r}`, per),
		(r) => measure(sim, startClient, `lat-client-${r}`, per),
	]);
	/** Percentile `p` of `side` (all rounds pooled) against the floor's, with the median of the per-round ratios. */
	const row = (side: number[][], p: number, metric: string, goal?: number): Row => {
		const ratio = median(side.map((o, r) => percentile(o, p) / percentile(floor[r], p)));
		return {
			scenario: '1 latency',
			metric,
			ours: round(percentile(side.flat(), p), 2),
			baseline: { name: 'raw floor', value: round(percentile(floor.flat(), p), 2) },
			ratio: round(ratio),
			unit: 'ms',
			...(goal === undefined ? {} : { goal: `≤ ${goal}× floor`, met: ratio <= goal }),
		};
	};
	const rows: Row[] = [
		row(ours, 50, `p50 inject→emit (${ours.flat().length} msgs)`, 1.2),
		row(ours, 99, 'p99 inject→emit', 2),
		row(lib, 50, 'p50, protocol client alone (no n8n: FetchTransport, no trigger)'),
	];
	return { rows, raw: { rounds, perRound: per, oursP50: ours.map((o) => percentile(o, 50)), floorP50: floor.map((f) => percentile(f, 50)), oursP99: ours.map((o) => percentile(o, 99)), floorP99: floor.map((f) => percentile(f, 99)), clientP50: lib.map((o) => percentile(o, 50)) } };
}
