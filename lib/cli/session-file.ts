/** The command line's session file: written atomically with mode 0600 (it holds live tokens). */
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function readSessionFile(file: string): Promise<string | null> {
	try {
		return await fs.readFile(file, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw err;
	}
}

export async function writeSessionFile(file: string, json: string): Promise<void> {
	const dir = path.dirname(path.resolve(file));
	const tmp = path.join(dir, `.${path.basename(file)}.${Date.now()}.tmp`);
	await fs.writeFile(tmp, json, { mode: 0o600 });
	await fs.rename(tmp, file);
	await fs.chmod(file, 0o600);
}
