/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * One `npm start` per runtime folder: the running launcher writes its pid and
 * URLs to `.n8n-runtime/npm-start.json`; a second one reads it and says where
 * the first one is instead of failing on a busy port. A file whose pid is gone
 * (a launcher that was killed) is stale and replaced.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { alive, LaunchError } from './commands';

export interface RunningLauncher {
	pid: number;
	startedAt: string;
	editorUrl?: string;
	sandboxUrl?: string;
	/** The iLink simulator's phone page (the bot chat). */
	botChatUrl?: string;
	/** n8n's pid (its process group), so an n8n left behind by a killed launcher can be stopped. */
	n8nPid?: number;
}

export class InstanceLock {
	readonly file: string;

	constructor(private readonly runtimeDir: string) {
		this.file = path.join(runtimeDir, 'npm-start.json');
	}

	/** The launcher already running on this runtime folder, if any. */
	running(): RunningLauncher | null {
		if (!existsSync(this.file)) return null;
		try {
			const info = JSON.parse(readFileSync(this.file, 'utf8')) as RunningLauncher;
			if (Number.isInteger(info.pid) && info.pid !== process.pid && alive(info.pid)) return info;
		} catch {
			// Unreadable: treated as stale.
		}
		return null;
	}

	/**
	 * Takes the lock or throws a LaunchError that says where the running launcher is.
	 * Returns the pid of an n8n a vanished launcher left running here, if any.
	 */
	acquire(): number | undefined {
		const other = this.running();
		if (other) {
			const where = [other.editorUrl && `n8n editor ${other.editorUrl}`, other.sandboxUrl && `sandbox ${other.sandboxUrl}`, other.botChatUrl && `bot chat ${other.botChatUrl}`].filter(Boolean).join(', ');
			throw new LaunchError(
				`npm start is already running here (pid ${other.pid}, since ${other.startedAt})${where ? `: ${where}` : ', still starting'}`,
				`use that one, or stop it first (Ctrl-C in its terminal, or \`kill ${other.pid}\`) and run \`npm start\` again`,
			);
		}
		mkdirSync(path.dirname(this.file), { recursive: true });
		const leftover = this.leftoverN8n();
		this.write({ pid: process.pid, startedAt: new Date().toISOString() });
		return leftover;
	}

	/**
	 * An n8n started from this runtime by a launcher that is gone (killed with SIGKILL, a
	 * closed terminal): its pid, when it still runs n8n from `runtimeDir`.
	 */
	private leftoverN8n(): number | undefined {
		try {
			const info = JSON.parse(readFileSync(this.file, 'utf8')) as RunningLauncher;
			const pid = info.n8nPid;
			if (!pid || !alive(pid)) return undefined;
			return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.runtimeDir) ? pid : undefined;
		} catch {
			return undefined;
		}
	}

	update(fields: Partial<RunningLauncher>): void {
		this.write({ ...(JSON.parse(readFileSync(this.file, 'utf8')) as RunningLauncher), ...fields });
	}

	release(): void {
		try {
			const info = JSON.parse(readFileSync(this.file, 'utf8')) as RunningLauncher;
			if (info.pid === process.pid) rmSync(this.file, { force: true });
		} catch {
			// Already gone.
		}
	}

	private write(info: RunningLauncher): void {
		writeFileSync(this.file, JSON.stringify(info, null, 2));
	}
}
