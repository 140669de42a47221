/** Contact resource: batched Get, Get Many, Get Group Members, Set Remark. */
import type { RawContact, WeChatClient } from '../../../lib/wechat';
import { contactKind, displayName, InvalidInputError, nameContains, UnknownContactError } from '../../../lib/wechat';
import { contactJson, groupWithMembers, memberJson, readLocator, resolveByName, resolveChat } from './chats';
import type { ActionContext, BatchOperation, ItemOperation, ItemResult } from './context';
import { settle } from './util';

/** The UserName an item asks for: names resolve from the cache, list picks from before a re-login by their name. */
async function wantedUserName(ctx: ActionContext, client: WeChatClient, i: number): Promise<string> {
	const locator = readLocator(ctx, 'contact', i);
	if (!locator.value) throw new InvalidInputError('No contact or group was given.', 'Pick one from the list, or enter a name or UserName.');
	if (locator.mode === 'name') return (await resolveByName(client, locator.value, ctx.signal)).UserName;
	if (locator.mode === 'list' && !client.cachedContact(locator.value) && locator.cachedResultName) {
		const byName = await settle(() => resolveChat(ctx, client, { mode: 'name', value: locator.cachedResultName as string }));
		if (byName.ok) return byName.value.UserName;
	}
	return locator.value;
}

/**
 * All items in one webwxbatchgetcontact (the client chunks by 50); each item
 * still gets its own result or error, in input order.
 */
const get: BatchOperation = async (ctx, indexes) => {
	const client = await ctx.client();
	const results = new Map<number, ItemResult | { error: unknown }>();
	const wanted = new Map<number, string>();
	for (const i of indexes) {
		const outcome = await settle(() => wantedUserName(ctx, client, i));
		if (outcome.ok) wanted.set(i, outcome.value);
		else results.set(i, { error: outcome.error });
	}
	const unique = [...new Set(wanted.values())];
	const found = unique.length ? await client.fetchContacts(unique, ctx.signal) : [];
	const byUserName = new Map(found.map((c) => [c.UserName, c]));
	for (const [i, userName] of wanted) {
		const contact = byUserName.get(userName);
		results.set(i, contact ? [{ json: contactJson(contact) }] : { error: new UnknownContactError(userName) });
	}
	return results;
};

function byName(a: RawContact, b: RawContact): number {
	return displayName(a).localeCompare(displayName(b));
}

function limitOf(ctx: ActionContext, i: number): number | undefined {
	if (ctx.fn.getNodeParameter('returnAll', i, false) as boolean) return undefined;
	return Math.max(1, Number(ctx.fn.getNodeParameter('limit', i, 50)) || 50);
}

const getAll: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const filters = ctx.fn.getNodeParameter('filters', i, {}) as { types?: string[]; search?: string };
	const options = ctx.fn.getNodeParameter('options', i, {}) as { refresh?: boolean };
	if (options.refresh) await client.loadContacts(ctx.signal);
	const types = new Set((filters.types ?? []).map((t) => (t === 'friend' ? 'user' : t)));
	const needle = (filters.search ?? '').trim().toLowerCase();
	const self = client.user?.UserName;
	const list = client
		.cachedContacts()
		.filter((c) => c.UserName !== self && (!types.size || types.has(contactKind(c))) && nameContains(c, needle))
		.sort(byName);
	const limit = limitOf(ctx, i);
	return (limit === undefined ? list : list.slice(0, limit)).map((c) => ({ json: contactJson(c) }));
};

const getGroupMembers: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const chat = await resolveChat(ctx, client, readLocator(ctx, 'group', i));
	const options = ctx.fn.getNodeParameter('options', i, {}) as { refresh?: boolean };
	const group = await groupWithMembers(client, chat, options.refresh === true, ctx.signal);
	const members = group.MemberList ?? [];
	const limit = limitOf(ctx, i);
	return (limit === undefined ? members : members.slice(0, limit)).map((m) => ({ json: memberJson(client, group, m) }));
};

const setRemark: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const contact = await resolveChat(ctx, client, readLocator(ctx, 'contact', i));
	const kind = contactKind(contact);
	if (kind !== 'user') {
		throw new InvalidInputError(
			`"${displayName(contact)}" is ${kind === 'group' ? 'a group' : kind === 'official' ? 'an official account' : 'a special account'}; only friends can have a remark name.`,
		);
	}
	const remark = await client.setRemark(contact.UserName, String(ctx.fn.getNodeParameter('remarkName', i, '') ?? ''), ctx.signal);
	return [{ json: contactJson({ ...contact, RemarkName: remark }) }];
};

export const contactBatchOperations: Record<string, BatchOperation> = { get };
export const contactOperations: Record<string, ItemOperation> = { getAll, getGroupMembers, setRemark };
