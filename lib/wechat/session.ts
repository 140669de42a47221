/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * A logged-in session: the only place tokens live. Serializes to a versioned JSON
 * string (credential, static data, session file) and restores from it, so a
 * restart resumes without a scan while the server still accepts the session.
 */
import { CookieJar } from '../vendor';
import type { Hosts } from './hosts';
import { assertSessionMainHost, hostsFor } from './hosts';
import type { RawUser, SyncKey } from './types';
import { serializedJar } from './cookie-cache';

export type LoginMode = 'desktop' | 'web';

export const SESSION_FORMAT_VERSION = 1;
/** How many recent MsgIds are remembered for de-duplication (replays after restore, IT#238). */
export const SEEN_LIMIT = 2000;

export interface SessionTokens {
	uin: string;
	sid: string;
	skey: string;
	passTicket: string;
}

interface SerializedSession {
	format: 'wechat-web-session';
	version: number;
	mode: LoginMode;
	mainHost: string;
	tokens: SessionTokens;
	user: RawUser | null;
	syncKey: SyncKey | null;
	syncCheckKey: SyncKey | null;
	loginTime: number;
	cookies: unknown;
	seen: string[];
}

export class Session {
	mode: LoginMode;
	hosts: Hosts;
	tokens: SessionTokens;
	user: RawUser | null = null;
	syncKey: SyncKey | null = null;
	syncCheckKey: SyncKey | null = null;
	/** Unix seconds of the login; older messages are history, not news. */
	loginTime: number;
	readonly jar: CookieJar;
	/** Bumped whenever a token changes (SKey refresh), so holders know to persist the session again. */
	tokenRevision = 0;
	/** Recent MsgIds, oldest first (a Set keeps insertion order, so evicting the oldest is O(1)). */
	private seenIds = new Set<string>();

	/** Throws when `mainHost` is not a WeChat host: every session, restored or new, sends its tokens there. */
	constructor(init: { mode: LoginMode; mainHost: string; tokens: SessionTokens; loginTime: number; jar?: CookieJar }) {
		this.mode = init.mode;
		this.hosts = hostsFor(assertSessionMainHost(init.mainHost));
		this.tokens = { ...init.tokens };
		this.loginTime = init.loginTime;
		this.jar = init.jar ?? new CookieJar();
	}

	get selfUserName(): string {
		return this.user?.UserName ?? '';
	}

	/** Value of a cookie as the server would receive it on the main host. */
	cookie(name: string): string | undefined {
		const url = `https://${this.hosts.main}/`;
		return this.jar.getCookiesSync(url).find((c) => c.key === name)?.value;
	}

	/** Remembers a MsgId; returns false when it was already seen (a replay). */
	markSeen(msgId: string): boolean {
		if (this.seenIds.has(msgId)) return false;
		this.seenIds.add(msgId);
		if (this.seenIds.size > SEEN_LIMIT) this.seenIds.delete(this.seenIds.values().next().value as string);
		return true;
	}

	hasSeen(msgId: string): boolean {
		return this.seenIds.has(msgId);
	}

	/** The remembered MsgIds, oldest first; `newest` keeps only that many of the latest. */
	seenList(newest = SEEN_LIMIT): string[] {
		const out: string[] = [];
		let skip = this.seenIds.size - newest;
		for (const id of this.seenIds) if (skip-- <= 0) out.push(id);
		return out;
	}

	get seenCount(): number {
		return this.seenIds.size;
	}

	/** Replaces the skey when the server hands out a non-empty new one (init/sync `SKey`). */
	refreshSkey(skey: string | undefined): boolean {
		if (!skey || skey === this.tokens.skey) return false;
		this.tokens.skey = skey;
		this.tokenRevision++;
		return true;
	}

	toJSON(): string {
		const data: SerializedSession = {
			format: 'wechat-web-session',
			version: SESSION_FORMAT_VERSION,
			mode: this.mode,
			mainHost: this.hosts.main,
			tokens: this.tokens,
			user: this.user,
			syncKey: this.syncKey,
			syncCheckKey: this.syncCheckKey,
			loginTime: this.loginTime,
			cookies: serializedJar(this.jar) as SerializedSession['cookies'],
			seen: [...this.seenIds],
		};
		return JSON.stringify(data);
	}

	static fromJSON(text: string): Session {
		let data: Partial<SerializedSession>;
		try {
			data = JSON.parse(text) as Partial<SerializedSession>;
		} catch {
			throw new Error('The stored WeChat session is not valid JSON; log in again.');
		}
		if (!data || data.format !== 'wechat-web-session') throw new Error('The stored value is not a WeChat Web session; log in again.');
		if (data.version !== SESSION_FORMAT_VERSION) {
			throw new Error(`The stored WeChat session has format version ${String(data.version)}, this package reads ${SESSION_FORMAT_VERSION}; log in again.`);
		}
		const t = data.tokens;
		if (!t || !t.uin || !t.sid || !t.skey || typeof data.mainHost !== 'string') throw new Error('The stored WeChat session is incomplete; log in again.');
		// Before anything else is rebuilt: an edited session must not reach the network.
		assertSessionMainHost(data.mainHost);
		const jar = data.cookies ? CookieJar.deserializeSync(data.cookies as string) : new CookieJar();
		const s = new Session({ mode: data.mode === 'web' ? 'web' : 'desktop', mainHost: data.mainHost, tokens: t, loginTime: data.loginTime ?? 0, jar });
		s.user = data.user ?? null;
		s.syncKey = data.syncKey ?? null;
		s.syncCheckKey = data.syncCheckKey ?? null;
		for (const id of data.seen ?? []) if (typeof id === 'string') s.markSeen(id);
		return s;
	}
}

/** `Key_Val` pairs joined with `|` — the synccheck `synckey` parameter (§1.10). */
export function formatSyncKey(key: SyncKey): string {
	return key.List.map((k) => `${k.Key}_${k.Val}`).join('|');
}
