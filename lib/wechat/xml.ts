/**
 * Defensive XML parsing for everything the server sends as XML (login answers,
 * message payloads). A thin wrapper around fast-xml-parser with fixed, safe
 * options:
 *
 * - Result shape: elements become object keys; repeated siblings become arrays;
 *   attributes are keys prefixed with `@` (so `<msg md5="x"><md5>y</md5></msg>`
 *   gives `{ msg: { '@md5': 'x', md5: 'y' } }` — no clash between attribute
 *   and child); mixed text sits under `#text`. Values are always strings (never
 *   numbers: 64-bit message ids must survive), trimmed.
 * - Entities: only the five XML entities and numeric character references are
 *   decoded (invalid code points become U+FFFD). DOCTYPE-declared entities are
 *   never expanded (no "billion laughs"); external entities are never fetched
 *   (fast-xml-parser rejects them, we answer null).
 * - Limits: input longer than `maxLength` (default 1 MiB) or nested deeper than
 *   `maxDepth` (default 64) → null.
 * - No prototype pollution: elements/attributes named `__proto__`,
 *   `constructor` or `prototype` are dropped from the result.
 * - Never throws: malformed input → null.
 */
import { XMLParser } from '../vendor';

export interface XmlNode {
	[key: string]: XmlValue;
}
export type XmlValue = string | XmlNode | XmlValue[];

export interface ParseXmlOptions {
	/** Inputs longer than this (UTF-16 code units) are refused. Default 1 MiB. */
	maxLength?: number;
	/** Deepest element nesting accepted. Default 64. */
	maxDepth?: number;
	/** Prefix of attribute keys. Default `@`; `''` merges attributes with children. */
	attributePrefix?: string;
}

export const XML_MAX_LENGTH = 1024 * 1024;
export const XML_MAX_DEPTH = 64;

/** A code point as a string; surrogates, NUL and values past U+10FFFF become U+FFFD. */
export function codePointToString(cp: number): string {
	if (!(cp > 0 && cp <= 0x10ffff) || (cp >= 0xd800 && cp <= 0xdfff)) return '\uFFFD';
	return String.fromCodePoint(cp);
}

const DEC_RE = /^#[0-9]{1,8}$/;
const HEX_RE = /^#[xX][0-9a-fA-F]{1,8}$/;

/** The text of entity `name` (between `&` and `;`), or undefined when it is not one we decode. */
function entityText(name: string): string | undefined {
	switch (name) {
		case 'lt':
			return '<';
		case 'gt':
			return '>';
		case 'amp':
			return '&';
		case 'quot':
			return '"';
		case 'apos':
			return "'";
	}
	if (name.charCodeAt(0) !== 0x23 /* # */) return undefined;
	if (DEC_RE.test(name)) return codePointToString(parseInt(name.slice(1), 10));
	if (HEX_RE.test(name)) return codePointToString(parseInt(name.slice(2), 16));
	return undefined;
}

/**
 * Decode the five XML entities and numeric references in one left-to-right
 * pass (a decoded `&amp;lt;` yields `&lt;`, never `<`); anything else stays
 * literal. A hand-written scan: several times faster than a regex callback.
 */
export function decodeXmlEntities(text: string): string {
	let amp = text.indexOf('&');
	if (amp === -1) return text;
	let out = '';
	let last = 0;
	const len = text.length;
	while (amp !== -1) {
		// Look for `;` only as far as the longest name we decode (`#xFFFFFFFF`, 10 chars):
		// a bounded scan keeps hostile `&&&&…;` input linear.
		const end = Math.min(len, amp + 12);
		let semi = -1;
		for (let k = amp + 2; k < end; k++) {
			if (text.charCodeAt(k) === 0x3b) {
				semi = k;
				break;
			}
		}
		if (semi !== -1) {
			const decoded = entityText(text.slice(amp + 1, semi));
			if (decoded !== undefined) {
				out += text.slice(last, amp) + decoded;
				last = semi + 1;
				amp = text.indexOf('&', last);
				continue;
			}
		}
		amp = text.indexOf('&', amp + 1);
	}
	return last === 0 ? text : out + text.slice(last);
}

// fast-xml-parser's entity hook: we ignore DOCTYPE (input) and external entities entirely.
const entityDecoder = {
	reset(): void {},
	setXmlVersion(): void {},
	addInputEntities(): void {},
	setExternalEntities(): void {},
	decode: decodeXmlEntities,
};

const CRITICAL_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// Not a valid XML name, so it can never collide with a real element.
const DROPPED = '#dropped';

