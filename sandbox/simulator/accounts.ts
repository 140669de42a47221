/**
 * The account behind the simulator: self, friends, official and special accounts,
 * groups and strangers, each with a stable raw id (`wxid_…`, `gh_…`,
 * `<digits>@chatroom`, `filehelper`). Raw ids never reach the wire except where
 * the real server leaks them (status notify 51, revoke notices, cards); sessions
 * map them to per-login UserNames (see sessions.ts).
 */

import type { AccountOptions, ContactSpec } from './api';
import { pyInitial, pyQuanPin, randomDigits, randomFrom } from './util';

export type ContactKind = 'user' | 'official' | 'group' | 'special';

export interface Contact {
	id: string;
	kind: ContactKind;
	nickName: string;
	remarkName: string;
	alias: string;
	sex: number;
	signature: string;
	province: string;
	city: string;
	/** In the address book (groups: saved to contacts). Strangers and unsaved groups are not. */
	friend: boolean;
	/** Groups: member raw ids (self included). */
	members: string[];
	/** Groups: member raw id → group card name ("" when none). */
	displayNames: Map<string, string>;
	/** Groups: owner's raw id. */
	ownerId?: string;
	/** Avatar version, bumped on changes (HeadImgUrl `seq`). */
	headSeq: number;
}

/** Seen as name-to-UserName translation, implemented by a session. */
export interface Names {
	un(id: string): string;
	encry(groupId: string): string;
	readonly skey: string;
}

export const SPECIAL_IDS = ['filehelper', 'fmessage', 'newsapp', 'weixin'];

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class Account {
	readonly uin: string;
	nickName: string;
	readonly mainHost: string;
	readonly desktopOnly: boolean;
	readonly refused: AccountOptions['refused'];
	readonly selfId: string;
	readonly groupDisplayName: string;
	readonly contacts: Contact[] = [];
	/** Issued at the first successful login; what push login checks (cookie webwx_auth_ticket). */
	authTicket?: string;

	constructor(opts: AccountOptions = {}) {
		this.uin = opts.uin ?? '2837461920';
		this.nickName = opts.nickName ?? 'Sandbox Me';
		this.mainHost = (opts.mainHost ?? 'wx2.qq.com').toLowerCase();
		this.desktopOnly = opts.desktopOnly ?? false;
		this.refused = opts.refused;
		this.groupDisplayName = opts.groupDisplayName ?? 'Me In Group';
		this.selfId = 'wxid_' + randomFrom(LOWER_ALNUM, 14);
		this.contacts.push(this.make('special', 'filehelper', '文件传输助手', true));
		const specs = opts.contacts ?? DEFAULT_CONTACTS;
		for (const spec of specs) this.addContact(spec);
		const extra = opts.extraContacts ?? 0;
		for (let i = 1; i <= extra; i++) this.addContact({ nickName: `Contact ${String(i).padStart(5, '0')}` });
	}

	addContact(spec: ContactSpec): Contact {
		const kind = spec.kind ?? 'user';
		if (kind === 'group') {
			const g = this.make('group', randomDigits(11) + '@chatroom', spec.nickName, true);
			g.members.push(this.selfId);
			g.displayNames.set(this.selfId, this.groupDisplayName);
			for (const name of spec.members ?? []) {
				const m = this.findPerson(name) ?? this.addContact({ nickName: name });
				if (!g.members.includes(m.id)) {
					g.members.push(m.id);
					g.displayNames.set(m.id, '');
				}
			}
			g.ownerId = g.members.find((id) => id !== this.selfId) ?? this.selfId;
			this.contacts.push(g);
			return g;
		}
		const id = kind === 'official' ? 'gh_' + randomFrom('0123456789abcdef', 12) : 'wxid_' + randomFrom(LOWER_ALNUM, 14);
		const c = this.make(kind, id, spec.nickName, true);
		c.remarkName = spec.remarkName ?? '';
		c.alias = spec.alias ?? '';
		this.contacts.push(c);
		return c;
	}

	/** A person who is not a friend (friend requests, cards, non-friend group members). */
	addStranger(nickName: string): Contact {
		const c = this.make('user', 'wxid_' + randomFrom(LOWER_ALNUM, 14), nickName, false);
		this.contacts.push(c);
		return c;
	}

	byId(id: string): Contact | undefined {
		return this.contacts.find((c) => c.id === id);
	}

	/** By raw id, nickname or remark; friends win over strangers with the same name. */
	find(name: string): Contact | undefined {
		const hits = this.contacts.filter((c) => c.id === name || c.nickName === name || (c.remarkName !== '' && c.remarkName === name));
		return hits.find((c) => c.friend) ?? hits[0];
	}

	private findPerson(name: string): Contact | undefined {
		const c = this.find(name);
		return c && c.kind === 'user' ? c : undefined;
	}

	isSelf(name: string): boolean {
		return name === this.selfId || name === this.nickName;
	}

	private make(kind: ContactKind, id: string, nickName: string, friend: boolean): Contact {
		return {
			id,
			kind,
			nickName,
			remarkName: '',
			alias: '',
			sex: kind === 'user' ? 1 + (nickName.length % 2) : 0,
			signature: '',
			province: '',
			city: '',
			friend,
			members: [],
			displayNames: new Map(),
			headSeq: Number(randomDigits(9)),
		};
	}
}

