/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * One n8n per line for the whole end-to-end run (action, trigger, editor and
 * restart suites; launcher.e2e.ts runs `npm start` itself and keeps its own).
 *
 * The first suite that asks for a line starts it (package packed once per run,
 * owner and API key made once) and writes its port, user folder, pid and API
 * key to STATE_FILE; later suites attach to it. A suite may restart it (SIGTERM
 * to its process group, then `n8n start` with the same user folder): the new pid
 * goes to the file. A suite that left it stopped leaves it to be started again
 * by the next one. globalTeardown stops whatever the file names; globalSetup
 * first clears what a killed earlier run left behind. Each suite keeps its own
 * data: its own credentials, workflows (unique ids and names), simulator, sink.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { alive, signalGroup, stopProcessGroup } from '../../sandbox/launcher/commands';
import { ensureN8n, installPackage, N8nInstance, OWNER, packPackage, ROOT, RUNTIME, sleep, type N8nLine } from '../../sandbox/launcher/n8n-instance';

export const STATE_FILE = path.join(ROOT, '.e2e', 'shared-n8n.json');
const PORTS: Record<N8nLine, number> = { '1': 5691, '2': 5692 };

interface LineState {
	port: number;
	userFolder: string;
	/** The n8n process (leader of its process group); 0 while stopped. */
	pid: number;
	apiKey: string;
}

interface State {
	/** The jest process of the run this state belongs to. */
	owner: number;
	tgz?: string;
	lines: Partial<Record<N8nLine, LineState>>;
}

function readState(): State | null {
	try {
		return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State;
	} catch {
		return null;
	}
}

function writeState(state: State): void {
	mkdirSync(path.dirname(STATE_FILE), { recursive: true });
	writeFileSync(STATE_FILE, JSON.stringify(state, null, 2), { mode: 0o600 });
}

function updateLine(line: N8nLine, change: Partial<LineState>): void {
	const state = readState();
	if (!state?.lines[line]) throw new Error(`shared n8n: no state for line ${line} in ${STATE_FILE}`);
	state.lines[line] = { ...(state.lines[line] as LineState), ...change };
	writeState(state);
}

/** An n8n process of ours (not a recycled pid of some other program). */
function isN8n(pid: number): boolean {
	if (!pid || !alive(pid)) return false;
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('n8n');
	} catch {
		return true;
	}
}

/**
 * The shared instance of a line as seen from one suite. It may have been
 * started by another suite (adopted by pid) or by this one; stop() and start()
 * work either way and keep STATE_FILE current.
 */
export class SharedN8n extends N8nInstance {
	private adoptedPid = 0;

	adopt(pid: number): void {
		this.adoptedPid = pid;
	}

	override get pid(): number | undefined {
		return super.pid ?? (this.adoptedPid || undefined);
	}

	override get running(): boolean {
		return super.running || isN8n(this.adoptedPid);
	}

	override async start(timeoutMs?: number, command?: { args: string[]; ready: string }): Promise<void> {
		await super.start(timeoutMs, command);
		this.adoptedPid = 0;
		updateLine(this.line, { pid: this.pid ?? 0 });
	}

	/** SIGTERM to n8n's process group (SIGKILL after 20 s), as N8nInstance.stop does for its own process. */
	override async stop(): Promise<void> {
		if (super.running) {
			await super.stop();
		} else if (this.adoptedPid) {
			await stopProcessGroup(this.adoptedPid);
			if (alive(this.adoptedPid)) throw new Error(`shared n8n ${this.line}: pid ${this.adoptedPid} did not stop`);
			this.adoptedPid = 0;
		}
		updateLine(this.line, { pid: 0 });
	}

	/** Never for the shared instance: its folder is removed by globalTeardown. */
	override cleanup(): void {}

	/** A REST session (cookie) as the owner; the public API key made when the instance was set up. */
	async login(apiKey: string): Promise<void> {
		await this.setupOwnerAndApiKey(OWNER, false);
		this.apiKey = apiKey;
	}
}

