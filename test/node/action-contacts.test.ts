/**
 * WeChat Web action node — Contact resource: batched Get (chunks of 50, one
 * output per input), Get Many filters, Get Group Members, Set Remark.
 */
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Phone } from './action-fixtures';
import { credentialFor, noJitter, rl, run, runError, secretsOf, seenTexts, startPhone, stopN8nTimers } from './action-fixtures';
import type { StoredCredential } from './harness';

let phone: Phone;
let cred: StoredCredential;

const CONTACTS = [
	{ nickName: 'Alice', remarkName: 'Ali', alias: 'alice_wx' },
	{ nickName: 'Bob' },
	{ nickName: 'Carol' },
	{ nickName: 'Dave' },
	{ nickName: 'Sandbox News', kind: 'official' as const },
	{ nickName: 'Sandbox Group', kind: 'group' as const, members: ['Alice', 'Bob', 'Carol', 'Sam'] },
	{ nickName: 'Book Club', kind: 'group' as const, members: ['Alice', 'Dave'] },
];

beforeAll(async () => {
	noJitter();
	phone = await startPhone({ account: { contacts: CONTACTS, extraContacts: 125 } });
	cred = credentialFor(phone);
	// Prime this credential's client (restore + contact list) so the request log below shows only the operation's calls.
	await run(cred, { resource: 'session', operation: 'getStatus' });
});

afterAll(async () => {
	await phone?.sim.close();
	resetAccounts();
	stopN8nTimers();
});

function batchCalls() {
	return phone.sim.requests.filter((r) => r.endpoint === 'webwxbatchgetcontact').map((r) => (r.body as { List: Array<{ UserName: string }> }).List);
}

describe('Contact → Get', () => {
	test('120 UserNames: 3 batch calls of at most 50, one output item per input item, paired in order', async () => {
		const names = Array.from({ length: 120 }, (_, k) => `Contact ${String(k + 1).padStart(5, '0')}`);
		const userNames = names.map((n) => phone.sim.userName(n));
		phone.sim.resetLogs();
		const out = await run(
			cred,
			userNames.map((u) => ({ resource: 'contact', operation: 'get', contact: rl('id', u) })),
			userNames.map((u, i) => ({ json: { n: i, u } })),
		);
		const calls = batchCalls();
		expect(calls.map((list) => list.length)).toEqual([50, 50, 20]);
		expect(calls.flat().map((e) => e.UserName)).toEqual(userNames);
		expect(out).toHaveLength(120);
		out.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({ id: userNames[i], name: names[i], nickName: names[i], kind: 'user', isGroup: false });
		});
	});

	test('names, list picks and duplicates share the one lookup; a group comes with its member count', async () => {
		phone.sim.resetLogs();
		const alice = phone.sim.userName('Alice');
		const group = phone.sim.userName('Sandbox Group');
		const out = await run(
			cred,
			[
				{ resource: 'contact', operation: 'get', contact: rl('name', 'Ali') },
				{ resource: 'contact', operation: 'get', contact: rl('list', group, 'Sandbox Group (group)') },
				{ resource: 'contact', operation: 'get', contact: rl('id', alice) },
				{ resource: 'contact', operation: 'get', contact: rl('name', 'alice_wx') },
			],
			[{ json: {} }, { json: {} }, { json: {} }, { json: {} }],
		);
		expect(batchCalls()).toEqual([[{ UserName: alice, EncryChatRoomId: '' }, { UserName: group, EncryChatRoomId: '' }]]);
		expect(out.map((o) => o.json.id)).toEqual([alice, group, alice, alice]);
		expect(out[0].json).toMatchObject({ name: 'Ali', remarkName: 'Ali', nickName: 'Alice', alias: 'alice_wx', kind: 'user' });
		expect(out[1].json).toMatchObject({ name: 'Sandbox Group', kind: 'group', isGroup: true, memberCount: 5 });
		// The avatar URL carries the skey: never in the output.
		expect(JSON.stringify(out)).not.toContain('HeadImgUrl');
		expect(JSON.stringify(out)).not.toContain('webwxgeticon');
	});

	test('unknown UserNames and names become error items for just those inputs (continue on fail)', async () => {
		const bob = phone.sim.userName('Bob');
		const out = await run(
			cred,
			[
				{ resource: 'contact', operation: 'get', contact: rl('id', bob) },
				{ resource: 'contact', operation: 'get', contact: rl('id', '@ffffffffffffffffffffffffffffffff') },
				{ resource: 'contact', operation: 'get', contact: rl('name', 'Nobody') },
				{ resource: 'contact', operation: 'get', contact: rl('name', 'Dave') },
			],
			[{ json: {} }, { json: {} }, { json: {} }, { json: {} }],
			{ continueOnFail: true },
		);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(out[0].json.id).toBe(bob);
		expect(out[1].json).toMatchObject({ code: 'UNKNOWN_CONTACT', error: 'No contact or group matches "@ffffffffffffffffffffffffffffffff".' });
		expect(out[2].json).toMatchObject({ code: 'UNKNOWN_CONTACT', error: 'No contact or group matches "Nobody".' });
		expect(out[3].json.name).toBe('Dave');
	});

	test('without continue on fail the first unknown item stops the node with its index', async () => {
		const err = await runError(
			cred,
			[
				{ resource: 'contact', operation: 'get', contact: rl('name', 'Bob') },
				{ resource: 'contact', operation: 'get', contact: rl('name', 'Nobody') },
			],
			[{ json: {} }, { json: {} }],
		);
		expect(err.message).toBe('No contact or group matches "Nobody".');
		expect(err.context?.itemIndex).toBe(1);
	});
});

