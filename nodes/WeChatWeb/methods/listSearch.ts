/** Searchable pickers for the resource locators: chats, friends, groups. */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import type { ChatKind, RawContact } from '../../../lib/wechat';
import { contactKind, displayName, nameContains } from '../../../lib/wechat';
import { clientForExecution } from '../../shared/session-store';
import { toNodeError } from '../../shared/errors';
import { listLabel } from '../actions/chats';
import { settle } from '../actions/util';

const PAGE_SIZE = 100;

async function search(ctx: ILoadOptionsFunctions, filter: string | undefined, token: unknown, kinds: ChatKind[] | undefined): Promise<INodeListSearchResult> {
	const got = await settle(() => clientForExecution(ctx));
	if (!got.ok) throw toNodeError(ctx.getNode(), got.error);
	const client = got.value;
	const self = client.user?.UserName;
	const needle = (filter ?? '').trim().toLowerCase();
	const matches = (c: RawContact) =>
		c.UserName !== self &&
		(!kinds || kinds.includes(contactKind(c))) &&
		nameContains(c, needle);
	const all = client
		.cachedContacts()
		.filter(matches)
		.sort((a, b) => displayName(a).localeCompare(displayName(b)));
	const start = typeof token === 'number' ? token : Number(token) || 0;
	const page = all.slice(start, start + PAGE_SIZE);
	const results: INodeListSearchItems[] = page.map((c) => ({ name: listLabel(c), value: c.UserName }));
	const next = start + PAGE_SIZE;
	return next < all.length ? { results, paginationToken: next } : { results };
}

export async function searchChats(this: ILoadOptionsFunctions, filter?: string, paginationToken?: unknown): Promise<INodeListSearchResult> {
	return search(this, filter, paginationToken, undefined);
}

export async function searchFriends(this: ILoadOptionsFunctions, filter?: string, paginationToken?: unknown): Promise<INodeListSearchResult> {
	return search(this, filter, paginationToken, ['user']);
}

export async function searchGroups(this: ILoadOptionsFunctions, filter?: string, paginationToken?: unknown): Promise<INodeListSearchResult> {
	return search(this, filter, paginationToken, ['group']);
}
