/**
 * System messages (10000, 9999) and revoke notices (10002) — protocol.md §3.8, §3.9.
 * Newer servers embed `<sysmsg type="…">` XML (revokemsg, pat, sysmsgtemplate …).
 */
import { parseXml, xmlAttr, xmlChild, xmlList, xmlText } from '../xml';
import { put, type ParseInput, type Parsed } from './parsed';
import { cleanText, unescapeXmlContent } from './text';

// OFF strips links (`<a href="weixin://…">…</a>`) from system text; keep the link text.
// `[^<>]*`, not `[^>]*`: a scan from one `<a ` stops at the next `<`, so `<a href="`
// repeated without `>` costs linear time instead of rescanning to the end from every tag.
const LINK_TAG_RE = /<\/?(?:a|_wc_custom_link_)(?:\s[^<>]*)?>/gi;
// pat templates: `${fromusername@textstatusicon}` or a raw id, `${wxid_abc}`.
const PAT_VAR_RE = /\$\{([A-Za-z0-9_-]{1,64})(?:@[A-Za-z_]{1,32})?\}/g;
// sysmsgtemplate templates: `$username$`.
const TEMPLATE_VAR_RE = /\$([A-Za-z0-9_]+)\$/g;
const SYSMSG_START_RE = /&lt;sysmsg|<sysmsg/;

/** Everything from the first `<sysmsg` (raw or escaped) as parseable XML, else null. */
function sysmsgXml(body: string): string | null {
	const esc = body.indexOf('&lt;sysmsg');
	const raw = body.indexOf('<sysmsg');
	if (esc === -1 && raw === -1) return null;
	const xml = unescapeXmlContent(body);
	const at = xml.indexOf('<sysmsg');
	return at === -1 ? null : xml.slice(at);
}

function revoke(node: unknown): Parsed {
	const rv = xmlChild(node, 'revokemsg');
	const details: Record<string, unknown> = {};
	// msgid = the recalled message's MsgId (string, 64-bit); PW4's newmsgid as a fallback.
	put(details, 'revokedMsgId', xmlText(rv, 'msgid') || xmlText(rv, 'newmsgid'));
	put(details, 'oldMsgId', xmlText(rv, 'oldmsgid'));
	put(details, 'session', xmlText(rv, 'session'));
	const replaceMsg = xmlText(rv, 'replacemsg');
	put(details, 'replaceMsg', replaceMsg);
	return { type: 'revoke', text: replaceMsg, details };
}

function pat(node: unknown, details: Record<string, unknown>): string {
	const p = xmlChild(node, 'pat');
	const vars = new Map<string, string>([
		['fromusername', xmlText(p, 'fromusername')],
		['chatusername', xmlText(p, 'chatusername')],
		['pattedusername', xmlText(p, 'pattedusername')],
	]);
	const template = xmlText(p, 'template');
	put(details, 'fromUser', vars.get('fromusername'));
	put(details, 'chatUser', vars.get('chatusername'));
	put(details, 'pattedUser', vars.get('pattedusername'));
	put(details, 'template', template);
	// The ids are raw wxids (not session UserNames), so they stand in for the names.
	return template.replace(PAT_VAR_RE, (_m, name: string) => vars.get(name.toLowerCase()) || name);
}

function template(node: unknown, details: Record<string, unknown>): string {
	const ct = xmlChild(node, 'sysmsgtemplate', 'content_template');
	const tpl = xmlText(ct, 'template');
	put(details, 'template', tpl);
	const links = new Map<string, string>();
	for (const link of xmlList(ct, 'link_list', 'link')) {
		const name = xmlAttr(link, 'name');
		if (!name) continue;
		const members = xmlList(xmlChild(link, 'memberlist'), 'member')
			.map((m) => xmlText(m, 'nickname') || xmlText(m, 'username'))
			.filter(Boolean);
		const sep = xmlText(link, 'separator') || '、';
		links.set(name, members.length > 0 ? members.join(sep) : xmlText(link, 'plain') || xmlText(link, 'title'));
	}
	return tpl.replace(TEMPLATE_VAR_RE, (m, name: string) => links.get(name) ?? m);
}

/** A parsed `<sysmsg>` → revoke or system. */
function fromSysmsg(doc: unknown, fallbackText: string): Parsed {
	const node = xmlChild(doc, 'sysmsg');
	const kind = xmlAttr(node, 'type');
	if (kind === 'revokemsg' || xmlChild(node, 'revokemsg') !== undefined) return revoke(node);
	const details: Record<string, unknown> = {};
	put(details, 'sysmsgType', kind);
	let text: string;
	if (kind === 'pat') text = pat(node, details);
	else if (kind === 'sysmsgtemplate') text = template(node, details);
	else {
		const inner = kind ? xmlChild(node, kind) : undefined;
		text = xmlText(inner, 'plain') || xmlText(inner, 'text') || xmlText(inner, 'content');
	}
	return { type: 'system', text: text || fallbackText, details };
}

/** MsgType 10000 / 9999: plain notice text, or embedded sysmsg XML. */
export function parseSystem(input: ParseInput): Parsed {
	const { body } = input;
	const xml = body.indexOf('sysmsg') === -1 ? null : sysmsgXml(body);
	if (xml !== null) {
		const doc = parseXml(xml);
		if (doc) {
			const before = body.slice(0, Math.max(0, body.search(SYSMSG_START_RE)));
			return fromSysmsg(doc, cleanText(before.replace(LINK_TAG_RE, '')).trim());
		}
	}
	return { type: 'system', text: cleanText(body.indexOf('<') === -1 ? body : body.replace(LINK_TAG_RE, '')), details: {} };
}

/** MsgType 10002: a revoke notice (or another sysmsg the server files under this type). */
export function parseRecalled(input: ParseInput): Parsed {
	const xml = sysmsgXml(input.body);
	const doc = xml === null ? null : parseXml(xml);
	if (doc) return fromSysmsg(doc, '');
	// No (parseable) XML: still a revoke notice, without the id; plain text is kept.
	const { body } = input;
	const plain = body.indexOf('<') === -1 && body.indexOf('&lt;') === -1;
	return { type: 'revoke', text: plain ? cleanText(body) : '', details: {} };
}
