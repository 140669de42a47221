/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- benchmark code runs under plain Node, outside n8n */
/**
 * `npm run bench`: every scenario runs ours and its comparison side by side in
 * interleaved rounds on the loopback simulator; prints a table of medians and
 * ratios and writes it to bench-results/. BENCH_QUICK=1 shrinks every size;
 * BENCH_HOSTILE_KB sets scenario 7's smaller input (default 100, against 10× that);
 * BENCH_ONLY=1,3 runs some scenarios only. Not part of the tests. Scenario 8 puts a TLS link
 * with BENCH_LINK_ONE_WAY_MS (default 25) each way in front of the simulator
 * (BENCH_LINK_MSGS, BENCH_LINK_ROUNDS); 9 times one request through each layer of the trigger's
 * request path (BENCH_REQUEST_PATH_N). The goals come last, as a table of their own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { burst } from './scenarios/burst';
import { contacts } from './scenarios/contacts';
import { hostileText } from './scenarios/hostile-text';
import { ilink } from './scenarios/ilink';
import { latency } from './scenarios/latency';
import { link } from './scenarios/link';
import { media, uploadBuffered, uploadStreamed } from './scenarios/media';
import { memory } from './scenarios/memory';
import { normalize } from './scenarios/normalize';
import { helperBounds, requestPath } from './scenarios/request-path';
import { startSimProcess } from './sim';
import type { Row } from './stats';
import { formatGoals, formatTable } from './table';

const QUICK = process.env.BENCH_QUICK === '1';
const num = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
const only = new Set((process.env.BENCH_ONLY ?? '1,2,3,4,5,6,7,8,9,10').split(',').map((s) => s.trim()));

async function main(): Promise<void> {
	const started = Date.now();
	const loadAtStart = os.loadavg()[0];
	const rows: Row[] = [];
	const raw: Record<string, unknown> = {};
	const sim = await startSimProcess({ loginHoldMs: 25_000, syncHoldMs: 25_000, recordRequests: false });
	try {
		const scenarios: Array<[id: string, name: string, run: () => Promise<{ rows: Row[]; raw: unknown }>]> = [
			['1', 'latency', () => latency(sim, num('BENCH_LATENCY_MSGS', 1000, 200), num('BENCH_ROUNDS', 5, 2))],
			['2', 'burst', () => burst(sim, num('BENCH_BURST_MSGS', 10_000, 2_000), num('BENCH_ROUNDS', 5, 2))],
			['3', 'normalize', () => normalize(sim, num('BENCH_NORMALIZE_MSGS', 200_000, 50_000), num('BENCH_ROUNDS', 5, 2))],
			['4', 'contacts', () => contacts(num('BENCH_CONTACTS', 10_000, 2_000), 1000, 500, num('BENCH_ROUNDS', 3, 2))],
			[
				'5',
				'media',
				() =>
					media(
						num('BENCH_DOWNLOAD_MB', 200, 40) * 2 ** 20,
						num('BENCH_UPLOAD_MB', 100, 30) * 2 ** 20,
						num('BENCH_ROUNDS', 3, 2),
						process.env.BENCH_UPLOAD_BUFFERED === '1' ? uploadBuffered : uploadStreamed,
					),
			],
			['6', 'memory', () => memory(num('BENCH_MEMORY_MSGS', 1_000_000, 100_000))],
			['7', 'hostile-text', () => hostileText(num('BENCH_HOSTILE_KB', 100, 100) * 1000)],
			['9', 'request-path', () => requestPath(sim, num('BENCH_REQUEST_PATH_N', 2000, 500), num('BENCH_REQUEST_PATH_ROUNDS', 10, 5))],
			['10', 'ilink', () => ilink(num('BENCH_ILINK_MSGS', 300, 60), num('BENCH_ILINK_BURST', 2000, 500), num('BENCH_ROUNDS', 5, 2))],
			['8', 'link', () => link(sim, num('BENCH_LINK_MSGS', 90, 20), num('BENCH_LINK_ROUNDS', 3, 2), num('BENCH_LINK_ONE_WAY_MS', 25, 25))],
		];
		for (const [id, name, run] of scenarios) {
			if (!only.has(id)) continue;
			const r = await run();
			rows.push(...r.rows);
			raw[name] = r.raw;
			console.log(formatTable(r.rows));
		}
		const bounds = helperBounds(raw);
		if (bounds.length) console.log(formatTable(bounds));
		rows.push(...bounds);
	} finally {
		await sim.close();
	}
	const result = {
		command: [
			...Object.entries(process.env)
				.filter(([k]) => k.startsWith('BENCH_'))
				.map(([k, v]) => `${k}=${v}`),
			'npm run bench',
		].join(' '),
		date: new Date().toISOString(),
		machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}`, memGb: Math.round(os.totalmem() / 2 ** 30), loadAvg1m: { start: loadAtStart, end: os.loadavg()[0] } },
		seconds: Math.round((Date.now() - started) / 1000),
		rows,
		raw,
	};
	mkdirSync('bench-results', { recursive: true });
	const file = path.join('bench-results', `bench-${result.date.replace(/[:.]/g, '-')}.json`);
	writeFileSync(file, JSON.stringify(result, null, 2));
	writeFileSync(path.join('bench-results', 'latest.json'), JSON.stringify(result, null, 2));
	console.log(`\n${formatTable(rows)}\n`);
	console.log(`Goals:\n\n${formatGoals(rows)}\n`);
	console.log(
		`machine: ${result.machine.cpus} cores (${result.machine.cpuModel}), node ${result.machine.node}, ${result.date}; load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}; ${result.seconds} s; JSON: ${file}`,
	);
	process.exit(0);
}

main().catch((err: unknown) => {
	console.error(err);
	process.exit(1);
});
