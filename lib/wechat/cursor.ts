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
		seen: session.seenList(),
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
