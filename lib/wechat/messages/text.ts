/**
 * Content clean-up (protocol.md §3.3), in the order that works: `<br/>` → `\n`,
 * then entities in one pass (so `&amp;` is effectively last: `&amp;lt;` → `&lt;`),
 * then emoji spans. Never throws; lone surrogates pass through untouched.
 */
import { codePointToString, decodeXmlEntities } from '../xml';

const BR_RE = /<br\s*\/?>/gi;
// IT: the server sometimes drops the final `>` of a span (seen on 1f450), hence `>?`.
const EMOJI_SPAN_RE = /<span class="emoji emoji([0-9a-fA-F]{1,10})\s*"\s*><\/span>?/g;

/** Mis-encoded cat faces etc. the server sends (IT's table; W4 has the first two). */
const EMOJI_FIXUPS: Record<string, string> = {
	'1f639': '1f602',
	'1f64d': '1f614',
	'1f63c': '1f601',
	'1f63a': '1f603',
	'1f4ab': '1f616',
	'1f63b': '1f60d',
	'1f63d': '1f618',
	'1f64e': '1f621',
	'1f63f': '1f622',
};

function hexChar(hex: string): string {
	return codePointToString(parseInt(hex, 16));
}

/**
 * One emoji span's hex → text. 1–5 digits: one code point; 6: 2+4 (keycaps such
 * as `2320e3`); 8: 4+4; 10: 5+5 (flags); 7/9: one code point if valid, else U+FFFD.
 */
export function emojiFromHex(hexIn: string): string {
	const lower = hexIn.toLowerCase();
	const hex = EMOJI_FIXUPS[lower] ?? lower;
	switch (hex.length) {
		case 6:
			return hexChar(hex.slice(0, 2)) + hexChar(hex.slice(2));
		case 8:
			return hexChar(hex.slice(0, 4)) + hexChar(hex.slice(4));
		case 10:
			return hexChar(hex.slice(0, 5)) + hexChar(hex.slice(5));
		default:
			return hexChar(hex);
	}
}

function emojiReplacer(_m: string, hex: string): string {
	return emojiFromHex(hex);
}

/** Replace `<span class="emoji emojiXXXX"></span>` with the emoji itself. */
export function convertEmojiSpans(text: string): string {
	if (text.indexOf('<span') === -1) return text;
	return text.replace(EMOJI_SPAN_RE, emojiReplacer);
}

/** Human text from an escaped Content / nickname: newlines, entities, emoji. */
export function cleanText(input: string): string {
	// Fast path: most plain text has nothing to clean.
	if (input.indexOf('<') === -1 && input.indexOf('&') === -1) return input;
	let s = input.indexOf('<') === -1 ? input : input.replace(BR_RE, '\n');
	s = decodeXmlEntities(s);
	return convertEmojiSpans(s);
}

/**
 * Escaped XML payload → XML text for the parser: `<br/>` → `\n` and one level
 * of entity decoding (the XML's own escapes, one level deeper, stay for the
 * parser). Content that already is raw XML (its first markup is a literal `<`)
 * is not decoded, so it is never unescaped twice.
 */
export function unescapeXmlContent(input: string): string {
	// Raw emoji spans inside an escaped payload would otherwise become elements.
	const s = input.indexOf('<') === -1 ? input : convertEmojiSpans(input).replace(BR_RE, '\n');
	const esc = s.indexOf('&lt;');
	if (esc === -1) return s;
	const lt = s.indexOf('<');
	return lt !== -1 && lt < esc ? s : decodeXmlEntities(s);
}
