/**
 * The chat vocabulary (protocol.md §3.1, §3.5, §6.15): who is a built-in
 * ("special") account, what kind of chat a UserName is, and which name a user
 * sees for a contact, a group or a group member. One module, used by the
 * contact cache, the message normalizer and the nodes alike.
 */
import type { ChatKind, RawContact, RawMember } from './types';

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

/** The kinds in the order the UI lists them. */
export const CHAT_KINDS: readonly ChatKind[] = ['user', 'group', 'official', 'special'];

/** OFF's group test: `@@…` (session id) or `…@chatroom` (raw id). */
export function isGroupUserName(userName: string): boolean {
	return userName.startsWith('@@') || userName.endsWith('@chatroom');
}

export function isSpecialUserName(userName: string): boolean {
	return SPECIAL_USER_NAMES.has(userName);
}

/** VerifyFlag & 8: personal MP (8), service/enterprise (24), "WeChat team" (56). */
export function isOfficialContact(contact: Pick<RawContact, 'VerifyFlag'> | undefined): boolean {
	return !!contact && ((contact.VerifyFlag ?? 0) & 8) !== 0;
}

/** Group, then special account, then official account (VerifyFlag, or a raw `gh_` MP id), else a person. */
export function chatKind(userName: string, contact?: Pick<RawContact, 'VerifyFlag'>): ChatKind {
	if (isGroupUserName(userName)) return 'group';
	if (isSpecialUserName(userName)) return 'special';
	if (isOfficialContact(contact) || userName.startsWith('gh_')) return 'official';
	return 'user';
}

/** chatKind of a contact from the cache. */
export function contactKind(contact: Pick<RawContact, 'UserName' | 'VerifyFlag'>): ChatKind {
	return chatKind(contact.UserName, contact);
}

/**
 * How a name from the server is shown: as sent (the nodes) or cleaned (the
 * message normalizer decodes entities and emoji spans). A name that cleans to
 * nothing counts as missing.
 */
export type NameCleaner = (name: string) => string;

const asSent: NameCleaner = (name) => name;

function firstName(candidates: ReadonlyArray<unknown>, fallback: string, clean: NameCleaner): string {
	for (const v of candidates) {
		if (typeof v !== 'string' || v === '') continue;
		const name = clean(v);
		if (name) return name;
	}
	return fallback;
}

/**
 * A contact's or group's name as the user sees it: RemarkName → NickName (a
 * group's topic) → the UserName.
 */
export function contactName(userName: string, contact: Pick<RawContact, 'RemarkName' | 'NickName'> | undefined, clean: NameCleaner = asSent): string {
	if (!contact) return userName;
	return firstName([contact.RemarkName, contact.NickName], userName, clean);
}

/** contactName of a contact from the cache. */
export function displayName(contact: Pick<RawContact, 'UserName' | 'RemarkName' | 'NickName'>, clean: NameCleaner = asSent): string {
	return contactName(contact.UserName, contact, clean);
}

/**
 * A group member's name: group card (DisplayName) → my remark for them →
 * their nickname in the member list → their contact nickname → the UserName.
 */
export function memberName(
	userName: string,
	member: Pick<RawMember, 'DisplayName' | 'NickName'> | undefined,
	contact: Pick<RawContact, 'RemarkName' | 'NickName'> | undefined,
	clean: NameCleaner = asSent,
): string {
	return firstName([member?.DisplayName, contact?.RemarkName, member?.NickName, contact?.NickName], userName, clean);
}

/** My own name in a chat: my group card there (when given), else my nickname, else my UserName. */
export function ownName(
	userName: string,
	nickName: string | undefined,
	myMember: Pick<RawMember, 'DisplayName'> | undefined,
	clean: NameCleaner = asSent,
): string {
	return firstName([myMember?.DisplayName, nickName], userName, clean);
}

/** A member entry that names the member (webwxinit lists group members without names, protocol.md §1.6). */
export function isNamedMember(member: Pick<RawMember, 'DisplayName' | 'NickName'>): boolean {
	return !!(member.NickName || member.DisplayName);
}

/**
 * The name a member shows in the group chat itself (what an @mention is typed
 * with): group card → nickname → contact nickname; '' when none is known.
 * A remark is private to me, so it is not part of this name.
 */
export function memberTag(member: Pick<RawMember, 'DisplayName' | 'NickName'>, contact?: Pick<RawContact, 'NickName'>): string {
	return firstName([member.DisplayName, member.NickName, contact?.NickName], '', asSent);
}

/** True when the remark, nickname or WeChat ID (alias) contains `needle` (already lower-case); an empty needle matches all. */
export function nameContains(contact: Pick<RawContact, 'RemarkName' | 'NickName' | 'Alias'>, needle: string): boolean {
	if (!needle) return true;
	return [contact.RemarkName, contact.NickName, contact.Alias].some((v) => !!v && v.toLowerCase().includes(needle));
}
