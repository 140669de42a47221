/** Small helpers shared by the operations (no n8n or Node imports). */

/** A call's result or error as a value, so errors can be mapped outside catch blocks. */
export async function settle<T>(task: () => Promise<T> | T): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await task() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** `a.b.c` lookup in item JSON; an empty path returns the object itself. */
export function getPath(data: unknown, path: string): unknown {
	const parts = path.split('.').map((p) => p.trim()).filter((p) => p !== '');
	let current: unknown = data;
	for (const part of parts) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export function splitNames(text: string | undefined): string[] {
	return (text ?? '')
		.split(/[,，\n]/)
		.map((s) => s.trim())
		.filter((s) => s !== '');
}

export function isoTime(ms: number): string {
	return new Date(ms).toISOString();
}

/** Milliseconds since the epoch from an ISO string, a Date, or a number (seconds or ms). */
export function toMillis(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'string') {
		if (/^\d+$/.test(value.trim())) return toMillis(Number(value));
		const t = Date.parse(value);
		return Number.isFinite(t) ? t : undefined;
	}
	if (typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		return (value as { toMillis(): number }).toMillis();
	}
	return undefined;
}

export function durationText(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	if (s < 90) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 90) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
	const h = Math.floor(m / 60);
	return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
