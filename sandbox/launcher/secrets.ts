/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * For a real account (`WECHAT_SANDBOX=off`) the n8n that `npm start` runs holds a
 * live WeChat session: its credential encryption key and owner password are
 * random, made once per user folder and kept there in a 0600 file, never printed.
 * (The sandbox keeps its fixed, throwaway key and printed password.)
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface LauncherSecrets {
	encryptionKey: string;
	ownerPassword: string;
}

export const SECRETS_FILE = 'launcher-secrets.json';

/** The user folder's secrets, made on first use; the file is (re)set to 0600 each time. */
export function userFolderSecrets(userFolder: string): LauncherSecrets & { file: string } {
	const file = path.join(userFolder, SECRETS_FILE);
	if (existsSync(file)) {
		chmodSync(file, 0o600);
		const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LauncherSecrets>;
		if (stored.encryptionKey && stored.ownerPassword) return { encryptionKey: stored.encryptionKey, ownerPassword: stored.ownerPassword, file };
	}
	// n8n's password rule: 8 to 64 characters with a digit and an upper-case letter. A user
	// folder n8n already started in keeps the key in its config (another key would fail to start).
	const secrets = { encryptionKey: existingKey(userFolder) ?? randomBytes(32).toString('hex'), ownerPassword: `N8n-${randomBytes(15).toString('base64url')}-7` };
	writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
	chmodSync(file, 0o600);
	return { ...secrets, file };
}

/** The key n8n recorded in `<userFolder>/.n8n/config` on its first start, if any. */
export function existingKey(userFolder: string): string | undefined {
	try {
		const config = JSON.parse(readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8')) as { encryptionKey?: unknown };
		return typeof config.encryptionKey === 'string' && config.encryptionKey ? config.encryptionKey : undefined;
	} catch {
		return undefined;
	}
}
