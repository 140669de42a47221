/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code runs under plain Node, outside n8n */
/**
 * The simulator in its own process for the benchmark, so its CPU and memory never
 * count against the client being measured. The parent drives it over IPC with the
 * simulator's in-process control API.
 */
import type { InjectSpec, SimulatorOptions } from '../sandbox/simulator/api';
import { startSimulator } from '../sandbox/simulator';
import { contactBook } from './fixtures';
import { runChild, serveOps } from './ipc-child';
import { startLink, type Link } from './link';

async function main(): Promise<void> {
	// A large contact book is built here: it would not fit in the environment.
	const { benchContacts, ...options } = JSON.parse(process.env.BENCH_SIM_OPTIONS ?? '{}') as SimulatorOptions & { benchContacts?: number };
	if (benchContacts) options.account = { ...options.account, contacts: contactBook(benchContacts) };
	const sim = await startSimulator({ recordRequests: true, ...options });
	// The slow TLS links (bench/link.ts) run here too: their work must not count against the client.
	const links: Link[] = [];

	const ops: Record<string, (...args: never[]) => unknown> = {
		origin: () => sim.origin,
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
		/** TCP connections accepted and HTTP requests received so far. */
		traffic: () => sim.traffic(),
		/** Resolves once the newest session's synccheck is held (its client waits for news), or after `timeoutMs`; true if it is. */
		waitHeldSynccheck: async (timeoutMs: number) => {
			const until = Date.now() + timeoutMs;
			const sid = sim.session()?.sid;
			while (!sim.inFlight().some((r) => r.endpoint === 'synccheck' && r.query.sid === sid)) {
				if (Date.now() > until) return false;
				await new Promise((r) => setTimeout(r, 1));
			}
			return true;
		},
		/** Starts a TLS link with `oneWayMs` of delay each way in front of the simulator; its origin. */
		startLink: async (oneWayMs: number) => {
			const link = await startLink(sim.origin, { oneWayMs });
			links.push(link);
			return link.origin;
		},
		memory: () => process.memoryUsage(),
	};

	serveOps(ops, () => Promise.all(links.map((l) => l.close())).then(() => sim.close()));
}

runChild(main);
