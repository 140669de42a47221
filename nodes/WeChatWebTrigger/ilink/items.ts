/**
 * iLink messages as items on the Messages output, shaped like the Web route's
 * where meanings match (id, type, text, chat, sender, media, timestamp, date),
 * from publicMessage (no context token, no AES keys in `raw`), plus the reply
 * budget of the chat. A quote that carries only the server id is resolved from
 * the account's recent messages (QuoteCache).
 */
import type { IDataObject } from 'n8n-workflow';
import type { IlinkClient, IlinkMessage, IlinkMessageType } from '../../../lib/ilink';
import { publicMessage } from '../../../lib/ilink';

/** Recent messages per account remembered for quotes. */
export const QUOTE_CACHE_SIZE = 200;

interface Remembered {
	text: string;
	type: IlinkMessageType;
}

/** The newest messages of one account (id → text, type), bounded; shared by every trigger of the account in this process. */
export class QuoteCache {
	private readonly entries = new Map<string, Remembered>();

	constructor(private readonly size = QUOTE_CACHE_SIZE) {}

	remember(m: Pick<IlinkMessage, 'id' | 'text' | 'type'>): void {
		if (!m.id) return;
		this.entries.delete(m.id);
		this.entries.set(m.id, { text: m.text, type: m.type });
		while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value as string);
	}

	get(id: string): Remembered | undefined {
		return this.entries.get(id);
	}
}

const caches = new Map<string, QuoteCache>();

export function quoteCacheFor(account: string): QuoteCache {
	let cache = caches.get(account);
	if (!cache) {
		cache = new QuoteCache();
		caches.set(account, cache);
	}
	return cache;
}

/** The item json of one message (token-free); the message is remembered for later quotes. */
export function messageItemJson(message: IlinkMessage, client: IlinkClient, cache: QuoteCache): IDataObject {
	const pub = publicMessage(message);
	const quoted = pub.quoted ? { ...pub.quoted } : undefined;
	if (quoted?.id && !quoted.text) {
		const known = cache.get(quoted.id);
		if (known) {
			if (known.text) quoted.text = known.text;
			quoted.type ??= known.type;
		}
	}
	cache.remember(message);
	const status = client.budgetStatus(message.chat.id);
	const json = {
		...pub,
		date: new Date(message.timestampMs || message.timestamp * 1000).toISOString(),
		media: pub.media ?? null,
		quoted: quoted ?? null,
		windowExpiresAt: status.windowExpiresAt === undefined ? null : new Date(status.windowExpiresAt).toISOString(),
		sendsLeft: status.sendsLeft,
	};
	// Plain JSON (no undefined fields): it goes to static data and to n8n as is.
	return JSON.parse(JSON.stringify(json)) as IDataObject;
}
