/**
 * Contact cache for one session: full list with Seq paging, batch lookups in
 * chunks of 50, ModContact/DelContact application, and search by the names a
 * user knows (remark, nickname, WeChat ID). UserNames are per session, so the
 * cache is cleared at every new login (protocol.md §6.15).
 */
import { displayName, isGroupUserName, isNamedMember, nameContains } from './chats';
import { AmbiguousContactError, UnknownContactError } from './errors';
import type { CallOptions, WeChatHttp } from './http';
import { CGI } from './http';
import type { Session } from './session';
import type { BaseResponse, RawContact, RawMember } from './types';

/** The server's cap per webwxbatchgetcontact (§1.9); larger lists are silently cut. */
export const BATCH_LIMIT = 50;
/** OFF stops webwxgetcontact paging after 17 pages; we allow more for big accounts but stay bounded. */
export const MAX_CONTACT_PAGES = 100;

interface GetContactResponse {
	BaseResponse: BaseResponse;
	MemberCount: number;
	MemberList: RawContact[];
	Seq: number;
}

interface BatchResponse {
	BaseResponse: BaseResponse;
	Count: number;
	ContactList: RawContact[];
}

export interface BatchItem {
	UserName: string;
	EncryChatRoomId?: string;
}

type NameField = (c: RawContact) => string | undefined;
/** Lookup order of resolve(): remark, then nickname, then WeChat ID. */
const NAME_FIELDS: NameField[] = [(c) => c.RemarkName, (c) => c.NickName, (c) => c.Alias];

export class ContactStore {
	private byName = new Map<string, RawContact>();
	/**
	 * resolve()'s index, per pass (exact, then case-insensitive) and field: name → contacts in
	 * insertion order. Built on the first lookup after a change; any change drops it.
	 */
	private nameIndex?: Array<Array<Map<string, RawContact[]>>>;

	get size(): number {
		return this.byName.size;
	}

	clear(): void {
		this.byName.clear();
		this.nameIndex = undefined;
	}

	get(userName: string): RawContact | undefined {
		return this.byName.get(userName);
	}

	all(): RawContact[] {
		return [...this.byName.values()];
	}

	/** Adds or replaces; a group update without members keeps the members we had. */
	upsert(contact: RawContact): void {
		if (!contact || typeof contact.UserName !== 'string' || !contact.UserName) return;
		this.nameIndex = undefined;
		const prev = this.byName.get(contact.UserName);
		if (prev && isGroupUserName(contact.UserName) && (!contact.MemberList || contact.MemberList.length === 0) && prev.MemberList?.length) {
			this.byName.set(contact.UserName, { ...contact, MemberList: prev.MemberList, MemberCount: prev.MemberCount });
			return;
		}
		this.byName.set(contact.UserName, contact);
	}

	remove(userName: string): void {
		if (this.byName.delete(userName)) this.nameIndex = undefined;
	}

	member(groupUserName: string, memberUserName: string): RawMember | undefined {
		return this.byName.get(groupUserName)?.MemberList?.find((m) => m.UserName === memberUserName);
	}

	/**
	 * Groups whose members we cannot name yet: getcontact delivers saved groups
	 * with no MemberList, and init's may list members without nicknames (W4 PR#241).
	 */
	groupsWithoutMembers(): string[] {
		return this.all()
			.filter((c) => isGroupUserName(c.UserName) && (!c.MemberList?.length || c.MemberList.every((m) => !isNamedMember(m))))
			.map((c) => c.UserName);
	}

	/**
	 * Finds one contact by UserName, remark, nickname or WeChat ID (alias). Exact
	 * matches win over case-insensitive ones; more than one candidate is an error.
	 */
	resolve(query: string): RawContact {
		const q = query.trim();
		if (!q) throw new UnknownContactError(query);
		const direct = this.byName.get(q);
		if (direct) return direct;
		const index = this.buildNameIndex();
		for (const caseless of [false, true]) {
			const needle = caseless ? q.toLowerCase() : q;
			for (const byField of index[caseless ? 1 : 0]) {
				const hits = byField.get(needle);
				if (!hits) continue;
				if (hits.length === 1) return hits[0];
				throw new AmbiguousContactError(query, hits.map((c) => `${displayName(c)} (${c.UserName.slice(0, 12)}…)`));
			}
		}
		throw new UnknownContactError(query);
	}