interface ParserSlot {
	parser: XMLParser;
	/** Set by the name transforms when a critical name was seen during the current parse. */
	sawCritical: boolean;
}

const parsers = new Map<string, ParserSlot>();

function parserFor(maxDepth: number, prefix: string): ParserSlot {
	const key = `${maxDepth}|${prefix}`;
	let slot = parsers.get(key);
	if (slot) return slot;
	const s: ParserSlot = { parser: undefined as unknown as XMLParser, sawCritical: false };
	const guard = (name: string): string => {
		if (CRITICAL_NAMES.has(name)) {
			s.sawCritical = true;
			return DROPPED;
		}
		return name;
	};
	// Attribute names arrive with the prefix; `@__proto__` is harmless but dropped all the same.
	const guardAttr = (name: string): string =>
		prefix && name.startsWith(prefix) && CRITICAL_NAMES.has(name.slice(prefix.length)) ? guard(name.slice(prefix.length)) : guard(name);
	s.parser = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: prefix,
		textNodeName: '#text',
		parseTagValue: false,
		parseAttributeValue: false,
		trimValues: true,
		processEntities: { enabled: true, maxEntityCount: 100, maxEntitySize: 1000 },
		entityDecoder,
		htmlEntities: false,
		ignoreDeclaration: true,
		ignorePiTags: true,
		removeNSPrefix: false,
		allowBooleanAttributes: false,
		// fast-xml-parser lets one level more through than it says.
		maxNestedTags: Math.max(0, maxDepth - 1),
		jPath: false,
		transformTagName: guard,
		transformAttributeName: guardAttr,
	});
	slot = s;
	parsers.set(key, slot);
	return slot;
}

function dropCritical(value: XmlValue): void {
	if (typeof value === 'string') return;
	if (Array.isArray(value)) {
		for (const v of value) dropCritical(v);
		return;
	}
	delete value[DROPPED];
	for (const k of Object.keys(value)) dropCritical(value[k]);
}

/**
 * Parse XML text into a plain object tree (see the module comment for the
 * shape and the guarantees), or null when the input is not acceptable.
 */
export function parseXml(text: string, opts: ParseXmlOptions = {}): XmlNode | null {
	if (typeof text !== 'string') return null;
	if (text.length > (opts.maxLength ?? XML_MAX_LENGTH)) return null;
	const slot = parserFor(opts.maxDepth ?? XML_MAX_DEPTH, opts.attributePrefix ?? '@');
	slot.sawCritical = false;
	let out: unknown;
	try {
		out = slot.parser.parse(text);
	} catch {
		return null;
	}
	if (!out || typeof out !== 'object' || Array.isArray(out)) return null;
	const node = out as XmlNode;
	if (slot.sawCritical) dropCritical(node);
	return node;
}

// ---- Accessors: tolerant reads of a parsed tree (arrays → first item, missing → '') ----

const hasOwn = Object.prototype.hasOwnProperty;

function first(v: unknown): unknown {
	return Array.isArray(v) ? v[0] : v;
}

/** The node at `path` (first item where a level is repeated), or undefined. */
export function xmlChild(node: unknown, ...path: string[]): unknown {
	let cur: unknown = first(node);
	for (const key of path) {
		if (!cur || typeof cur !== 'object' || !hasOwn.call(cur, key)) return undefined;
		cur = first((cur as Record<string, unknown>)[key]);
	}
	return cur;
}

/** Text content of the node at `path` (its `#text` when it also has attributes), else ''. */
export function xmlText(node: unknown, ...path: string[]): string {
	const v = xmlChild(node, ...path);
	if (typeof v === 'string') return v;
	if (v && typeof v === 'object' && hasOwn.call(v, '#text')) {
		const t = first((v as Record<string, unknown>)['#text']);
		return typeof t === 'string' ? t : '';
	}
	return '';
}

/** Attribute `name` of the node (default `@` prefix), else ''. */
export function xmlAttr(node: unknown, name: string, prefix = '@'): string {
	const v = xmlChild(node, prefix + name);
	return typeof v === 'string' ? v : '';
}

/** All nodes at `path` as an array (the last level may be repeated). */
export function xmlList(node: unknown, ...path: string[]): unknown[] {
	if (path.length === 0) return node === undefined ? [] : Array.isArray(node) ? node : [node];
	const parent = xmlChild(node, ...path.slice(0, -1));
	const last = path[path.length - 1];
	if (!parent || typeof parent !== 'object' || !hasOwn.call(parent, last)) return [];
	const v = (parent as Record<string, unknown>)[last];
	return Array.isArray(v) ? v : [v];
}
