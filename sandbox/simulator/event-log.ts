/**
 * The account's append-only event log (messages and contact changes) and the
 * SyncKey / SyncCheckKey that point into it. Key 1 is the log position; a
 * client that sends an older key gets the events again (CONTRACT "Sync").
 */

import type { Session } from './sessions';
import { randomInt } from 'node:crypto';
import { unixNow } from './util';

/** An AddMsg as it goes on the wire (NewMsgId as bigint). */
export type WireMsg = Record<string, unknown>;

export type LogEvent =
	| { seq: number; kind: 'msg'; msgId: string; render: (s: Session) => WireMsg }
	| { seq: number; kind: 'mod' | 'del'; contactId: string };

export type NewEvent =
	| { kind: 'msg'; msgId: string; render: (s: Session) => WireMsg }
	| { kind: 'mod' | 'del'; contactId: string };

export interface SyncKey {
	Count: number;
	List: Array<{ Key: number; Val: number }>;
}

export class EventLog {
	/** Position of the newest event; starts at a realistic large value. */
	seq = 650_000_000 + randomInt(0, 1_000_000);
	readonly events: LogEvent[] = [];
	/** Messages among events[0..i], kept as events are appended: keys are O(1) however long the log. */
	private readonly msgsUpTo: number[] = [];
	private readonly contactBase = 650_000_000 + randomInt(0, 1_000_000);
	private readonly msgBase = 650_000_000 + randomInt(0, 1_000_000);

	append(e: NewEvent): LogEvent {
		const ev = { ...e, seq: ++this.seq } as LogEvent;
		this.events.push(ev);
		const n = this.events.length;
		this.msgsUpTo.push((n > 1 ? this.msgsUpTo[n - 2] : 0) + (ev.kind === 'msg' ? 1 : 0));
		return ev;
	}

	/** Index of the last event at or before `seq` (-1: none). Seqs are consecutive, so no search. */
	private indexAt(seq: number): number {
		if (!this.events.length) return -1;
		return Math.max(-1, Math.min(seq - this.events[0].seq, this.events.length - 1));
	}

	after(seq: number): LogEvent[] {
		return this.events.slice(Math.max(0, this.indexAt(seq) + 1));
	}

	/** The newest message at or before `seq` and after `floor` (what a hot reload re-sends). */
	lastMessageAtOrBefore(seq: number, floor: number): Extract<LogEvent, { kind: 'msg' }> | undefined {
		for (let i = this.indexAt(seq); i >= 0 && this.events[i].seq > floor; i--) {
			const e = this.events[i];
			if (e.kind === 'msg') return e;
		}
		return undefined;
	}

	syncKey(seq: number): SyncKey {
		return { Count: 4, List: this.baseKeys(seq) };
	}

	/** The synccheck key: the SyncKey's four plus 11, 201 and 1001 (Count 7). */
	syncCheckKey(seq: number): SyncKey {
		const [k1, k2, k3, k1000] = this.baseKeys(seq);
		const now = unixNow();
		return {
			Count: 7,
			List: [k1, k2, k3, { Key: 11, Val: k1.Val - 1 }, { Key: 201, Val: now }, k1000, { Key: 1001, Val: now }],
		};
	}

	private baseKeys(seq: number): Array<{ Key: number; Val: number }> {
		const i = this.indexAt(seq);
		const msgs = i < 0 ? 0 : this.msgsUpTo[i];
		const contacts = i + 1 - msgs;
		return [
			{ Key: 1, Val: seq },
			{ Key: 2, Val: this.contactBase + contacts },
			{ Key: 3, Val: this.msgBase + msgs },
			{ Key: 1000, Val: unixNow() },
		];
	}
}

/** Parses synccheck's `K_V|K_V…`; null when malformed or Key 1 is missing. */
export function parseSyncCheckKey(text: string): Map<number, number> | null {
	if (!text) return null;
	const out = new Map<number, number>();
	for (const part of text.split('|')) {
		const m = /^(\d+)_(\d+)$/.exec(part);
		if (!m) return null;
		out.set(Number(m[1]), Number(m[2]));
	}
	return out.has(1) ? out : null;
}

/** Key 1 of a webwxsync body's SyncKey; null when the object is malformed. */
export function syncKeyPosition(value: unknown): number | null {
	if (typeof value !== 'object' || value === null) return null;
	const list = (value as { List?: unknown }).List;
	if (!Array.isArray(list) || list.length === 0) return null;
	let pos: number | null = null;
	for (const item of list) {
		if (typeof item !== 'object' || item === null) return null;
		const { Key, Val } = item as { Key?: unknown; Val?: unknown };
		if (typeof Key !== 'number' || typeof Val !== 'number') return null;
		if (Key === 1) pos = Val;
	}
	return pos;
}
