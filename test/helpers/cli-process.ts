/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/** The command line as a child process: its stdout lines, stderr (joins the leak scan), exit code, and stdin. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { recordText } from './secret-scan';

const ROOT = path.resolve(__dirname, '../..');

export interface Run {
	lines: string[];
	stderr: string;
	done: Promise<number>;
	kill(signal?: NodeJS.Signals): void;
	/** Types a line on the command's stdin. */
	type(line: string): void;
	/** Closes the command's stdin (end of input). */
	endInput(): void;
	waitFor(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
}

export function cli(args: string[]): Run {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'lib/cli/main.ts', ...args], {
		cwd: ROOT,
		env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
	});
	const lines: string[] = [];
	const waiters: Array<() => void> = [];
	let buf = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => {
		buf += d.toString('utf8');
		let i;
		while ((i = buf.indexOf('\n')) >= 0) {
			lines.push(buf.slice(0, i));
			buf = buf.slice(i + 1);
		}
		waiters.forEach((w) => w());
	});
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
	// Diagnostics (stderr) join the suite-wide leak scan; stdout is the command's data (messages, a session file path).
	const done = new Promise<number>((resolve) =>
		child.on('close', (code) => {
			recordText(stderr);
			resolve(code ?? -1);
		}),
	);
	return {
		lines,
		get stderr() {
			return stderr;
		},
		done,
		kill: (signal = 'SIGINT') => child.kill(signal),
		type: (line: string) => child.stdin.write(`${line}\n`),
		endInput: () => child.stdin.end(),
		waitFor(pred, timeoutMs = 30000) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`timeout; stdout=${lines.join('|')} stderr=${stderr}`)), timeoutMs);
				const check = () => {
					const hit = lines.find(pred);
					if (hit) {
						clearTimeout(timer);
						resolve(hit);
					}
				};
				waiters.push(check);
				check();
			});
		},
	};
}

