/**
 * The chat vocabulary (lib/wechat/chats.ts): special users, chat kinds, group
 * detection and the names a user sees — one set of rules for the contact cache,
 * the message normalizer and the nodes.
 */
import {
	CHAT_KINDS,
	chatKind,
	contactKind,
	contactName,
	displayName,
	isGroupUserName,
	isNamedMember,
	isOfficialContact,
	isSpecialUserName,
	memberName,
	memberTag,
	nameContains,
	ownName,
	SPECIAL_USER_NAMES,
} from '../../lib/wechat/chats';
import { ContactStore } from '../../lib/wechat/contacts';
import { cleanText } from '../../lib/wechat/messages';
import type { RawContact, RawMember } from '../../lib/wechat/types';

const contact = (c: Partial<RawContact> & { UserName: string }): RawContact => ({ NickName: '', ...c });
const member = (m: Partial<RawMember> & { UserName: string }): RawMember => ({ NickName: '', DisplayName: '', ...m });

describe('special users', () => {
	test.each(['filehelper', 'newsapp', 'weixin', 'fmessage', 'medianote', 'notification_messages', 'userexperience_alarm'])('%s is special', (name) => {
		expect(isSpecialUserName(name)).toBe(true);
		expect(SPECIAL_USER_NAMES.has(name)).toBe(true);
		expect(chatKind(name)).toBe('special');
	});

	test('the list is W4 SPECIAL_USERS (28 names), all lower-case ids', () => {
		expect(SPECIAL_USER_NAMES.size).toBe(28);
		for (const name of SPECIAL_USER_NAMES) expect(name).toMatch(/^[a-z_]+$/);
	});

	test.each(['@filehelper', 'FileHelper', 'wxid_filehelper', ''])('%p is not special', (name) => {
		expect(isSpecialUserName(name)).toBe(false);
	});
});

describe('group detection', () => {
	test.each([
		['@@abc', true],
		['1234567@chatroom', true],
		['@abc', false],
		['wxid_abc', false],
		['filehelper', false],
		['', false],
	])('%p → %p', (userName, want) => {
		expect(isGroupUserName(userName)).toBe(want);
	});
});

describe('chat kinds', () => {
	test.each([
		['session group', '@@g', undefined, 'group'],
		['raw chatroom', 'r@chatroom', undefined, 'group'],
		['a group wins over VerifyFlag', '@@g', { VerifyFlag: 8 }, 'group'],
		['special wins over VerifyFlag', 'weixin', { VerifyFlag: 56 }, 'special'],
		['VerifyFlag 8 (personal MP)', '@mp', { VerifyFlag: 8 }, 'official'],
		['VerifyFlag 24 (service account)', '@mp', { VerifyFlag: 24 }, 'official'],
		['VerifyFlag 56 (WeChat team)', '@mp', { VerifyFlag: 56 }, 'official'],
		['raw MP id without a contact', 'gh_0a1b2c3d4e5f', undefined, 'official'],
		['VerifyFlag 0', '@u', { VerifyFlag: 0 }, 'user'],
		['no VerifyFlag', '@u', {}, 'user'],
		['unknown UserName', '@u', undefined, 'user'],
	] as const)('%s', (_name, userName, c, want) => {
		expect(chatKind(userName, c)).toBe(want);
		if (c) expect(contactKind({ UserName: userName, ...c })).toBe(want);
	});

	test('isOfficialContact reads bit 8 of VerifyFlag only', () => {
		expect(isOfficialContact(undefined)).toBe(false);
		expect(isOfficialContact({})).toBe(false);
		expect(isOfficialContact({ VerifyFlag: 16 })).toBe(false);
		expect(isOfficialContact({ VerifyFlag: 24 })).toBe(true);
	});

	test('every kind has a place in CHAT_KINDS', () => {
		expect([...CHAT_KINDS].sort()).toEqual(['group', 'official', 'special', 'user']);
	});
});

