/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * An iLink session — the bot token, the account's base URL, the bot id and the
 * owner (the WeChat user who scanned) — as versioned JSON; the only place the
 * bot token is stored. The receive position (get_updates_buf and the newest
 * message ids) is a separate, token-free cursor text, like lib/wechat/cursor.ts,
 * so a checkpoint in workflow data never holds the token.
 */
import { DEFAULT_BASE_URL } from './hosts';

export const SESSION_FORMAT = 'ilink-session';
export const SESSION_VERSION = 1;
export const CURSOR_FORMAT = 'ilink-cursor';
export const CURSOR_VERSION = 1;
/** How many of the newest message ids the cursor keeps to drop re-deliveries (ilink-protocol.md §3, last row). */
export const CURSOR_SEEN = 200;

export interface IlinkSessionData {
	botToken: string;
	/** Where this account's calls go (`baseurl` of `confirmed`). */
	baseUrl: string;
	/** `ilink_bot_id`, `<12 hex>@im.bot`. */
	botId: string;
	/** `ilink_user_id` of the scanning user (the owner), `…@im.wechat`. */
	ownerId: string;
	/** Ms since the epoch of the login. */
	loggedInAt: number;
}

export class IlinkSession {
	readonly botToken: string;
	readonly baseUrl: string;
	readonly botId: string;
	readonly ownerId: string;
	readonly loggedInAt: number;
	/** The opaque getupdates cursor; '' before the first answer. */
	updatesBuf = '';
	private seen = new Set<string>();

	constructor(data: IlinkSessionData) {
		this.botToken = data.botToken;
		this.baseUrl = data.baseUrl || DEFAULT_BASE_URL;
		this.botId = data.botId;
		this.ownerId = data.ownerId;
		this.loggedInAt = data.loggedInAt;
	}

	/** Remembers a message id; false when it was seen already (a re-delivery). */
	markSeen(id: string): boolean {
		if (this.seen.has(id)) return false;
		this.seen.add(id);
		if (this.seen.size > CURSOR_SEEN * 5) this.seen.delete(this.seen.values().next().value as string);
		return true;
	}

	seenList(newest = CURSOR_SEEN): string[] {
		const all = [...this.seen];
		return all.slice(Math.max(0, all.length - newest));
	}

	toJSON(): string {
		return JSON.stringify({
			format: SESSION_FORMAT,
			version: SESSION_VERSION,
			botToken: this.botToken,
			baseUrl: this.baseUrl,
			botId: this.botId,
			ownerId: this.ownerId,
			loggedInAt: this.loggedInAt,
		});
	}

	/** The token-free receive position. */
	cursor(): string {
		return JSON.stringify({ format: CURSOR_FORMAT, version: CURSOR_VERSION, updatesBuf: this.updatesBuf, seen: this.seenList() });
	}

	/** Puts a saved position on this session; false (nothing changed) when the text is not a cursor this version reads. */
	applyCursor(text: string): boolean {
		let data: { format?: unknown; version?: unknown; updatesBuf?: unknown; seen?: unknown };
		try {
			data = JSON.parse(text) as typeof data;
		} catch {
			return false;
		}
		if (!data || data.format !== CURSOR_FORMAT || data.version !== CURSOR_VERSION || typeof data.updatesBuf !== 'string') return false;
		this.updatesBuf = data.updatesBuf;
		if (Array.isArray(data.seen)) for (const id of data.seen) if (typeof id === 'string') this.markSeen(id);
		return true;
	}

	static fromJSON(text: string): IlinkSession {
		let data: Partial<IlinkSessionData> & { format?: unknown; version?: unknown };
		try {
			data = JSON.parse(text) as typeof data;
		} catch {
			throw new Error('The stored iLink session is not valid JSON; log in again.');
		}
		if (!data || data.format !== SESSION_FORMAT) throw new Error('The stored value is not an iLink session; log in again.');
		if (data.version !== SESSION_VERSION) {
			throw new Error(`The stored iLink session has format version ${String(data.version)}, this package reads ${SESSION_VERSION}; log in again.`);
		}
		const str = (v: unknown) => (typeof v === 'string' ? v : '');
		if (!str(data.botToken) || !str(data.botId)) throw new Error('The stored iLink session is incomplete; log in again.');
		return new IlinkSession({
			botToken: str(data.botToken),
			baseUrl: str(data.baseUrl) || DEFAULT_BASE_URL,
			botId: str(data.botId),
			ownerId: str(data.ownerId),
			loggedInAt: typeof data.loggedInAt === 'number' ? data.loggedInAt : 0,
		});
	}
}
