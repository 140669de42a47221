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
import { randomBytes } from 'node:crypto';
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

/** A lock file still empty after this long belongs to a process killed between creating and writing it. */
const EMPTY_GRACE_MS = 5000;

/**
 * Removes the lock when its holder has died; true when the caller should try
 * to take it again. Two waiters may find the same dead lock: the takeover is a
 * rename (only one succeeds), and what was moved is checked to be that dead
 * lock — a live one taken by mistake is linked back.
 */
async function clearIfOrphaned(lock: string): Promise<boolean> {
	let text: string;
	let mtime: number;
	try {
		text = await fs.readFile(lock, 'utf8');
		mtime = (await fs.stat(lock)).mtimeMs;
	} catch {
		return true; // Gone meanwhile.
	}
	const orphaned = text === '' ? Date.now() - mtime > EMPTY_GRACE_MS : !alive(Number(text));
	if (!orphaned) return false;
	const moved = `${lock}.${randomBytes(8).toString('hex')}.stale`;
	try {
		await fs.rename(lock, moved);
	} catch {
		return true; // Another waiter took it over first.
	}
	const movedText = await fs.readFile(moved, 'utf8').catch(() => '');
	if (movedText !== text) await fs.link(moved, lock).catch(() => undefined);
	await fs.rm(moved, { force: true });
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
