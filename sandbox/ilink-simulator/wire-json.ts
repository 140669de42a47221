/**
 * JSON text as the service writes it: uint64 ids (`bigint` values) are emitted
 * as bare numbers, so a plain `JSON.parse` rounds them (ilink-protocol.md §3,
 * `src/api/api.ts:518-573` re-quotes message_id / msg_id / svr_id).
 */

export function wireJson(value: unknown): string {
	if (typeof value === 'bigint') return value.toString(10);
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('base64'));
	if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : wireJson(v))).join(',')}]`;
	const parts: string[] = [];
	for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
		if (v === undefined) continue;
		parts.push(`${JSON.stringify(k)}:${wireJson(v)}`);
	}
	return `{${parts.join(',')}}`;
}

/** Replaces bigint by decimal strings (for records and the control API). */
export function plainJson<T>(value: T): T {
	return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(10) : v))) as T;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
