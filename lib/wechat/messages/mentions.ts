/**
 * Mentions in group text (protocol.md §3.6). A phone-typed mention is `@` +
 * display name + U+2005; some clients use a plain space, and a mention at the
 * very end has none. A separator is required otherwise, so `@bot` never
 * matches `@botlaner` (OW PR#139).
 */

const MENTION_SPACE = 0x2005;
const MAX_NAME = 64;
const MAX_MENTIONS = 100;
const TRAILING_PUNCT = new Set([...',.!?;:，。！？；：、'].map((c) => c.charCodeAt(0)));

/** `name` without trailing punctuation, by index (a `[…]+$` pattern rescans from every position). */
function trimTrailingPunct(name: string): string {
	let end = name.length;
	while (end > 0 && TRAILING_PUNCT.has(name.charCodeAt(end - 1))) end--;
	return end === name.length ? name : name.slice(0, end);
}

function isSpace(code: number): boolean {
	// \s as a char-code test: ASCII whitespace, NBSP, U+2000–U+200A (incl. U+2005), U+3000 …
	return (
		code === 0x20 ||
		(code >= 0x09 && code <= 0x0d) ||
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/** `x@` where x could be part of an e-mail address: then a space-terminated `@…` is no mention. */
function isEmailChar(code: number): boolean {
	return (
		(code >= 0x30 && code <= 0x39) ||
		(code >= 0x41 && code <= 0x5a) ||
		(code >= 0x61 && code <= 0x7a) ||
		code === 0x2e ||
		code === 0x5f ||
		code === 0x25 ||
		code === 0x2b ||
		code === 0x2d
	);
}

/**
 * Names mentioned in `text`, as typed (without `@`), in order, without duplicates.
 * `@name<U+2005>` may contain spaces; `@name ` / `@name<end>` may not — unless
 * `name` is one of `knownNames` (e.g. my own group card "Me In Group").
 */
export function extractMentions(text: string, knownNames: readonly string[] = []): string[] {
	let at = text.indexOf('@');
	if (at === -1) return [];
	const found: string[] = [];
	const len = text.length;
	while (at !== -1 && found.length < MAX_MENTIONS) {
		const start = at + 1;
		const known = knownNames.find((n) => n && text.startsWith(n, start) && separated(text, start + n.length));
		if (known) {
			push(found, known);
			at = text.indexOf('@', start + known.length);
			continue;
		}
		const limit = Math.min(len, start + MAX_NAME + 1);
		// Pass 1: up to U+2005, not crossing a line break or another `@`.
		let j = start;
		while (j < limit) {
			const c = text.charCodeAt(j);
			if (c === MENTION_SPACE || c === 0x40 || c === 0x0a || c === 0x0d) break;
			j++;
		}
		let next = j;
		if (j < len && j > start && text.charCodeAt(j) === MENTION_SPACE) {
			push(found, text.slice(start, j));
			next = j + 1;
		} else if (at === 0 || !isEmailChar(text.charCodeAt(at - 1))) {
			// Pass 2: up to whitespace or end of text; an `@` right after means no separator.
			let k = start;
			while (k < limit) {
				const c = text.charCodeAt(k);
				if (c === 0x40 || isSpace(c)) break;
				k++;
			}
			if (k > start && (k === len || isSpace(text.charCodeAt(k)))) {
				// Hand-typed "@Bob, …": the comma is not part of the name.
				push(found, trimTrailingPunct(text.slice(start, k)));
				next = k;
			} else {
				next = k > start ? k : start;
			}
		} else {
			next = start;
		}
		at = text.indexOf('@', next);
	}
	return found;
}

function push(list: string[], name: string): void {
	const trimmed = name.trim();
	if (trimmed && !list.includes(trimmed)) list.push(trimmed);
}

/** End of text or whitespace (incl. U+2005) at `i`. */
function separated(text: string, i: number): boolean {
	return i === text.length || isSpace(text.charCodeAt(i));
}

/** True when `text` holds `@` + `name` followed by U+2005, whitespace or the end (IT's IsAt, stricter). */
export function mentionsName(text: string, name: string): boolean {
	if (!name) return false;
	const needle = '@' + name;
	let i = text.indexOf(needle);
	while (i !== -1) {
		if (separated(text, i + needle.length)) return true;
		i = text.indexOf(needle, i + 1);
	}
	return false;
}
