/** The command line's session file: written atomically with mode 0600 (it holds live tokens). */
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** How many fresh temporary names to try when one already exists (practically never more than one). */
const TEMP_ATTEMPTS = 5;

export async function readSessionFile(file: string): Promise<string | null> {
	try {
		return await fs.readFile(file, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw err;
	}
}

/**
 * Writes the session through a temporary file in the same directory, then renames
 * it over `file`. The temporary name is random and opened with `wx` (create, fail
 * if anything exists there — a symlink included, which is never followed), mode
 * 0600 from the start; so nobody can plant a file or link under the name to be
 * written through or read. On any failure the temporary file is removed.
 */
export async function writeSessionFile(file: string, json: string): Promise<void> {
	const dir = path.dirname(path.resolve(file));
	for (let attempt = 1; ; attempt++) {
		const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
		let handle: fs.FileHandle;
		try {
			handle = await fs.open(tmp, 'wx', 0o600);
		} catch (err) {
			// Someone else's file: leave it alone and take another name.
			if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < TEMP_ATTEMPTS) continue;
			throw err;
		}
		try {
			try {
				// The umask may have taken bits away from 0600, never added any; make it exactly 0600.
				await handle.chmod(0o600);
				await handle.writeFile(json, 'utf8');
				await handle.sync();
			} finally {
				await handle.close();
			}
			// rename replaces `file` itself, even when it is a symlink: the link's target is never written.
			await fs.rename(tmp, file);
		} catch (err) {
			await fs.rm(tmp, { force: true }).catch(() => undefined);
			throw err;
		}
		return;
	}
}