const DEFAULT_CONTACTS: ContactSpec[] = [
	{ nickName: 'Alice', remarkName: 'Ali' },
	{ nickName: 'Bob' },
	{ nickName: 'Carol' },
	{ nickName: 'Dave' },
	{ nickName: 'Sandbox News', kind: 'official' },
	{ nickName: 'Sandbox Group', kind: 'group', members: ['Alice', 'Bob', 'Carol'] },
];

// ---- rendering (server field names, protocol.md §1.8, §1.9) ----

export function headImgUrl(c: Contact, names: Names): string {
	const path = c.kind === 'group' ? 'webwxgetheadimg' : 'webwxgeticon';
	return `/cgi-bin/mmwebwx-bin/${path}?seq=${c.headSeq}&username=${names.un(c.id)}&skey=${names.skey}`;
}

export type MemberMode = 'none' | 'full' | 'noNick';

export function renderMember(account: Account, group: Contact, id: string, names: Names, withNick = true): Record<string, unknown> {
	const p = account.byId(id);
	const nick = id === account.selfId ? account.nickName : (p?.nickName ?? '');
	return {
		Uin: 0,
		UserName: names.un(id),
		NickName: withNick ? nick : '',
		AttrStatus: 0,
		PYInitial: '',
		PYQuanPin: '',
		RemarkPYInitial: '',
		RemarkPYQuanPin: '',
		MemberStatus: 0,
		DisplayName: group.displayNames.get(id) ?? '',
		KeyWord: id.slice(0, 3),
	};
}

/** A RawContact. Groups carry MemberList per `members` ('none' as in webwxgetcontact). */
export function renderContact(account: Account, c: Contact, names: Names, members: MemberMode = 'full'): Record<string, unknown> {
	const isGroup = c.kind === 'group';
	const memberList = isGroup && members !== 'none' ? c.members.map((id) => renderMember(account, c, id, names, members === 'full')) : [];
	const out: Record<string, unknown> = {
		Uin: 0,
		UserName: names.un(c.id),
		NickName: c.nickName,
		HeadImgUrl: headImgUrl(c, names),
		ContactFlag: c.friend ? (isGroup ? 2 : 3) : 0,
		MemberCount: isGroup && members !== 'none' ? memberList.length : 0,
		MemberList: memberList,
		RemarkName: c.remarkName,
		HideInputBarFlag: 0,
		Sex: c.sex,
		Signature: c.signature,
		VerifyFlag: c.kind === 'official' ? 24 : 0,
		OwnerUin: 0,
		PYInitial: pyInitial(c.nickName),
		PYQuanPin: pyQuanPin(c.nickName),
		RemarkPYInitial: pyInitial(c.remarkName),
		RemarkPYQuanPin: pyQuanPin(c.remarkName),
		StarFriend: 0,
		AppAccountFlag: 0,
		Statues: isGroup ? 1 : 0,
		AttrStatus: c.kind === 'user' ? 33656933 : 0,
		Province: c.province,
		City: c.city,
		Alias: c.alias,
		SnsFlag: c.kind === 'user' ? 17 : 0,
		UniFriend: 0,
		DisplayName: '',
		ChatRoomId: 0,
		KeyWord: c.kind === 'special' ? c.id.slice(0, 3) : c.kind === 'official' ? 'gh_' : '',
		EncryChatRoomId: isGroup && members === 'full' ? names.encry(c.id) : '',
		IsOwner: isGroup && c.ownerId === account.selfId ? 1 : 0,
	};
	if (isGroup && members === 'full') out.ChatRoomOwner = c.ownerId ? names.un(c.ownerId) : '';
	return out;
}

export function renderSelf(account: Account, names: Names): Record<string, unknown> {
	return {
		Uin: Number(account.uin),
		UserName: names.un(account.selfId),
		NickName: account.nickName,
		HeadImgUrl: `/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=${names.un(account.selfId)}&skey=${names.skey}`,
		RemarkName: '',
		PYInitial: '',
		PYQuanPin: '',
		RemarkPYInitial: '',
		RemarkPYQuanPin: '',
		HideInputBarFlag: 0,
		StarFriend: 0,
		Sex: 1,
		Signature: '',
		AppAccountFlag: 0,
		VerifyFlag: 0,
		ContactFlag: 0,
		WebWxPluginSwitch: 0,
		HeadImgFlag: 1,
		SnsFlag: 17,
	};
}
