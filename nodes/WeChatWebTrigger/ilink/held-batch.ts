/**
 * The held batch: iLink hands a message out once (ilink-protocol.md §3), so
 * the batch itself — its items (token-free), the cursor after it, the account
 * and a sequence number — goes into the workflow static data before anything
 * else. It becomes durable with the emit that hands it over; it counts as done
 * once a checkpoint of the same account has reached its `seq` (committed when
 * its run is done, or together with the hand-off). A start finds a held batch
 * that is not done and hands it over again before polling.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Checkpoint } from '../../shared/checkpoint';
import { CHECKPOINT_KEY, parseCheckpoint } from '../../shared/checkpoint';
import { ILINK_ROUTE } from '../../shared/ilink-credential';

export const HELD_KEY = 'ilinkHeldBatch';

export interface HeldBatch {
	seq: number;
	account: string;
	cursor: string;
	items: IDataObject[];
}

export function holdBatch(staticData: IDataObject, batch: HeldBatch): void {
	staticData[HELD_KEY] = { seq: batch.seq, account: batch.account, cursor: batch.cursor, items: batch.items };
}

export function dropHeldBatch(staticData: IDataObject, seq: number): void {
	if (readHeldBatch(staticData)?.seq === seq) delete staticData[HELD_KEY];
}

export function readHeldBatch(staticData: IDataObject): HeldBatch | undefined {
	const v = staticData[HELD_KEY] as Partial<HeldBatch> | undefined;
	if (!v || typeof v.seq !== 'number' || typeof v.account !== 'string' || typeof v.cursor !== 'string' || !Array.isArray(v.items)) return undefined;
	return { seq: v.seq, account: v.account, cursor: v.cursor, items: v.items };
}

export function heldItems(batch: HeldBatch): INodeExecutionData[] {
	return batch.items.map((json) => ({ json: { ...json } }));
}

/** Where an iLink trigger starts: the cursor of the session, the highest seq seen, and a held batch still to hand over. */
export interface IlinkStart {
	cursor?: string;
	/** The highest seq of any iLink checkpoint or held batch (seqs only grow). */
	seq: number;
	pending?: HeldBatch;
}

export function ilinkStart(staticData: IDataObject, credential: ICredentialDataDecryptedObject, account: string, workflow?: string): IlinkStart {
	const isIlink = (c: Checkpoint | null) => !!c && c.route === ILINK_ROUTE;
	const fromStatic = parseCheckpoint(staticData[CHECKPOINT_KEY]);
	const fromCredential = parseCheckpoint(credential[CHECKPOINT_KEY]);
	const checkpoints = [fromStatic, fromCredential].filter((c): c is Checkpoint => isIlink(c));
	// Every workflow on the credential writes its checkpoint there: only this workflow's (or one from before
	// checkpoints named their workflow) says its held batch is done.
	const doneBy = [fromStatic, fromCredential && (!workflow || !fromCredential.workflow || fromCredential.workflow === workflow) ? fromCredential : null].filter((c): c is Checkpoint => isIlink(c));
	const held = readHeldBatch(staticData);
	const seq = Math.max(0, held?.seq ?? 0, ...checkpoints.map((c) => c.seq));
	const own = checkpoints.filter((c) => account && c.account === account).sort((a, b) => b.seq - a.seq)[0];
	const done = !!held && doneBy.some((c) => c.account === held.account && c.seq >= held.seq);
	const pending = held && !done ? held : undefined;
	// The held batch's cursor is past the committed one (same session): start behind it.
	const cursor = pending && pending.account === account && pending.seq > (own?.seq ?? 0) ? pending.cursor : own?.cursor;
	return { cursor, seq, pending };
}