async function healthy(port: number, timeoutMs: number): Promise<boolean> {
	const t0 = Date.now();
	while (Date.now() - t0 < timeoutMs) {
		try {
			const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
			if (res.ok) return true;
		} catch {
			// not yet
		}
		await sleep(500);
	}
	return false;
}

/**
 * The running shared n8n of a line, logged in (cookie for rest(), API key for
 * api()); started first when no suite did yet or the last one left it stopped.
 */
export async function sharedN8n(line: N8nLine): Promise<SharedN8n> {
	let state = readState();
	if (!state || !alive(state.owner)) {
		// No globalSetup ran (a config without it), or a killed run left this behind: this process owns the run.
		killAll(state);
		removeFolders(state);
		state = { owner: process.pid, lines: {} };
		writeState(state);
	}
	const entry = state.lines[line];
	const n8n = new SharedN8n({ line, port: entry?.port ?? PORTS[line], userFolder: entry?.userFolder });
	if (entry && isN8n(entry.pid) && (await healthy(entry.port, 60000))) {
		n8n.adopt(entry.pid);
		await n8n.login(entry.apiKey);
		return n8n;
	}
	ensureN8n(line);
	if (entry) {
		// A suite stopped it and did not start it again (or it died): same folder, same data.
		if (entry.pid && alive(entry.pid)) await stopProcessGroup(entry.pid);
		await n8n.start();
		await n8n.login(entry.apiKey);
		return n8n;
	}
	if (!state.tgz || !existsSync(state.tgz)) {
		state.tgz = await packPackage(path.join(RUNTIME, 'pack'));
		writeState(state);
	}
	installPackage(n8n.userFolder, state.tgz);
	state.lines[line] = { port: n8n.port, userFolder: n8n.userFolder, pid: 0, apiKey: '' };
	writeState(state);
	await n8n.start();
	await n8n.setupOwnerAndApiKey();
	updateLine(line, { apiKey: n8n.apiKey });
	return n8n;
}

/** SIGKILL to every n8n a state names (synchronous: also from an exit handler). */
function killAll(state: State | null): void {
	for (const l of Object.values(state?.lines ?? {})) if (l && isN8n(l.pid)) signalGroup(l.pid, 'SIGKILL');
}

function removeFolders(state: State | null): void {
	for (const l of Object.values(state?.lines ?? {})) if (l?.userFolder) rmSync(l.userFolder, { recursive: true, force: true });
}

/** jest globalSetup: clears a killed run's leftovers; makes sure nothing outlives this run. */
export async function globalSetup(): Promise<void> {
	const stale = readState();
	if (stale && stale.owner !== process.pid) {
		if (alive(stale.owner) && Object.values(stale.lines).some((l) => l && isN8n(l.pid))) {
			throw new Error(`another end-to-end run (jest pid ${stale.owner}) uses the shared n8n of ${STATE_FILE}; wait for it or stop it`);
		}
		killAll(stale);
		removeFolders(stale);
	}
	writeState({ owner: process.pid, lines: {} });
	// If jest ends without globalTeardown (killed by a signal, a crash), its n8n processes end too.
	process.once('exit', () => killAll(readState()));
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			killAll(readState());
			process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
		});
	}
}

/** jest globalTeardown: stops every shared n8n (SIGTERM, then SIGKILL), keeps its log under .e2e/, removes its folder. */
export async function globalTeardown(): Promise<void> {
	const state = readState();
	if (!state || state.owner !== process.pid) return;
	for (const [line, l] of Object.entries(state.lines)) {
		if (!l) continue;
		if (isN8n(l.pid)) await stopProcessGroup(l.pid);
		const log = path.join(l.userFolder, 'n8n.log');
		if (existsSync(log)) copyFileSync(log, path.join(ROOT, '.e2e', `shared-n8n-${line}.log`));
	}
	removeFolders(state);
	rmSync(STATE_FILE, { force: true });
}
