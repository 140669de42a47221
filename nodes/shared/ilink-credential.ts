/**
 * Reading and writing the iLink credential (`weChatIlinkApi`): the session (bot
 * token, base URL, bot and owner ids), the send budget (per conversation: the
 * context token, the owner's last message, the sends since; a -2 block) and the
 * checkpoint. Pure functions over the decrypted data, plus the write-back rules.
 *
 * The budget holds context tokens, so it lives in the credential (encrypted),
 * never in workflow static data; every workflow and worker of the account reads
 * and merges it there (mergeBudget: the newest owner message wins, sends count
 * the most anyone counted).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { BudgetConfig, BudgetState } from '../../lib/ilink';
import { emptyBudget, IlinkSession, mergeBudget, readBudget } from '../../lib/ilink';
import type { CredentialRules } from './credential-writeback';
import { checkpointAccount, fingerprint } from './credential-data';

export const ILINK_CREDENTIAL_TYPE = 'weChatIlinkApi';
export const ILINK_ROUTE = 'ilink';

export const ILINK_NOT_LOGGED_IN_MESSAGE =
	'Not logged in to the WeChat bot (iLink) yet. Activate a workflow with the WeChat Web Trigger set to this credential and scan the QR code it emits (Login Events output and n8n log), or paste the state file of "npx n8n-nodes-wechat-web login --route ilink" into the credential.';

/** The command line's state file (lib/cli/ilink.ts), pasted whole. */
const CLI_FORMAT = 'n8n-wechat-ilink-cli';

export interface IlinkSettings {
	originOverride?: string;
	budget: Partial<BudgetConfig>;
}

function text(v: unknown): string {
	return typeof v === 'string' ? v.trim() : '';
}

function parse(json: string): Record<string, unknown> | null {
	try {
		const v = JSON.parse(json) as unknown;
		return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

/** What was pasted: the command line's state file or a bare session JSON. */
export function pastedState(data: ICredentialDataDecryptedObject): { session: string; cursor?: string; budget?: unknown } {
	const pasted = text(data.sessionImport);
	if (!pasted) return { session: '' };
	const v = parse(pasted);
	if (v?.format === CLI_FORMAT && typeof v.session === 'string') {
		return { session: v.session, cursor: typeof v.cursor === 'string' ? v.cursor : undefined, budget: v.budget };
	}
	return { session: pasted };
}

function loggedInAt(json: string): number {
	const t = parse(json)?.loggedInAt;
	return typeof t === 'number' ? t : json ? 0 : -1;
}

/** The session to use: the stored one (a login in n8n) or the pasted one, whichever logged in last. */
export function ilinkSessionForCredential(data: ICredentialDataDecryptedObject): string {
	const stored = text(data.session);
	const pasted = pastedState(data).session;
	if (!stored) return pasted;
	if (!pasted) return stored;
	return loggedInAt(pasted) > loggedInAt(stored) ? pasted : stored;
}

/** The bot id of a session JSON ('' when unreadable). */
export function botOf(json: string): string {
	const id = parse(json)?.botId;
	return typeof id === 'string' ? id : '';
}

/** A token-free name of an iLink session (bot id and a hash of login time and token), for checkpoints. */
export function ilinkFingerprint(json: string): string {
	const v = parse(json);
	if (!v || typeof v.botToken !== 'string' || !v.botToken) return '';
	return fingerprint(String(v.botId ?? ''), `${String(v.loggedInAt ?? '')}:${v.botToken}`);
}

/** A session JSON as an IlinkSession, or null when it is not one. */
export function readIlinkSession(json: string): IlinkSession | null {
	try {
		return IlinkSession.fromJSON(json);
	} catch {
		return null;
	}
}

/** The budget stored for the credential's session (the pasted state's, merged, when it is the same bot). */
export function storedBudget(data: ICredentialDataDecryptedObject): BudgetState {
	const session = ilinkSessionForCredential(data);
	const pasted = pastedState(data);
	const stored = readBudget(parseBudget(data.budget));
	if (pasted.session && botOf(pasted.session) === botOf(session) && pasted.budget !== undefined) {
		return mergeBudget(stored, readBudget(pasted.budget));
	}
	return stored;
}

function parseBudget(value: unknown): unknown {
	if (typeof value !== 'string' || !value) return undefined;
	return parse(value) ?? undefined;
}

export function ilinkSettings(data: ICredentialDataDecryptedObject): IlinkSettings {
	const num = (v: unknown, d: number) => {
		const n = Number(v ?? d);
		return Number.isFinite(n) && n >= 0 ? n : d;
	};
	const origin = text(data.originOverride);
	return {
		originOverride: origin || undefined,
		budget: {
			windowMs: Math.round(num(data.windowHours, 23) * 3600_000),
			sendsPerMessage: Math.floor(num(data.sendsPerMessage, 10)),
			throttleMs: Math.round(num(data.throttleMinutes, 30) * 60_000),
		},
	};
}

/**
 * The iLink credential takes a new login unless the stored one is a later
 * login; a budget merged with the stored one (same bot) or replacing it (a new
 * bot: its conversations are new); a checkpoint only for the session stored.
 */
export const ilinkCredentialRules: CredentialRules = {
	type: ILINK_CREDENTIAL_TYPE,
	notLoggedIn: ILINK_NOT_LOGGED_IN_MESSAGE,
	apply(stored, update, warn) {
		const data: ICredentialDataDecryptedObject = { ...stored, sessionRevision: '' };
		// Log Out (the action node): forget the session, pasted or stored; the next trigger activation logs in again.
		// A -2 block outlives a log-out and a new login: logging in again must not be a way around it.
		const keepBlock = (): string => {
			const until = storedBudget(stored).blockedUntil;
			return JSON.stringify(until ? { ...emptyBudget(), blockedUntil: until } : emptyBudget());
		};
		if (update.session === '') return { ...data, session: '', sessionImport: '', budget: keepBlock(), checkpoint: '', loggedOutAt: String(Date.now()) };
		const current = ilinkSessionForCredential(stored);
		let session = current;
		if (update.session !== undefined) {
			if (current && ilinkFingerprint(current) !== ilinkFingerprint(update.session) && loggedInAt(current) > loggedInAt(update.session)) {
				warn('WeChat bot (iLink): the credential holds a newer login from elsewhere; not overwriting it.');
				return undefined;
			}
			data.session = update.session;
			delete data.loggedOutAt;
			// A newly bound bot: the old conversations' tokens and counts mean nothing to it.
			if (botOf(current) !== botOf(update.session)) data.budget = keepBlock();
			session = update.session;
		}
		// A budget counted for another bot than the one stored (a client opened before a new login or a log-out) is dropped.
		if (update.budget !== undefined && (!update.budgetBot || update.budgetBot === botOf(session))) {
			const ours = readBudget(update.budget);
			const before = update.session !== undefined && botOf(current) !== botOf(session) ? readBudget(JSON.parse(data.budget as string)) : storedBudget(stored);
			data.budget = JSON.stringify(mergeBudget(before, ours));
		}
		if (update.checkpoint !== undefined) {
			if (!session || ilinkFingerprint(session) !== checkpointAccount(update.checkpoint)) {
				if (update.session === undefined && update.budget === undefined) return undefined;
			} else {
				data.checkpoint = update.checkpoint;
			}
		}
		return data;
	},
};
