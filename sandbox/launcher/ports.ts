/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * Ports the launcher needs, checked before anything starts: a port held by
 * another program is named with that program (from /proc where it can be seen)
 * and the setting that chooses another port.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { LaunchError } from './commands';

export interface PortNeed {
	port: number;
	/** What listens there, for a person: "the n8n editor". */
	purpose: string;
	/** The environment variable that moves it. */
	setting: string;
}

/** Resolves true when 127.0.0.1:port can be bound now. */
export function portFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = createServer();
		srv.once('error', () => resolve(false));
		srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
	});
}

/** The pid and command line of the process listening on `port`, where /proc shows it (Linux). */
export function portHolder(port: number): { pid: number; command: string } | null {
	try {
		const inodes = new Set<string>();
		for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
			let text = '';
			try {
				text = readFileSync(table, 'utf8');
			} catch {
				continue;
			}
			for (const row of text.split('\n').slice(1)) {
				const f = row.trim().split(/\s+/);
				if (f.length < 10 || f[3] !== '0A') continue; // 0A: LISTEN
				if (parseInt(f[1].split(':')[1], 16) === port) inodes.add(f[9]);
			}
		}
		if (!inodes.size) return null;
		for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
			let fds: string[];
			try {
				fds = readdirSync(`/proc/${pid}/fd`);
			} catch {
				continue;
			}
			for (const fd of fds) {
				let target = '';
				try {
					target = readlinkSync(`/proc/${pid}/fd/${fd}`);
				} catch {
					continue;
				}
				const m = /^socket:\[(\d+)\]$/.exec(target);
				if (m && inodes.has(m[1])) {
					const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
					return { pid: Number(pid), command: command.length > 120 ? command.slice(0, 117) + '…' : command };
				}
			}
		}
	} catch {
		// /proc is not there or not readable: the port alone is reported.
	}
	return null;
}

/** Throws a LaunchError naming the first needed port that is taken, by whom, and how to move it. */
export async function requirePortsFree(needs: PortNeed[]): Promise<void> {
	for (const need of needs) {
		if (await portFree(need.port)) continue;
		const holder = portHolder(need.port);
		const who = holder ? ` by another program (pid ${holder.pid}: ${holder.command})` : ' by another program';
		const free = await nextFreePort(need.port + 1, needs);
		throw new LaunchError(
			`Port ${need.port} (${need.purpose}) is already in use${who}`,
			`stop that program, or choose another port: ${need.setting}=${free} npm start`,
		);
	}
}

async function nextFreePort(from: number, needs: PortNeed[]): Promise<number> {
	const taken = new Set(needs.map((n) => n.port));
	for (let p = from; p < from + 200 && p < 65536; p++) if (!taken.has(p) && (await portFree(p))) return p;
	return from;
}
