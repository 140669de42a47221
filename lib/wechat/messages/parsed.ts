import type { MediaReference, MessageType, PersonRef, RawAddMsg } from '../types';
import type { NormalizeContext } from './context';

/** What a per-type parser hands back to normalizeMessage. */
export interface Parsed {
	type: MessageType;
	text: string;
	details: Record<string, unknown>;
	media?: MediaReference;
	/** Overrides the sender (a friend request's stranger). */
	sender?: PersonRef;
}

/** What a per-type parser gets. */
export interface ParseInput {
	raw: RawAddMsg;
	/** The string MsgId. */
	id: string;
	msgType: number;
	/** Content without the group sender prefix, still escaped. */
	body: string;
	ctx: NormalizeContext;
}

/** Put `value` into `details` unless it is empty ('' / undefined / NaN / empty array). */
export function put(details: Record<string, unknown>, key: string, value: unknown): void {
	if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) return;
	if (Array.isArray(value) && value.length === 0) return;
	details[key] = value;
}

/** A string field of a server object (server payloads vary: numbers, null, missing). */
export function str(v: unknown): string {
	return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** A numeric field of a server object ('3' and 3 alike), else 0. */
export function num(v: unknown): number {
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	return Number.isFinite(n) ? n : 0;
}

/** A positive numeric field or undefined. */
export function positive(v: unknown): number | undefined {
	const n = num(v);
	return n > 0 ? n : undefined;
}
