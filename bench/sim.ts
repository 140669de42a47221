/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * Parent side of bench/sim-child.ts: starts the simulator process and calls its
 * control operations over IPC. Also logs our client in against it (the phone
 * approves each QR at once) for the session JSON every contender starts from.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FetchTransport, nodeClock } from '../lib/cli/node-runtime';
import { WeChatClient } from '../lib/wechat/client';
import type { InjectSpec, SimulatorOptions } from '../sandbox/simulator/api';

export interface SimHandle {
	origin: string;
	call<T = unknown>(op: string, ...args: unknown[]): Promise<T>;
	inject(spec: InjectSpec): Promise<string>;
	close(): Promise<void>;
}

/** `benchContacts`: the simulator account gets bench/fixtures.ts's contact book of that size. */
export async function startSimProcess(options: SimulatorOptions & { benchContacts?: number }, script = 'sim-child.ts'): Promise<SimHandle> {
	const child: ChildProcess = fork(path.join(__dirname, script), [], {
		// BENCH_SIM_PROFILE=1: profile the simulator too (its own .cpuprofile in bench-results/profile-sim).
		execArgv: ['-r', 'ts-node/register/transpile-only', ...(process.env.BENCH_SIM_PROFILE === '1' ? ['--cpu-prof', '--cpu-prof-dir=bench-results/profile-sim'] : [])],
		env: { ...process.env, BENCH_SIM_OPTIONS: JSON.stringify(options) },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	let nextId = 0;
	await new Promise<void>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`simulator process exited (${code})`)));
		child.on('message', (msg: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
			if (msg.ready) return resolve();
			const p = pending.get(msg.id ?? -1);
			if (!p) return;
			pending.delete(msg.id!);
			if (msg.error !== undefined) p.reject(new Error(`simulator: ${msg.error}`));
			else p.resolve(msg.result);
		});
	});
	const call = <T>(op: string, ...args: unknown[]): Promise<T> =>
		new Promise<T>((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			child.send({ id, op, args });
		});
	const origin = await call<string>('origin');
	return {
		origin,
		call,
		inject: (spec) => call<string>('inject', spec),
		close: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.disconnect();
				setTimeout(() => child.kill(), 3000).unref();
			}),
	};
}

export function benchClient(sim: SimHandle): WeChatClient {
	return new WeChatClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: sim.origin });
}

/** A fresh login (a new session: the server queues for it from now on). */
export async function loggedInClient(sim: SimHandle, opts: { loadContacts?: boolean } = {}): Promise<WeChatClient> {
	const client = benchClient(sim);
	await client.login({
		pollGapMs: 10,
		loadContacts: opts.loadContacts,
		onEvent: (e) => {
			if (e.type === 'qr') void sim.call('approve', e.uuid);
		},
	});
	return client;
}
