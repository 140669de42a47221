/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- benchmark code runs under plain Node, outside n8n */
/**
 * The hot path under the profiler: drains a burst through the trigger (as scenario
 * 2) and normalizes the message mix (as scenario 3) in this process while the
 * simulator runs in its own. Run with `npm run bench:profile`; it writes a
 * .cpuprofile to bench-results/profile/ and prints the functions with the most
 * self time (open the file in Chrome DevTools for the tree). BENCH_PROFILE=trigger,
 * =latency (one message at a time; add ,client for the protocol client alone)
 * or =normalize profiles one part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startClient, startTrigger } from './receivers';
import { measure } from './scenarios/latency';
import { normalize } from './scenarios/normalize';
import { loggedInClient, startSimProcess } from './sim';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}

/** Self-time share per function of the newest profile in `dir`. */
export function topSelfTime(dir: string, limit = 25): Array<{ share: number; fn: string }> {
	const files = readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile'))
		.sort();
	const prof = JSON.parse(readFileSync(path.join(dir, files[files.length - 1]), 'utf8')) as { nodes: ProfileNode[] };
	const byFn = new Map<string, number>();
	let total = 0;
	for (const n of prof.nodes) {
		const hits = n.hitCount ?? 0;
		total += hits;
		const where = n.callFrame.url ? `${n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '')}:${n.callFrame.lineNumber + 1}` : '';
		const key = `${n.callFrame.functionName || '(anonymous)'} ${where}`;
		byFn.set(key, (byFn.get(key) ?? 0) + hits);
	}
	return [...byFn.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, limit)
		.map(([fn, hits]) => ({ share: hits / total, fn }));
}

async function main(): Promise<void> {
	const count = Number(process.env.BENCH_PROFILE_MSGS ?? 20_000);
	const what = process.env.BENCH_PROFILE ?? 'trigger,normalize';
	const sim = await startSimProcess({ loginHoldMs: 25_000, syncHoldMs: 25_000, recordRequests: false });
	try {
		for (let round = 0; what.includes('trigger') && round < 2; round++) {
			const client = await loggedInClient(sim);
			await sim.call('injectBurst', count, 'Alice', `prof-${round}:`);
			let got = 0;
			let done!: () => void;
			const finished = new Promise<void>((r) => (done = r));
			const t0 = performance.now();
			const receiver = await (what.includes('client') ? startClient : startTrigger)(sim.origin, client.toJSON(), (batch) => {
				got += batch.length;
				if (got >= count) done();
			});
			await finished;
			console.log(`${what.includes('client') ? 'client' : 'trigger'} drained ${count} in ${Math.round(performance.now() - t0)} ms`);
			await receiver.stop();
		}
		if (what.includes('latency')) {
			const { samples } = await measure(sim, what.includes('client') ? startClient : startTrigger, 'prof-latency', 2000);
			console.log(`latency: ${samples.length} messages one at a time, ${Math.round(samples.reduce((a, b) => a + b, 0))} ms in all`);
		}
		if (what.includes('normalize')) {
			const n = await normalize(sim, 200_000, 3);
			console.log(`normalize: ${String(n.rows[0].ours)} msg/s`);
		}
	} finally {
		await sim.close();
	}
}

if (process.argv[2] === '--report') {
	for (const { share, fn } of topSelfTime(process.argv[3] ?? 'bench-results/profile')) console.log(`${(share * 100).toFixed(1).padStart(5)}%  ${fn}`);
} else {
	main().then(
		() => process.exit(0),
		(err: unknown) => {
			console.error(err);
			process.exit(1);
		},
	);
}
