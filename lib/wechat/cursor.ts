/**
 * The receive position of a session — SyncKey, SyncCheckKey and the recent
 * MsgIds used for de-duplication — as its own small, token-free text. A
 * checkpoint stores it next to (not inside) the session, so workflow data never
 * holds a token (issue 16 item 6), and a restore can take the newest position
 * even when the stored session is older.
 */
import type { Session } from './session';
import type { SyncKey } from './types';

export const CURSOR_FORMAT = 'wechat-web-cursor';
export const CURSOR_VERSION = 1;
/**
 * How many of the latest MsgIds a cursor carries. A restore resumes at the saved
 * SyncKey, so the server sends nothing older again except its re-delivery of the
 * last message(s) after a hot reload (protocol.md §4.6, IT#238): the newest ids
 * are the ones that can still replay. The in-memory LRU keeps SEEN_LIMIT for the
 * replays within one run. Saving all 2,000 with every page cost the trigger a
 * quarter of its burst rate (bench scenario 2) and n8n a 44 KB static-data write
 * per emit.
 */
export const CURSOR_SEEN = 200;

interface SerializedCursor {
	format: typeof CURSOR_FORMAT;
	version: number;
	syncKey: SyncKey | null;
	syncCheckKey: SyncKey | null;
	seen: string[];
}

export function cursorOf(session: Session): string {
	const data: SerializedCursor = {
		format: CURSOR_FORMAT,
		version: CURSOR_VERSION,
		syncKey: session.syncKey,
		syncCheckKey: session.syncCheckKey,
		seen: session.seenList(CURSOR_SEEN),
	};
	return JSON.stringify(data);
}

function isSyncKey(value: unknown): value is SyncKey {
	const list = (value as { List?: unknown } | null)?.List;
	return Array.isArray(list) && list.every((k) => typeof (k as { Key?: unknown }).Key === 'number' && typeof (k as { Val?: unknown }).Val === 'number');
}

/** Puts a saved position onto a session; false (and nothing changed) when the text is not a cursor this version reads. */
export function applyCursor(session: Session, text: string): boolean {
	let data: Partial<SerializedCursor>;
	try {
		data = JSON.parse(text) as Partial<SerializedCursor>;
	} catch {
		return false;
	}
	if (!data || data.format !== CURSOR_FORMAT || data.version !== CURSOR_VERSION || !isSyncKey(data.syncKey)) return false;
	session.syncKey = { Count: data.syncKey.List.length, List: data.syncKey.List.map((k) => ({ Key: k.Key, Val: k.Val })) };
	session.syncCheckKey = isSyncKey(data.syncCheckKey)
		? { Count: data.syncCheckKey.List.length, List: data.syncCheckKey.List.map((k) => ({ Key: k.Key, Val: k.Val })) }
		: null;
	for (const id of Array.isArray(data.seen) ? data.seen : []) if (typeof id === 'string') session.markSeen(id);
	return true;
}
