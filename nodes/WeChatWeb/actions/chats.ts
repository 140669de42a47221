/**
 * Turning a resource locator (list / UserName / name) into a contact of the
 * current session, and contacts into item JSON without anything secret.
 */
import type { IDataObject, INodeParameterResourceLocator } from 'n8n-workflow';
import type { RawContact, RawMember, WeChatClient } from '../../../lib/wechat';
import {
	AmbiguousContactError,
	contactKind,
	displayName,
	InvalidInputError,
	isGroupUserName,
	isNamedMember,
	memberName,
	memberTag,
	UnknownContactError,
	WeChatError,
} from '../../../lib/wechat';
import type { ActionContext } from './context';
import { settle } from './util';

export interface Locator {
	mode: string;
	value: string;
	cachedResultName?: string;
}

/** Reads a resource locator parameter; a plain string (expression, older workflow) counts as a name or, with `@`, a UserName. */
export function readLocator(ctx: ActionContext, name: string, itemIndex: number): Locator {
	const raw = ctx.fn.getNodeParameter(name, itemIndex) as INodeParameterResourceLocator | string | undefined;
	if (raw && typeof raw === 'object') {
		return {
			mode: String(raw.mode ?? 'id'),
			value: String(raw.value ?? '').trim(),
			cachedResultName: typeof raw.cachedResultName === 'string' ? raw.cachedResultName : undefined,
		};
	}
	const value = String(raw ?? '').trim();
	return { mode: value.startsWith('@') ? 'id' : 'name', value };
}

/** Contacts the cache does not know are fetched with one batch lookup; a stale list pick falls back to its name. */
export async function resolveChat(ctx: ActionContext, client: WeChatClient, locator: Locator): Promise<RawContact> {
	const { mode, value } = locator;
	if (!value) throw new InvalidInputError('No contact or group was given.', 'Pick one from the list, or enter a name or UserName.');
	if (mode === 'name') return resolveByName(client, value, ctx.signal);
	const cached = client.cachedContact(value);
	if (cached) return cached;
	if (value.startsWith('@')) {
		const [found] = await client.fetchContacts([value], ctx.signal);
		if (found && found.UserName === value) return found;
	}
	// UserNames change at every login: a chat picked from the list before a re-login is found by its name.
	if (mode === 'list' && locator.cachedResultName) return resolveByName(client, stripKind(locator.cachedResultName), ctx.signal);
	throw new UnknownContactError(value);
}

/** Remark, nickname or WeChat ID; a miss reloads the contact list once (a friend added since). */
export async function resolveByName(client: WeChatClient, name: string, signal?: AbortSignal): Promise<RawContact> {
	const first = await settle(() => client.resolveContact(name));
	if (first.ok) return first.value;
	if (!(first.error instanceof UnknownContactError)) throw first.error;
	await client.loadContacts(signal);
	return client.resolveContact(name);
}

/** The list shows "Name (group)"; the suffix is not part of the name. */
function stripKind(label: string): string {
	return label.replace(/ \((group|official account|special account)\)$/, '');
}

export function listLabel(c: RawContact): string {
	const kind = contactKind(c);
	const name = displayName(c);
	if (kind === 'group') return `${name} (group)`;
	if (kind === 'official') return `${name} (official account)`;
	if (kind === 'special') return `${name} (special account)`;
	return name;
}

export function chatRef(c: RawContact): IDataObject {
	return { id: c.UserName, name: displayName(c), kind: contactKind(c) };
}

/**
 * A contact as item JSON. HeadImgUrl is left out on purpose: it carries the
 * session's skey (use Media → Get Avatar for the picture).
 */
export function contactJson(c: RawContact): IDataObject {
	const kind = contactKind(c);
	const out: IDataObject = {
		id: c.UserName,
		name: displayName(c),
		kind,
		nickName: c.NickName ?? '',
		remarkName: c.RemarkName ?? '',
		alias: c.Alias ?? '',
		isGroup: kind === 'group',
		isOfficial: kind === 'official',
	};
	if (kind === 'group') {
		out.memberCount = c.MemberList?.length || c.MemberCount || 0;
		if (c.ChatRoomOwner) out.ownerId = c.ChatRoomOwner;
	} else {
		out.sex = c.Sex === 1 ? 'male' : c.Sex === 2 ? 'female' : 'unknown';
		out.signature = c.Signature ?? '';
		out.province = c.Province ?? '';
		out.city = c.City ?? '';
		out.starred = c.StarFriend === 1;
	}
	if (c.VerifyFlag !== undefined) out.verifyFlag = c.VerifyFlag;
	return out;
}

/** How the group shows a member (what an @mention is typed with): group nickname, else nickname; '' when unknown. */
export function mentionName(client: WeChatClient, m: RawMember): string {
	return memberTag(m, client.cachedContact(m.UserName));
}

export function memberJson(client: WeChatClient, group: RawContact, m: RawMember): IDataObject {
	const contact = client.cachedContact(m.UserName);
	const self = client.user?.UserName === m.UserName;
	return {
		id: m.UserName,
		name: memberName(m.UserName, m, contact),
		nickName: m.NickName || contact?.NickName || '',
		displayName: m.DisplayName ?? '',
		remarkName: contact?.RemarkName ?? '',
		isFriend: !!contact && !isGroupUserName(contact.UserName),
		isMe: self,
		group: { id: group.UserName, name: displayName(group) },
	};
}

/** A group with its member list (fetched when the cache has none, or on request). */
export async function groupWithMembers(client: WeChatClient, group: RawContact, refresh: boolean, signal?: AbortSignal): Promise<RawContact> {
	if (!isGroupUserName(group.UserName)) throw new InvalidInputError(`"${displayName(group)}" is not a group.`, 'Pick a group chat.');
	// webwxinit lists groups with members but without names (protocol.md §1.6): those need the lookup too.
	if (!refresh && group.MemberList?.length && group.MemberList.every(isNamedMember)) return group;
	await client.fetchContacts([group.UserName], signal);
	return client.cachedContact(group.UserName) ?? group;
}

/** Group member by group nickname, nickname, remark name or UserName; exact before case-insensitive. */
export function findMember(client: WeChatClient, group: RawContact, query: string): RawMember {
	const q = query.trim().replace(/^@/, '');
	const members = group.MemberList ?? [];
	const byId = members.find((m) => m.UserName === q);
	if (byId) return byId;
	const fields: Array<(m: RawMember) => string | undefined> = [
		(m) => m.DisplayName,
		(m) => client.cachedContact(m.UserName)?.RemarkName,
		(m) => m.NickName || client.cachedContact(m.UserName)?.NickName,
	];
	for (const caseless of [false, true]) {
		const needle = caseless ? q.toLowerCase() : q;
		for (const field of fields) {
			const hits = members.filter((m) => {
				const v = field(m);
				return !!v && (caseless ? v.toLowerCase() : v) === needle;
			});
			if (hits.length === 1) return hits[0];
			if (hits.length > 1) throw new AmbiguousContactError(query, hits.map((m) => `${m.DisplayName || m.NickName} (${m.UserName.slice(0, 12)}…)`));
		}
	}
	throw new WeChatError(
		'UNKNOWN_CONTACT',
		`No member of the group "${displayName(group)}" matches "${query}".`,
		'Use the member\'s group nickname, nickname, your remark name for them, or their UserName.',
	);
}
