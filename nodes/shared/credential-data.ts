/**
 * Reading the WeChat Web credential: which session to use, the login mode, the
 * pacing and the origin override. Pure functions over the decrypted data.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { LoginMode, PacingOptions } from '../../lib/wechat';

export const CREDENTIAL_TYPE = 'weChatWebApi';

export const NOT_LOGGED_IN_MESSAGE =
	'Not logged in to WeChat yet. Activate a workflow with the WeChat Web Trigger and scan the QR code it emits (Login Events output and n8n log), or paste a session from "npx n8n-nodes-wechat-web login" into the credential.';

export interface AccountSettings {
	mode: LoginMode;
	originOverride?: string;
	pacing: Partial<PacingOptions>;
}

export function loginTimeOf(json: string): number {
	try {
		const t = (JSON.parse(json) as { loginTime?: unknown }).loginTime;
		return typeof t === 'number' ? t : 0;
	} catch {
		return -1;
	}
}

/** sid and SKey of a serialized session ('' when unreadable): enough to tell sessions and refreshes apart. */
export function sessionTokens(json: string | undefined | null): { sid: string; skey: string } {
	if (!json) return { sid: '', skey: '' };
	try {
		const tokens = (JSON.parse(json) as { tokens?: { sid?: unknown; skey?: unknown } }).tokens;
		return { sid: String(tokens?.sid ?? ''), skey: String(tokens?.skey ?? '') };
	} catch {
		return { sid: '', skey: '' };
	}
}

/**
 * A short, token-free name of a session (a 53-bit hash of uin and sid): what a
 * checkpoint in workflow data records to say which session its position belongs to.
 */
export function sessionFingerprint(json: string): string {
	let uin = '';
	try {
		uin = String((JSON.parse(json) as { tokens?: { uin?: unknown } }).tokens?.uin ?? '');
	} catch {
		return '';
	}
	return fingerprint(uin, sessionTokens(json).sid);
}

/** sessionFingerprint from the session's uin and sid ('' without a sid). */
export function fingerprint(uin: string, sid: string | undefined): string {
	if (!sid) return '';
	// cyrb53: enough to tell sessions apart, and says nothing about the sid.
	const text = `${uin}:${sid}`;
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ ch, 2654435761);
		h2 = Math.imul(h2 ^ ch, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The `account` (session fingerprint) a checkpoint JSON names, '' when unreadable. */
export function checkpointAccount(json: string): string {
	try {
		const account = (JSON.parse(json) as { account?: unknown }).account;
		return typeof account === 'string' ? account : '';
	} catch {
		return '';
	}
}

/**
 * The session to use: the stored one (written by n8n after a login in a node)
 * or the one pasted from the command line, whichever logged in last.
 */
export function sessionForCredential(data: ICredentialDataDecryptedObject): string {
	const stored = typeof data.session === 'string' ? data.session.trim() : '';
	const pasted = typeof data.sessionImport === 'string' ? data.sessionImport.trim() : '';
	if (!stored) return pasted;
	if (!pasted) return stored;
	return loginTimeOf(pasted) > loginTimeOf(stored) ? pasted : stored;
}

export function accountSettings(data: ICredentialDataDecryptedObject): AccountSettings {
	const interval = Number(data.minSendIntervalSeconds ?? 1.5);
	const perMinute = Number(data.maxSendsPerMinute ?? 20);
	const origin = typeof data.originOverride === 'string' ? data.originOverride.trim() : '';
	return {
		mode: data.loginMode === 'web' ? 'web' : 'desktop',
		originOverride: origin || undefined,
		pacing: {
			minIntervalMs: Number.isFinite(interval) && interval >= 0 ? Math.round(interval * 1000) : 1500,
			maxPerMinute: Number.isFinite(perMinute) && perMinute >= 1 ? Math.floor(perMinute) : 20,
		},
	};
}
