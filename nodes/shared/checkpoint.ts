/**
 * The receive position of an account, saved where each delivery mode needs it
 * to be durable. A checkpoint is route-neutral: an opaque `cursor` the route
 * defines (WeChat Web: SyncKey, SyncCheckKey and recent MsgIds — never a
 * token), the `account` it belongs to (a session fingerprint) and a sequence
 * number, so the newest of two copies wins.
 *
 * Where it is saved (measured on n8n 1.123.81 and 2.41.1: n8n writes a
 * trigger's static data only inside `emit` and after activation, never on
 * deactivation or shutdown):
 * - always into the workflow's static data: durable with the next emit, which
 *   makes "position saved" and "batch handed over" one step (When Handed Over);
 * - in the after-the-run modes also into the credential, with the next
 *   authenticated request and at the latest when the trigger closes: the
 *   position a finished run earned survives a clean restart.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { sessionFingerprint } from './credential-data';
import type { SessionTransport } from './session-transport';

export const CHECKPOINT_KEY = 'checkpoint';
/** Before version 2 the whole session (tokens included) sat here; it is removed on start. */
export const LEGACY_SESSION_KEY = 'session';
const FORMAT = 'n8n-wechat-checkpoint';
const VERSION = 1;

export interface Checkpoint {
	format: typeof FORMAT;
	version: number;
	route: string;
	account: string;
	seq: number;
	cursor: string;
	/** The workflow that wrote it (iLink: a held batch is done only by its own workflow's checkpoint). */
	workflow?: string;
}

export function parseCheckpoint(value: unknown): Checkpoint | null {
	if (typeof value !== 'string' || !value) return null;
	try {
		const c = JSON.parse(value) as Partial<Checkpoint>;
		if (c?.format !== FORMAT || c.version !== VERSION || typeof c.cursor !== 'string' || typeof c.account !== 'string') return null;
		return {
			format: FORMAT,
			version: VERSION,
			route: String(c.route ?? ''),
			account: c.account,
			seq: Number(c.seq) || 0,
			cursor: c.cursor,
			...(typeof c.workflow === 'string' ? { workflow: c.workflow } : {}),
		};
	} catch {
		return null;
	}
}

export interface StartingPoint {
	/** The newest saved position of `sessionJson`'s session, if any. */
	cursor?: string;
	seq: number;
	source: 'staticData' | 'credential' | 'none';
}

/**
 * The newest checkpoint (static data or credential) that belongs to the session
 * being restored. A checkpoint of another session (an older login) is ignored:
 * its position means nothing to the new one.
 */
export function startingPoint(staticData: IDataObject, credential: ICredentialDataDecryptedObject, sessionJson: string, route: string): StartingPoint {
	const account = sessionJson ? sessionFingerprint(sessionJson) : '';
	const candidates = [
		{ c: parseCheckpoint(staticData[CHECKPOINT_KEY]), source: 'staticData' as const },
		{ c: parseCheckpoint(credential[CHECKPOINT_KEY]), source: 'credential' as const },
	].filter((x) => x.c && account && x.c.account === account && x.c.route === route);
	candidates.sort((a, b) => (b.c as Checkpoint).seq - (a.c as Checkpoint).seq);
	const best = candidates[0];
	return best?.c ? { cursor: best.c.cursor, seq: best.c.seq, source: best.source } : { seq: 0, source: 'none' };
}

/** Takes a pre-2 static data session out of workflow data; returns it so its position can still be used. */
export function takeLegacySession(staticData: IDataObject): string {
	const legacy = staticData[LEGACY_SESSION_KEY];
	if (legacy === undefined) return '';
	delete staticData[LEGACY_SESSION_KEY];
	return typeof legacy === 'string' ? legacy : '';
}

export class CheckpointWriter {
	constructor(
		private readonly staticData: IDataObject,
		private readonly route: string,
		/** Also write to the credential (after-the-run modes). */
		private readonly toCredential: SessionTransport | null,
		private seq: number,
		private readonly workflow?: string,
	) {}

	/** `account`: the session's fingerprint (credential-data.ts). */
	commit(account: string, cursor: string): void {
		const checkpoint: Checkpoint = { format: FORMAT, version: VERSION, route: this.route, account, seq: ++this.seq, cursor, ...(this.workflow ? { workflow: this.workflow } : {}) };
		const json = JSON.stringify(checkpoint);
		this.staticData[CHECKPOINT_KEY] = json;
		this.toCredential?.persistCheckpoint(json);
	}

	/** Make a queued credential write durable now (the trigger closes). */
	async flush(url: string): Promise<void> {
		await this.toCredential?.flush(url);
	}
}