describe('Contact → Get Many', () => {
	test('filters by type and search text; limit and return all', async () => {
		const groups = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { types: ['group'] } });
		expect(groups.map((g) => g.json.name)).toEqual(['Book Club', 'Sandbox Group']);
		const official = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { types: ['official'] } });
		expect(official.map((g) => g.json.name)).toEqual(['Sandbox News']);
		const special = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { types: ['special'] } });
		expect(special.map((g) => g.json.id)).toEqual(['filehelper']);
		const search = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { search: 'ALI' } });
		expect(search.map((g) => g.json.name)).toEqual(['Ali']);
		const byAlias = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { search: 'alice_wx' } });
		expect(byAlias.map((g) => g.json.name)).toEqual(['Ali']);
		const limited = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: false, limit: 7, filters: { types: ['friend'] } });
		expect(limited).toHaveLength(7);
		expect(limited.every((c) => c.json.kind === 'user' && c.pairedItem && (c.pairedItem as { item: number }).item === 0)).toBe(true);
		const friends = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { types: ['friend'] } });
		// 5 named friends (Sam came with the group) + 125 numbered ones; not me.
		expect(friends).toHaveLength(130);
		expect(friends.some((c) => c.json.id === phone.sim.selfUserName())).toBe(false);
		const everything = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true });
		expect(everything).toHaveLength(130 + 2 + 1 + 1);
	});

	test('"Reload From WeChat" sees a contact added since the list was loaded', async () => {
		phone.sim.addContact({ nickName: 'Newcomer Nina' });
		const cached = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { search: 'nina' } });
		expect(cached).toHaveLength(0);
		const fresh = await run(cred, { resource: 'contact', operation: 'getAll', returnAll: true, filters: { search: 'nina' }, options: { refresh: true } });
		expect(fresh.map((c) => c.json.name)).toEqual(['Newcomer Nina']);
	});

	test('a name not in the cache triggers one reload before "unknown contact" (a friend added since)', async () => {
		phone.sim.addContact({ nickName: 'Latecomer Leo' });
		const out = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Latecomer Leo'), text: 'welcome' });
		expect(out[0].json.toUserName).toBe(phone.sim.userName('Latecomer Leo'));
	});
});

describe('Contact → Get Group Members', () => {
	test('lists members with group nickname, friend status and me', async () => {
		const out = await run(cred, { resource: 'contact', operation: 'getGroupMembers', group: rl('name', 'Sandbox Group'), returnAll: true });
		const byName = Object.fromEntries(out.map((m) => [m.json.nickName as string, m.json]));
		expect(Object.keys(byName).sort()).toEqual(['Alice', 'Bob', 'Carol', 'Sam', 'Sandbox Me']);
		expect(byName['Sandbox Me']).toMatchObject({ isMe: true, displayName: 'Me In Group', name: 'Me In Group' });
		expect(byName.Alice).toMatchObject({ isFriend: true, remarkName: 'Ali', name: 'Ali', id: phone.sim.userName('Alice') });
		expect(byName.Sam).toMatchObject({ isFriend: true, isMe: false, name: 'Sam', displayName: '' });
		expect(out[0].json.group).toEqual({ id: phone.sim.userName('Sandbox Group'), name: 'Sandbox Group' });
		const limited = await run(cred, { resource: 'contact', operation: 'getGroupMembers', group: rl('list', phone.sim.userName('Book Club')), returnAll: false, limit: 2 });
		expect(limited).toHaveLength(2);
	});

	test('a contact that is not a group is refused', async () => {
		const err = await runError(cred, { resource: 'contact', operation: 'getGroupMembers', group: rl('name', 'Bob'), returnAll: true });
		expect(err.message).toBe('"Bob" is not a group.');
	});
});

describe('Contact → Set Remark', () => {
	test('sets and clears a friend\'s remark (webwxoplog CmdId 2), cut to 18 characters', async () => {
		phone.sim.resetLogs();
		const out = await run(cred, { resource: 'contact', operation: 'setRemark', contact: rl('name', 'Carol'), remarkName: 'Carol from the office team' });
		const req = phone.sim.requests.find((r) => r.endpoint === 'webwxoplog');
		expect(req?.body).toMatchObject({ UserName: phone.sim.userName('Carol'), CmdId: 2, RemarkName: 'Carol from the off' });
		expect(out[0].json).toMatchObject({ name: 'Carol from the off', remarkName: 'Carol from the off', nickName: 'Carol' });
		// The server took it, and the session's cache knows the new name at once.
		expect(phone.sim.userName('Carol from the off')).toBe(phone.sim.userName('Carol'));
		const byRemark = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Carol from the off'), text: 'hi' });
		expect(byRemark[0].json.toUserName).toBe(phone.sim.userName('Carol'));
		const cleared = await run(cred, { resource: 'contact', operation: 'setRemark', contact: rl('id', phone.sim.userName('Carol')), remarkName: '' });
		expect(cleared[0].json).toMatchObject({ name: 'Carol', remarkName: '' });
	});

	test('groups and official accounts cannot get a remark', async () => {
		const err = await runError(cred, { resource: 'contact', operation: 'setRemark', contact: rl('name', 'Sandbox Group'), remarkName: 'x' });
		expect(err.message).toBe('"Sandbox Group" is a group; only friends can have a remark name.');
		const official = await runError(cred, { resource: 'contact', operation: 'setRemark', contact: rl('name', 'Sandbox News'), remarkName: 'x' });
		expect(official.message).toBe('"Sandbox News" is an official account; only friends can have a remark name.');
	});
});

describe('secrets', () => {
	test('no token, cookie or ticket appears in any output or error of this file', () => {
		const all = seenTexts.join('\n');
		for (const secret of secretsOf(phone)) expect(all).not.toContain(secret);
	});
});
