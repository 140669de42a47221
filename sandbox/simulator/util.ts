/**
 * Small helpers shared by the simulator modules: random tokens in the server's
 * formats, escaping, lenient query/cookie parsing and the wire JSON encoder
 * (which keeps 64-bit NewMsgId values as bare numbers, like the real server).
 */

import { createHash, randomBytes, randomInt } from 'node:crypto';

export const CGI = '/cgi-bin/mmwebwx-bin/';

export function randomHex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

/** n decimal digits, never starting with 0. */
export function randomDigits(n: number): string {
	let s = String(randomInt(1, 10));
	while (s.length < n) s += String(randomInt(0, 10));
	return s;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomFrom(alphabet: string, n: number): string {
	let s = '';
	for (let i = 0; i < n; i++) s += alphabet[randomInt(0, alphabet.length)];
	return s;
}

export function randomAlnum(n: number): string {
	return randomFrom(ALNUM, n);
}

/** A 64-bit message id as the server writes it (19 digits, well above 2^53). */
export function newMsgId(): string {
	return String(randomInt(1, 9)) + randomDigits(18).slice(0, 18);
}

export function md5Hex(data: Buffer | string): string {
	return createHash('md5').update(data).digest('hex');
}

export function sha256Hex(data: Buffer | string): string {
	return createHash('sha256').update(data).digest('hex');
}

export function unixNow(): number {
	return Math.floor(Date.now() / 1000);
}

/** HTML escaping as the server applies it to Content (protocol.md §3.3). */
export function htmlEscape(s: string): string {
	return s
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/** Escaping for XML attribute values / text we build ourselves (before the outer HTML escape). */
export function xmlEscape(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

/** Decodes percent-escapes until stable (at most three rounds). */
export function fullyDecode(s: string): string {
	let cur = s;
	for (let i = 0; i < 3; i++) {
		const next = safeDecode(cur);
		if (next === cur) break;
		cur = next;
	}
	return cur;
}

/**
 * Compares a token the client sent with the one we issued, accepting the
 * encoded, re-encoded (`%252B`) and raw forms (CONTRACT: pass_ticket).
 */
export function tokensEqual(received: string | undefined, issued: string): boolean {
	if (received === undefined) return false;
	return fullyDecode(received) === fullyDecode(issued);
}

/**
 * Query parser that decodes `%xx` but keeps `+` literal: tokens (pass_ticket,
 * data tickets) legitimately contain `+`, and the real server is not a form parser.
 * The first occurrence of a repeated name wins.
 */
export function parseQuery(search: string): Record<string, string> {
	const out: Record<string, string> = {};
	const s = search.startsWith('?') ? search.slice(1) : search;
	if (!s) return out;
	for (const pair of s.split('&')) {
		if (!pair) continue;
		const eq = pair.indexOf('=');
		const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
		const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
		if (!(name in out)) out[name] = value;
	}
	return out;
}

/** Looks a query parameter up case-insensitively (msgid / MsgID, protocol.md §1.18-1.19). */
export function queryParam(query: Record<string, string>, name: string): string | undefined {
	if (name in query) return query[name];
	const lower = name.toLowerCase();
	for (const k of Object.keys(query)) if (k.toLowerCase() === lower) return query[k];
	return undefined;
}

export function parseCookies(header: string | string[] | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	if (!header) return out;
	const text = Array.isArray(header) ? header.join('; ') : header;
	for (const part of text.split(';')) {
		const eq = part.indexOf('=');
		if (eq <= 0) continue;
		const name = part.slice(0, eq).trim();
		if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
	}
	return out;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(obj: Record<string, unknown>, key: string): string | undefined {
	const v = obj[key];
	if (typeof v === 'string') return v;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return undefined;
}

/** A number, or a string of digits (clients disagree on the JSON type of ids and sizes). */
export function num(obj: Record<string, unknown>, key: string): number | undefined {
	const v = obj[key];
	if (typeof v === 'number' && Number.isFinite(v)) return v;
	if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
	return undefined;
}

const BIG = '\u0000big:';

/** JSON with bigint values written as bare integers (NewMsgId, protocol.md §3.1). */
export function wireJson(value: unknown): string {
	const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v.toString()}` : v));
	return text.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/** The value as a JavaScript client would see it after JSON.parse (bigint → rounded number). */
export function asParsed<T>(value: T): T {
	return JSON.parse(wireJson(value)) as T;
}

/** Uppercase initials of the ASCII words of a name, like the server's PYInitial for Latin names. */
export function pyInitial(name: string): string {
	return name
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w[0].toUpperCase())
		.join('');
}

export function pyQuanPin(name: string): string {
	return name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}