describe('display names', () => {
	test('contact: remark → nickname → UserName', () => {
		expect(displayName(contact({ UserName: '@a', NickName: 'Alice', RemarkName: 'Ali' }))).toBe('Ali');
		expect(displayName(contact({ UserName: '@a', NickName: 'Alice', RemarkName: '' }))).toBe('Alice');
		expect(displayName(contact({ UserName: '@a' }))).toBe('@a');
		expect(contactName('@a', undefined)).toBe('@a');
	});

	test('a group is named by its topic (NickName) unless I set a remark', () => {
		expect(displayName(contact({ UserName: '@@g', NickName: 'Team' }))).toBe('Team');
		expect(displayName(contact({ UserName: '@@g', NickName: 'Team', RemarkName: 'Work' }))).toBe('Work');
	});

	test('names are shown as sent unless a cleaner is given; a name that cleans to nothing is missing', () => {
		const c = contact({ UserName: '@a', NickName: 'Tom &amp; Jerry<span class="emoji emoji1f600"></span>' });
		expect(displayName(c)).toBe(c.NickName);
		expect(displayName(c, cleanText)).toBe('Tom & Jerry\u{1f600}');
		expect(contactName('@a', contact({ UserName: '@a', RemarkName: 'x', NickName: 'y' }), () => '')).toBe('@a');
	});

	test('group member: group card → my remark → member nickname → contact nickname → UserName', () => {
		const full = member({ UserName: '@m', DisplayName: 'Card', NickName: 'Nick' });
		const friend = contact({ UserName: '@m', NickName: 'ContactNick', RemarkName: 'Remark' });
		expect(memberName('@m', full, friend)).toBe('Card');
		expect(memberName('@m', { ...full, DisplayName: '' }, friend)).toBe('Remark');
		expect(memberName('@m', { ...full, DisplayName: '' }, { ...friend, RemarkName: '' })).toBe('Nick');
		expect(memberName('@m', member({ UserName: '@m' }), { ...friend, RemarkName: '' })).toBe('ContactNick');
		expect(memberName('@m', undefined, undefined)).toBe('@m');
	});

	test('the name a member shows in the group (for @mentions) never uses my remark', () => {
		const friend = contact({ UserName: '@m', NickName: 'ContactNick', RemarkName: 'Remark' });
		expect(memberTag(member({ UserName: '@m', DisplayName: 'Card', NickName: 'Nick' }), friend)).toBe('Card');
		expect(memberTag(member({ UserName: '@m', NickName: 'Nick' }), friend)).toBe('Nick');
		expect(memberTag(member({ UserName: '@m' }), friend)).toBe('ContactNick');
		expect(memberTag(member({ UserName: '@m' }))).toBe('');
	});

	test('my own name: my group card there, else my nickname, else my UserName', () => {
		expect(ownName('@me', 'Me', { DisplayName: 'Me In Group' })).toBe('Me In Group');
		expect(ownName('@me', 'Me', { DisplayName: '' })).toBe('Me');
		expect(ownName('@me', 'Me', undefined)).toBe('Me');
		expect(ownName('@me', '', undefined)).toBe('@me');
		expect(ownName('@me', 'A&amp;B', undefined, cleanText)).toBe('A&B');
	});

	test('a member entry names its member when it has a nickname or a group card', () => {
		expect(isNamedMember(member({ UserName: '@m' }))).toBe(false);
		expect(isNamedMember(member({ UserName: '@m', NickName: 'N' }))).toBe(true);
		expect(isNamedMember(member({ UserName: '@m', DisplayName: 'D' }))).toBe(true);
	});
});

describe('name search', () => {
	const c = contact({ UserName: '@a', NickName: 'Alice', RemarkName: 'Boss', Alias: 'ali_w' });
	test.each([
		['', true],
		['ali', true],
		['boss', true],
		['_w', true],
		['@a', false],
		['bob', false],
	])('%p → %p', (needle, want) => {
		expect(nameContains(c, needle)).toBe(want);
	});
});

describe('the contact cache follows the vocabulary', () => {
	test('a raw chatroom id is a group: an update without members keeps the members', () => {
		const store = new ContactStore();
		store.upsert(contact({ UserName: '1@chatroom', NickName: 'G', MemberList: [member({ UserName: '@m', NickName: 'M' })] }));
		store.upsert(contact({ UserName: '1@chatroom', NickName: 'G2' }));
		expect(store.get('1@chatroom')?.MemberList).toHaveLength(1);
		expect(store.groupsWithoutMembers()).toEqual([]);
	});

	test('groups whose member entries name nobody still need a lookup', () => {
		const store = new ContactStore();
		store.upsert(contact({ UserName: '@@g', NickName: 'G', MemberList: [member({ UserName: '@m' })] }));
		store.upsert(contact({ UserName: '@u', NickName: 'U' }));
		expect(store.groupsWithoutMembers()).toEqual(['@@g']);
	});

	test('search uses the same name fields', () => {
		const store = new ContactStore();
		store.upsert(contact({ UserName: '@a', NickName: 'Alice', Alias: 'ali_w' }));
		store.upsert(contact({ UserName: '@b', NickName: 'Bob' }));
		expect(store.search('ALI_').map((x) => x.UserName)).toEqual(['@a']);
	});
});
