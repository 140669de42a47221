/**
 * JSON as iLink writes it: uint64 ids (message_id, msg_id, svr_id, seq …) are
 * unquoted numbers that JSON.parse would round. `parseIlinkJson` quotes every
 * integer literal outside strings that is beyond ±(2^53−1) before parsing, so
 * it arrives as its exact decimal string, and refuses `__proto__` keys.
 */

/** Integer literals longer than this many digits may exceed 2^53 − 1 (16 digits). */
const SAFE_DIGITS = 15;

function isDigit(c: number): boolean {
	return c >= 48 && c <= 57;
}

/** The text with every unsafe integer literal (outside strings) wrapped in quotes. One linear pass. */
export function quoteLongIntegers(text: string): string {
	let out = '';
	let last = 0;
	let i = 0;
	const n = text.length;
	while (i < n) {
		const c = text.charCodeAt(i);
		if (c === 34 /* " */) {
			i++;
			while (i < n) {
				const d = text.charCodeAt(i);
				if (d === 92 /* \ */) i += 2;
				else if (d === 34) break;
				else i++;
			}
			i++;
			continue;
		}
		if (c === 45 /* - */ || isDigit(c)) {
			const start = i;
			if (c === 45) i++;
			const digitsStart = i;
			while (i < n && isDigit(text.charCodeAt(i))) i++;
			const digits = i - digitsStart;
			const next = i < n ? text.charCodeAt(i) : 0;
			const fractional = next === 46 /* . */ || next === 101 /* e */ || next === 69; /* E */
			if (!fractional && digits > SAFE_DIGITS) {
				const literal = text.slice(start, i);
				if (!Number.isSafeInteger(Number(literal))) {
					out += `${text.slice(last, start)}"${literal}"`;
					last = i;
				}
			}
			// Skip the rest of a number (fraction, exponent) so its digits are not read as a new literal.
			while (i < n && /[0-9.eE+-]/.test(text[i])) i++;
			continue;
		}
		i++;
	}
	return last === 0 ? text : out + text.slice(last);
}

export class UnsafeJsonError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsafeJsonError';
	}
}

/** JSON.parse with exact uint64s (as strings) and no `__proto__` / `constructor.prototype` keys. Throws SyntaxError or UnsafeJsonError. */
export function parseIlinkJson(text: string): unknown {
	return JSON.parse(quoteLongIntegers(text), (key: string, value: unknown) => {
		if (key === '__proto__') throw new UnsafeJsonError('JSON with a "__proto__" key refused.');
		if (key === 'prototype' && value && typeof value === 'object') throw new UnsafeJsonError('JSON with a "prototype" object refused.');
		return value;
	});
}

/** An id field as a string: numbers (small ones) and strings (exact ones) alike; anything else → undefined. */
export function idString(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}
