/**
 * Status notify, MsgType 51 (protocol.md §3.7). Code 4 lists recent chats twice:
 * session UserNames in StatusNotifyUserName and raw ids in the Content XML, in
 * the same order — pairing them gives stable ids (IT's update_local_uin).
 */
import { parseXml, xmlAttr, xmlChild, xmlText } from '../xml';
import { num, put, str, type ParseInput, type Parsed } from './parsed';
import { unescapeXmlContent } from './text';

function list(v: string): string[] {
	return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function parseStatusNotify(input: ParseInput): Parsed {
	const { raw, body } = input;
	const details: Record<string, unknown> = { code: num(raw.StatusNotifyCode) };
	const userNames = list(str(raw.StatusNotifyUserName));
	let rawIds: string[] = [];
	// EFB: empty Content happens while browsing history on the phone — nothing to parse.
	if (body) {
		const op = xmlChild(parseXml(unescapeXmlContent(body)), 'msg', 'op');
		put(details, 'opId', num(xmlAttr(op, 'id')) || undefined);
		rawIds = list(xmlText(op, 'username'));
	}
	put(details, 'userNames', userNames);
	put(details, 'rawIds', rawIds);
	if (userNames.length > 0 && userNames.length === rawIds.length) {
		details.chats = userNames.map((userName, i) => ({ userName, rawId: rawIds[i] }));
	}
	return { type: 'statusNotify', text: '', details };
}
