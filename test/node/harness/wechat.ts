/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Simulator helpers for node-level tests: a simulator with short holds, a
 * logged-in session made by a plain client (to seed credentials), the phone
 * playing along with login events, and small readers for emitted items.
 */
import { createHash } from 'node:crypto';
import type { IBinaryData, ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';
import { loginWithPhone, makeClient, startSim } from '../../helpers/sim-client';
import type { Simulator, SimulatorOptions } from '../../../sandbox/simulator/api';
import { binaryService } from './n8n-env';

export { startSim };

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** A simulator with short login/sync holds (node tests wait for real long polls). */
export async function startNodeSim(options: SimulatorOptions = {}): Promise<Simulator> {
	return await startSim({ loginHoldMs: 300, syncHoldMs: 400, ...options });
}

/** Logs a plain client in (scan + confirm) and returns its serialized session, as the command line would. */
export async function sessionJson(sim: Simulator): Promise<string> {
	const client = makeClient(sim);
	await loginWithPhone(client, sim);
	return client.toJSON();
}

/** Credential data pointing at the simulator; `session` given = a session n8n already stored. */
export function credentialData(sim: Simulator, extra: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject {
	return { originOverride: sim.origin, ...extra };
}

export function storedSessionData(sim: Simulator, json: string): ICredentialDataDecryptedObject {
	return credentialData(sim, { session: json, sessionRevision: '1700000000000' });
}

export function parseSession(json: unknown): { tokens: { sid: string; skey: string; uin: string }; seen: string[]; user: { NickName: string } | null } {
	return JSON.parse(String(json)) as { tokens: { sid: string; skey: string; uin: string }; seen: string[]; user: { NickName: string } | null };
}

export interface SavedPosition {
	/** SyncKey values by Key, e.g. { 1: 7, 2: 9 } */
	syncKey: Record<number, number>;
	seen: string[];
	account: string;
	seq: number;
}

/** The receive position a checkpoint (static data or credential field) holds; an empty position when there is none. */
export function savedPosition(holder: { checkpoint?: unknown } | undefined | null): SavedPosition {
	const raw = holder?.checkpoint;
	if (typeof raw !== 'string' || !raw) return { syncKey: {}, seen: [], account: '', seq: 0 };
	const checkpoint = JSON.parse(raw) as { account: string; seq: number; cursor: string };
	const cursor = JSON.parse(checkpoint.cursor) as { syncKey: { List: Array<{ Key: number; Val: number }> } | null; seen: string[] };
	const syncKey: Record<number, number> = {};
	for (const k of cursor.syncKey?.List ?? []) syncKey[k.Key] = k.Val;
	return { syncKey, seen: cursor.seen, account: checkpoint.account, seq: checkpoint.seq };
}

/** The bytes of an emitted binary, whatever the storage mode. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return await binaryService().getAsBuffer(binary);
	return Buffer.from(binary.data, BINARY_ENCODING);
}

export function events(items: INodeExecutionData[]): string[] {
	return items.map((i) => String(i.json.event));
}

export function json(item: INodeExecutionData | undefined): IDataObject {
	if (!item) throw new Error('No item');
	return item.json;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

/** Requests of one endpoint in the simulator's log. */
export function requestsTo(sim: Simulator, endpoint: string): number {
	return sim.requests.filter((r) => r.endpoint === endpoint).length;
}
