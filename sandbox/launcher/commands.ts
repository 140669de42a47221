/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- the launcher runs under plain Node, outside n8n */
/**
 * Running the launcher's install and check commands: a clean environment (npm
 * hands `npm start` its whole configuration, `.npmrc`'s ignore-scripts=true
 * included, as npm_config_* variables; a child npm must not inherit that one),
 * the output kept in a log file and its tail kept for the error a person reads.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { explain } from './remedies';

/** A failure a person can act on: what failed, its last lines, one sentence of remedy. */
export class LaunchError extends Error {
	constructor(
		readonly what: string,
		readonly remedy: string,
		readonly command?: string,
		readonly tail?: string,
	) {
		super(what);
		this.name = 'LaunchError';
	}

	/** The text printed to the terminal. */
	report(): string {
		const out = [`✗ ${this.what}`];
		if (this.command) out.push(`  command: ${this.command}`);
		if (this.tail) out.push('  its last lines:', ...this.tail.split('\n').map((l) => `    ${l}`));
		out.push(`  what to do: ${this.remedy}`);
		return out.join('\n');
	}
}

/**
 * process.env without what npm adds for a script: its lifecycle and package
 * variables, and the project-level settings that would change what a child npm
 * does in another folder (ignore-scripts above all). Every other npm_config_*
 * stays, so a registry, proxy or cache the user chose still applies.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	const dropped = /^(npm_lifecycle_|npm_package_|npm_config_(ignore_scripts|local_prefix|global|loglevel)$|npm_command$|npm_execpath$|npm_node_execpath$|INIT_CWD$)/i;
	for (const [k, v] of Object.entries(process.env)) if (!dropped.test(k)) env[k] = v;
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	return env;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Every line of output is appended here too. */
	logFile?: string;
	timeoutMs?: number;
}

export interface RunResult {
	code: number | null;
	output: string;
}

export function commandLine(cmd: string, args: string[]): string {
	return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Children still running, so that a launcher told to stop can stop them too. */
const active = new Set<ReturnType<typeof spawn>>();

export function stopActiveCommands(): void {
	for (const child of active) child.kill('SIGTERM');
}

export function lastLines(text: string, n = 12): string {
	return text.replace(/\s+$/, '').split('\n').slice(-n).join('\n');
}

/** The output without stack-frame lines ("at fn (file:line)"), which push the cause out of a short tail. */
export function withoutStackFrames(text: string): string {
	return text
		.split('\n')
		.filter((l) => !/^\s*(\S+ )*?(gyp ERR! stack\s+)?at \S.*(\(.*:\d+(:\d+)?\)|:\d+:\d+|<anonymous>\))\s*$/.test(l))
		.join('\n');
}

/** Runs a command to its end; never throws for a non-zero exit (see `runOrFail`). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
		active.add(child);
		const keep = (b: Buffer) => {
			if (opts.logFile) appendFileSync(opts.logFile, b);
			chunks.push(b);
			size += b.length;
			// Keep about the last 256 KiB: the tail is what a person needs.
			while (size > 262_144 && chunks.length > 1) size -= (chunks.shift() as Buffer).length;
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
		const finish = (code: number | null, extra = '') => {
			active.delete(child);
			if (timer) clearTimeout(timer);
			resolve({ code, output: Buffer.concat(chunks).toString('utf8') + extra });
		};
		// 'error': the command could not be started at all (e.g. not on PATH).
		child.on('error', (err) => finish(127, `\n${err.message}`));
		child.on('close', (code) => finish(code));
	});
}

/** Runs a command; a non-zero exit becomes a LaunchError naming it, its tail and a remedy. */
export async function runOrFail(what: string, cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
	const res = await run(cmd, args, opts);
	if (res.code === 0) return res.output;
	throw new LaunchError(`${what} failed (exit ${res.code ?? 'killed'})`, explain(res.output, opts.logFile), commandLine(cmd, args), lastLines(withoutStackFrames(res.output)));
}

/** Sends a signal to a process group (a process started detached leads its own); false when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Whether a process with this pid exists (one of another user's counts too). */
export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** SIGTERM to a process group, SIGKILL after 20 s; resolves when its leader is gone. */
export async function stopProcessGroup(pid: number): Promise<void> {
	signalGroup(pid, 'SIGTERM');
	for (let i = 0; i < 80 && alive(pid); i++) {
		if (i === 40) signalGroup(pid, 'SIGKILL');
		await new Promise((r) => setTimeout(r, 500));
	}
}
