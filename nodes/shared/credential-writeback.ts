/**
 * The credential write-back: what the next authenticated request hands to the
 * credential's preAuthentication hook, so n8n stores it (encrypted) before the
 * request is sent — a new login, a refreshed SKey, a checkpoint. n8n offers no
 * compare-and-swap, so the stored credential is read just before the write and
 * a newer login from another process is never replaced.
 */
import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject } from 'n8n-workflow';
import { checkpointAccount, CREDENTIAL_TYPE, loginTimeOf, NOT_LOGGED_IN_MESSAGE, sessionFingerprint, sessionForCredential, sessionTokens } from './credential-data';
import type { RequestContext } from './request-context';

/** What the next authenticated request writes into the stored credential. */
export interface CredentialUpdate {
	/** A session JSON (a new login or a refreshed SKey). */
	session?: string;
	/** A checkpoint JSON (./checkpoint.ts). */
	checkpoint?: string;
	/** iLink: the send budget (per conversation: context token, last inbound, sends since), merged with the stored one. */
	budget?: unknown;
	/** iLink: the bot the budget belongs to (a budget of another bot than the stored one is dropped). */
	budgetBot?: string;
}

/**
 * How one credential type takes an update: the stored data (read just before
 * the write) and the update → the data to store, or undefined to write nothing.
 */
export interface CredentialRules {
	type: string;
	/** What the credential's preAuthentication says when it holds no session: the user must log in (not a network failure). */
	notLoggedIn: string;
	apply(stored: ICredentialDataDecryptedObject, update: CredentialUpdate, warn: (message: string) => void): ICredentialDataDecryptedObject | undefined;
}

/** The WeChat Web credential: never replace a newer login; a checkpoint only for the session stored. */
export const webCredentialRules: CredentialRules = {
	type: CREDENTIAL_TYPE,
	notLoggedIn: NOT_LOGGED_IN_MESSAGE,
	apply(stored, update, warn) {
		const data: ICredentialDataDecryptedObject = { ...stored, sessionRevision: '' };
		const current = sessionForCredential(stored);
		// n8n offers no compare-and-swap: read just before the write, and never replace a newer
		// login (another process logged in; ours is over) with an older one.
		if (update.session !== undefined) {
			if (supersedes(current, update.session)) {
				warn('WeChat Web: the credential holds a newer login from elsewhere; not overwriting it.');
				return undefined;
			}
			data.session = update.session;
		} else if (update.checkpoint !== undefined && !sameSession(current, update.checkpoint)) {
			return undefined; // A checkpoint for a session the credential no longer holds.
		}
		if (update.checkpoint !== undefined) data.checkpoint = update.checkpoint;
		return data;
	},
};

export class CredentialWriteBack {
	private pending: CredentialUpdate | null = null;

	constructor(
		private readonly ctx: RequestContext,
		private readonly logger?: { warn(message: string): void },
		readonly rules: CredentialRules = webCredentialRules,
	) {}

	queue(update: CredentialUpdate): void {
		this.pending = { ...(this.pending ?? {}), ...update };
	}

	get hasPending(): boolean {
		return this.pending !== null;
	}

	/** The queued update as `credentialsDecrypted` for the next authenticated request (and no longer queued). */
	async take(): Promise<IAdditionalCredentialOptions | undefined> {
		const update = this.pending;
		if (update === null) return undefined;
		this.pending = null;
		const type = this.rules.type;
		const ref = this.ctx.getNode().credentials?.[type];
		if (!ref?.id) return undefined; // An unsaved credential cannot be written back.
		const stored = await this.ctx.getCredentials(type);
		const data = this.rules.apply(stored, update, (m) => this.logger?.warn(m));
		if (!data) return undefined;
		return { credentialsDecrypted: { id: ref.id, name: ref.name, type, data } };
	}
}

/** True when `stored` is another, later login than `ours` (so writing ours would undo it). */
function supersedes(stored: string, ours: string): boolean {
	if (!stored) return false;
	const a = sessionTokens(stored).sid;
	const b = sessionTokens(ours).sid;
	return a !== '' && a !== b && loginTimeOf(stored) > loginTimeOf(ours);
}

function sameSession(storedSession: string, checkpoint: string): boolean {
	return !!storedSession && sessionFingerprint(storedSession) === checkpointAccount(checkpoint);
}