	private buildNameIndex(): Array<Array<Map<string, RawContact[]>>> {
		if (this.nameIndex) return this.nameIndex;
		const passes = [false, true].map(() => NAME_FIELDS.map(() => new Map<string, RawContact[]>()));
		for (const c of this.byName.values()) {
			NAME_FIELDS.forEach((field, f) => {
				const v = field(c);
				if (!v) return;
				for (const [pass, key] of [
					[0, v],
					[1, v.toLowerCase()],
				] as const) {
					const list = passes[pass][f].get(key);
					if (list) list.push(c);
					else passes[pass][f].set(key, [c]);
				}
			});
		}
		this.nameIndex = passes;
		return passes;
	}

	/** Contacts whose remark, nickname or alias contains `text` (case-insensitive). */
	search(text: string, limit = 50): RawContact[] {
		const needle = text.trim().toLowerCase();
		const out: RawContact[] = [];
		for (const c of this.byName.values()) {
			if (nameContains(c, needle)) out.push(c);
			if (out.length >= limit) break;
		}
		return out;
	}
}

/** webwxgetcontact with Seq paging (GET, OFF's four parameters). */
export async function fetchAllContacts(http: WeChatHttp, session: Session, opts: CallOptions = {}): Promise<RawContact[]> {
	const all: RawContact[] = [];
	let seq = 0;
	const seenSeqs = new Set<number>();
	for (let page = 0; page < MAX_CONTACT_PAGES; page++) {
		const res = await http.getJson<GetContactResponse>(
			session,
			`${CGI}/webwxgetcontact`,
			{ pass_ticket: session.tokens.passTicket, r: Math.floor(http.clock.now()), seq, skey: session.tokens.skey },
			opts,
		);
		if (Array.isArray(res.MemberList)) all.push(...res.MemberList);
		const next = Number(res.Seq) || 0;
		// Seq 0 = done; a repeated Seq would loop forever (OW's guard).
		if (next === 0 || seenSeqs.has(next)) break;
		seenSeqs.add(next);
		seq = next;
	}
	return all;
}

export const CMD_MOD_REMARK_NAME = 2;
/** The official client cuts remarks to 18 characters. */
export const MAX_REMARK_LENGTH = 18;

export function clampRemark(remark: string): string {
	return Array.from(remark.trim()).slice(0, MAX_REMARK_LENGTH).join('');
}

/** webwxoplog CmdId 2 (MODREMARKNAME, §1.24): sets or clears a friend's remark name. */
export async function setRemarkName(http: WeChatHttp, session: Session, userName: string, remark: string, opts: CallOptions = {}): Promise<string> {
	const clamped = clampRemark(remark);
	await http.postJson<{ BaseResponse: BaseResponse }>(
		session,
		`${CGI}/webwxoplog`,
		{ pass_ticket: session.tokens.passTicket, lang: 'zh_CN' },
		{ UserName: userName, CmdId: CMD_MOD_REMARK_NAME, RemarkName: clamped },
		opts,
	);
	return clamped;
}

/** webwxbatchgetcontact in chunks of at most 50 (the server silently drops the rest). */
export async function batchGetContacts(http: WeChatHttp, session: Session, items: BatchItem[], opts: CallOptions = {}): Promise<RawContact[]> {
	const out: RawContact[] = [];
	for (let i = 0; i < items.length; i += BATCH_LIMIT) {
		const chunk = items.slice(i, i + BATCH_LIMIT).map((it) => ({ UserName: it.UserName, EncryChatRoomId: it.EncryChatRoomId ?? '' }));
		const res = await http.postJson<BatchResponse>(
			session,
			`${CGI}/webwxbatchgetcontact`,
			{ type: 'ex', r: Math.floor(http.clock.now()), lang: 'zh_CN', pass_ticket: session.tokens.passTicket },
			{ Count: chunk.length, List: chunk },
			opts,
		);
		if (Array.isArray(res.ContactList)) out.push(...res.ContactList);
	}
	return out;
}
