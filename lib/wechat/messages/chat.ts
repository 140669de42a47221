/**
 * Who is who (protocol.md §3.1, §3.5): chat kinds and display names.
 */
import type { ChatKind, ChatRef, PersonRef, RawContact, RawMember } from '../types';
import type { NormalizeContext } from './context';
import { cleanText } from './text';

/** Built-in accounts (W4's SPECIAL_USERS): never persons, never official accounts. */
export const SPECIAL_USER_NAMES: ReadonlySet<string> = new Set([
	'newsapp',
	'fmessage',
	'filehelper',
	'weibo',
	'qqmail',
	'tmessage',
	'qmessage',
	'qqsync',
	'floatbottle',
	'lbsapp',
	'shakeapp',
	'medianote',
	'qqfriend',
	'readerapp',
	'blogapp',
	'facebookapp',
	'masssendapp',
	'meishiapp',
	'feedsapp',
	'voip',
	'blogappweixin',
	'weixin',
	'brandsessionholder',
	'weixinreminder',
	'officialaccounts',
	'notification_messages',
	'wxitil',
	'userexperience_alarm',
]);

/** OFF's group test: `@@…` (session id) or `…@chatroom` (raw id). */
export function isGroupUserName(userName: string): boolean {
	return userName.startsWith('@@') || userName.endsWith('@chatroom');
}

export function chatKind(userName: string, contact: RawContact | undefined): ChatKind {
	if (isGroupUserName(userName)) return 'group';
	if (SPECIAL_USER_NAMES.has(userName)) return 'special';
	// VerifyFlag & 8: personal MP (8), service/enterprise (24), "WeChat team" (56); gh_ = raw MP id.
	if ((contact && ((contact.VerifyFlag ?? 0) & 8) !== 0) || userName.startsWith('gh_')) return 'official';
	return 'user';
}

function nonEmpty(v: unknown): string {
	return typeof v === 'string' && v !== '' ? cleanText(v) : '';
}

/** A contact's name as the user sees it: RemarkName → NickName → the UserName. */
export function contactName(userName: string, contact: RawContact | undefined): string {
	if (!contact) return userName;
	return nonEmpty(contact.RemarkName) || nonEmpty(contact.NickName) || userName;
}

/** A group member's name: group card DisplayName → contact RemarkName → NickName → the UserName. */
export function memberName(
	userName: string,
	member: RawMember | undefined,
	contact: RawContact | undefined,
): string {
	return (
		nonEmpty(member?.DisplayName) ||
		nonEmpty(contact?.RemarkName) ||
		nonEmpty(member?.NickName) ||
		nonEmpty(contact?.NickName) ||
		userName
	);
}

export function chatRef(userName: string, ctx: NormalizeContext): ChatRef {
	const contact = userName ? ctx.contact(userName) : undefined;
	const kind = chatKind(userName, contact);
	// For a group, NickName is its topic (a RemarkName, when set, still wins).
	return { id: userName, kind, name: contactName(userName, contact) };
}

/** My name in a group (my group card, else my nickname), cleaned. */
export function selfNameIn(groupUserName: string | undefined, ctx: NormalizeContext): string {
	if (groupUserName) {
		const me = ctx.groupMember(groupUserName, ctx.selfUserName);
		const card = nonEmpty(me?.DisplayName);
		if (card) return card;
	}
	return nonEmpty(ctx.selfNickName) || ctx.selfUserName;
}

/** A group member as a PersonRef. */
export function memberRef(groupUserName: string, userName: string, ctx: NormalizeContext): PersonRef {
	if (userName === ctx.selfUserName) return { id: userName, name: selfNameIn(groupUserName, ctx) };
	return { id: userName, name: memberName(userName, ctx.groupMember(groupUserName, userName), ctx.contact(userName)) };
}
