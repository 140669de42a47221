/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * The simulator in its own process for the benchmark, so its CPU and memory never
 * count against the client being measured. The parent drives it over IPC with the
 * simulator's in-process control API; a plain sink server on a second port swallows
 * uploads for the raw-copy baseline.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectSpec, SimulatorOptions } from '../test/simulator/api';
import { startSimulator } from '../test/simulator';

type Call = { id: number; op: string; args: unknown[] };

async function main(): Promise<void> {
	const options = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as SimulatorOptions;
	const sim = await startSimulator({ recordRequests: true, ...options });
	const sink = createServer((req, res) => {
		let n = 0;
		req.on('data', (c: Buffer) => (n += c.length));
		req.on('end', () => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ received: n }));
		});
	});
	await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
	const sinkOrigin = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

	const ops: Record<string, (...args: any[]) => unknown> = {
		origins: () => ({ origin: sim.origin, sink: sinkOrigin }),
		/** The phone scans and confirms the login behind this uuid. */
		approve: (uuid: string) => {
			sim.scan(uuid);
			sim.confirm(uuid);
		},
		inject: (spec: InjectSpec) => sim.inject(spec).msgId,
		/** `count` texts from `from`, numbered, in one go (a backlog piling up while nobody polls). */
		injectBurst: (count: number, from: string, prefix: string) => {
			const ids: string[] = [];
			for (let i = 0; i < count; i++) ids.push(sim.inject({ type: 'text', from, text: `${prefix} ${i}` }).msgId);
			return ids;
		},
		injectMany: (specs: InjectSpec[]) => sim.injectMany(specs).map((m) => m.msgId),
		injectMedia: (spec: InjectSpec) => {
			const m = sim.inject(spec);
			return { msgId: m.msgId, size: m.mediaSize, sha256: m.mediaSha256 };
		},
		userName: (name: string) => sim.userName(name),
		selfUserName: () => sim.selfUserName(),
		requestCount: (endpoint: string) => sim.requests.filter((r) => r.endpoint === endpoint).length,
		lastUpload: () => {
			const u = sim.uploads[sim.uploads.length - 1];
			return u ? { size: u.size, sha256: u.sha256, chunks: u.chunks } : null;
		},
		resetLogs: () => sim.resetLogs(),
		memory: () => process.memoryUsage(),
	};

	process.on('message', (msg: Call) => {
		Promise.resolve()
			.then(() => {
				const fn = ops[msg.op];
				if (!fn) throw new Error(`unknown op ${msg.op}`);
				return fn(...msg.args);
			})
			.then(
				(result) => process.send?.({ id: msg.id, result }),
				(err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
			);
	});
	process.on('disconnect', () => {
		void sim.close().finally(() => process.exit(0));
	});
	process.send?.({ ready: true });
}

main().catch((err: unknown) => {
	process.stderr.write(`bench simulator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
	process.exit(1);
});
