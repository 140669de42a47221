/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * Imported first by the harness (before anything from n8n-core): n8n's
 * InstanceSettings and config classes read these variables when constructed,
 * and write an encryption key into the user folder — never the real ~/.n8n.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** True when the harness made the folder (and may delete it). */
export const ownUserFolder = !process.env.N8N_USER_FOLDER;
export const userFolder = process.env.N8N_USER_FOLDER ?? mkdtempSync(path.join(tmpdir(), 'n8n-node-harness-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_ENCRYPTION_KEY ??= 'node-harness-encryption-key';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
