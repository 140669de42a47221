/**
 * Who is who in a message (protocol.md §3.1, §3.5): the chat and the people in
 * it, named by the chat vocabulary (../chats.ts) with the names cleaned.
 */
import { chatKind, contactName, memberName, ownName } from '../chats';
import type { ChatRef, PersonRef } from '../types';
import type { NormalizeContext } from './context';
import { cleanText } from './text';

export function chatRef(userName: string, ctx: NormalizeContext): ChatRef {
	const contact = userName ? ctx.contact(userName) : undefined;
	const kind = chatKind(userName, contact);
	// For a group, NickName is its topic (a RemarkName, when set, still wins).
	return { id: userName, kind, name: contactName(userName, contact, cleanText) };
}

/** My name in a group (my group card, else my nickname), cleaned. */
export function selfNameIn(groupUserName: string | undefined, ctx: NormalizeContext): string {
	const me = groupUserName ? ctx.groupMember(groupUserName, ctx.selfUserName) : undefined;
	return ownName(ctx.selfUserName, ctx.selfNickName, me, cleanText);
}

/** A group member as a PersonRef. */
export function memberRef(groupUserName: string, userName: string, ctx: NormalizeContext): PersonRef {
	if (userName === ctx.selfUserName) return { id: userName, name: selfNameIn(groupUserName, ctx) };
	return { id: userName, name: memberName(userName, ctx.groupMember(groupUserName, userName), ctx.contact(userName), cleanText) };
}
