/**
 * Group messages carry their author as a Content prefix (protocol.md §3.5):
 * `@<alnum>:<br/>` or a raw id (letters, digits, `_`, `-`) then `:<br/>` — OFF's
 * pattern, which PW4 reuses. Bounded so a huge Content cannot make it slow.
 */
const GROUP_SENDER_RE = /^(@[A-Za-z0-9]{1,128}|[A-Za-z0-9_-]{1,128}):<br\/>/;

export interface GroupSplit {
	/** The author's UserName (or raw id). */
	sender: string;
	/** Content after the prefix, still escaped. */
	body: string;
}

/** Split `@sender:<br/>rest`; null when Content has no such prefix. */
export function splitGroupSender(content: string): GroupSplit | null {
	const m = GROUP_SENDER_RE.exec(content);
	if (!m) return null;
	return { sender: m[1], body: content.slice(m[0].length) };
}
