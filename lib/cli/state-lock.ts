/**
 * One writer at a time for a state file shared by several command-line
 * processes (a `listen` and any number of `send`s of one iLink account). Each
 * of them reads the file, merges its part and writes it back; without a lock
 * one process's write can land between another's read and write and undo it
 * (a send's count lost, and an 11th send let through).
 *
 * The lock is a sibling file created with `wx` holding the owner's pid. A lock
 * whose process is gone (killed while holding it) is taken over.
 */
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import { promises as fs } from 'node:fs';

const RETRY_MS = 20;
/** Longer than any send holds it (a large upload included); after that the lock is someone's leftover. */
const WAIT_LIMIT_MS = 120_000;

function alive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		// EPERM: it exists, under another user.
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function tryTake(lock: string): Promise<boolean> {
	try {
		const handle = await fs.open(lock, 'wx', 0o600);
		try {
			await handle.writeFile(String(process.pid), 'utf8');
		} finally {
			await handle.close();
		}
		return true;
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
		return false;
	}
}

/** Removes the lock when its holder has died; true when it did. */
async function clearIfOrphaned(lock: string): Promise<boolean> {
	const text = await fs.readFile(lock, 'utf8').catch(() => null);
	// Gone meanwhile, or created but not yet written: try again.
	if (text === null || text === '') return text === null;
	if (alive(Number(text))) return false;
	await fs.rm(lock, { force: true });
	return true;
}

export async function withStateLock<T>(file: string, work: () => Promise<T>): Promise<T> {
	const lock = `${file}.lock`;
	const started = Date.now();
	while (!(await tryTake(lock))) {
		if (await clearIfOrphaned(lock)) continue;
		if (Date.now() - started > WAIT_LIMIT_MS) {
			throw new Error(`${lock} has been held by another process for over ${WAIT_LIMIT_MS / 1000} s. If no other "listen" or "send" of this account runs, delete it.`);
		}
		await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
	}
	try {
		return await work();
	} finally {
		await fs.rm(lock, { force: true });
	}
}
