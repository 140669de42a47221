/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 6. Memory: N messages through the whole trigger path (sync, normalize, filter,
 * checkpoint, emit) while the simulator keeps a backlog topped up. RSS and heap
 * after a warm-up and at the end (both after a GC when --expose-gc is on), and the
 * peak RSS on the way: a leak shows as growth proportional to N.
 */
import { performance } from 'node:perf_hooks';
import { startTrigger } from '../receivers';
import { loggedInClient, startSimProcess } from '../sim';
import { mb, round, type Row } from '../stats';

const WARMUP = 20_000;
const STEP = 20_000;

function settled(): { rss: number; heap: number } {
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	const m = process.memoryUsage();
	return { rss: m.rss, heap: m.heapUsed };
}

export async function memory(total: number): Promise<{ rows: Row[]; raw: unknown }> {
	const sim = await startSimProcess({ loginHoldMs: 25_000, syncHoldMs: 25_000, recordRequests: false });
	try {
		const client = await loggedInClient(sim);
		let delivered = 0;
		let injected = 0;
		let wake: (() => void) | undefined;
		let peakRss = 0;
		const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
		const before = settled();
		const receiver = await startTrigger(sim.origin, client.toJSON(), (batch) => {
			delivered += batch.length;
			wake?.();
		});
		const until = async (n: number) => {
			while (delivered < n) await new Promise<void>((r) => (wake = r));
		};
		let warm: { rss: number; heap: number } | undefined;
		const t0 = performance.now();
		try {
			while (injected < total) {
				const n = Math.min(STEP, total - injected);
				await sim.call('injectBurst', n, 'Alice', `mem ${injected}`);
				injected += n;
				// Keep at most two steps queued: the simulator's log, not ours, holds the backlog.
				await until(injected - STEP);
				if (!warm && delivered >= WARMUP) warm = settled();
			}
			await until(total);
		} finally {
			await receiver.stop();
			clearInterval(sampler);
		}
		const seconds = (performance.now() - t0) / 1000;
		const after = settled();
		const w = warm ?? before;
		const rows: Row[] = [
			{ scenario: '6 memory', metric: `RSS after ${total.toLocaleString('en-US')} msgs through the trigger (after warm-up: ${mb(w.rss)} MB)`, ours: mb(after.rss), unit: 'MB', note: `peak ${mb(peakRss)} MB` },
			{ scenario: '6 memory', metric: `heap used after ${total.toLocaleString('en-US')} msgs (after warm-up: ${mb(w.heap)} MB)`, ours: mb(after.heap), unit: 'MB', goal: 'no growth ∝ messages (< 10 MB over warm-up)', met: after.heap - w.heap < 10 * 2 ** 20 },
			{ scenario: '6 memory', metric: 'sustained rate while topped up', ours: round(total / seconds, 0), unit: 'msg/s' },
		];
		return { rows, raw: { total, seconds: round(seconds, 1), before, warm: w, after, peakRss } };
	} finally {
		await sim.close();
	}
}
