/**
 * WeChat Web action node — Message and Session resources, recipient pickers,
 * continue-on-fail — run in n8n-core's ExecuteContext / LoadOptionsContext
 * against the simulator.
 */
import { WeChatWeb } from '../../nodes/WeChatWeb/WeChatWeb.node';
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Phone } from './action-fixtures';
import {
	binaryItem,
	credentialFor,
	noJitter,
	receive,
	rl,
	run,
	runError,
	secretsOf,
	seenTexts,
	sha256,
	startPhone,
	stopN8nTimers,
} from './action-fixtures';
import type { StoredCredential } from './harness';
import { listSearch } from './harness';

let phone: Phone;
let cred: StoredCredential;

beforeAll(async () => {
	noJitter();
	phone = await startPhone({ account: { extraContacts: 130 } });
	cred = credentialFor(phone);
});

afterAll(async () => {
	await phone?.sim.close();
	resetAccounts();
	stopN8nTimers();
});

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3000, 7)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(2000, 3)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(5000, 1)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(700_000, 9)]); // > 512 KiB: two upload chunks

function lastSent() {
	return phone.sim.sent[phone.sim.sent.length - 1];
}

describe('node description', () => {
	test('is a usable-as-tool action node with the fixed names', () => {
		const d = new WeChatWeb().description;
		expect(d.name).toBe('weChatWeb');
		expect(d.displayName).toBe('WeChat Web');
		expect(d.usableAsTool).toBe(true);
		expect(d.credentials).toEqual([
			{ name: 'weChatWebApi', required: true, testedBy: 'weChatWebApiTest', displayOptions: { show: { authentication: ['weChatWebApi'] } } },
			{ name: 'weChatIlinkApi', required: true, testedBy: 'weChatIlinkApiTest', displayOptions: { show: { authentication: ['weChatIlinkApi'] } } },
		]);
		// Workflows saved before the iLink route have no `authentication`: its default keeps them on the Web route.
		expect(d.properties.find((p) => p.name === 'authentication')).toMatchObject({ type: 'options', default: 'weChatWebApi' });
		expect(d.subtitle).toBe('={{$parameter["operation"] + ": " + $parameter["resource"]}}');
		const ops = d.properties.filter((p) => p.name === 'operation').flatMap((p) => (p.options as Array<{ value: string }>).map((o) => o.value));
		// Each route lists its own operations (displayOptions on `authentication`); the iLink route adds sendMedia and sendTyping.
		expect([...new Set(ops)].sort()).toEqual(
			['download', 'forward', 'get', 'getAll', 'getAvatar', 'getGroupMembers', 'getStatus', 'login', 'logout', 'revoke', 'sendEmoticon', 'sendFile', 'sendImage', 'sendMedia', 'sendText', 'sendTyping', 'sendVideo', 'setRemark'].sort(),
		);
	});
});

describe('Message → Send Text', () => {
	test('recipient from the list, by UserName and by name (remark, nickname, group)', async () => {
		const alice = phone.sim.userName('Alice');
		const bob = phone.sim.userName('Bob');
		const group = phone.sim.userName('Sandbox Group');
		const out = await run(
			cred,
			[
				{ resource: 'message', operation: 'sendText', recipient: rl('list', alice, 'Ali'), text: 'from list' },
				{ resource: 'message', operation: 'sendText', recipient: rl('id', bob), text: 'by id' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Ali'), text: 'by remark' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'carol'), text: 'by nickname, any case' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Sandbox Group'), text: 'to the group' },
			],
			[{ json: {} }, { json: {} }, { json: {} }, { json: {} }, { json: {} }],
		);
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out.map((o) => o.json.toUserName)).toEqual([alice, bob, alice, phone.sim.userName('Carol'), group]);
		const sent = phone.sim.sent.slice(-5);
		expect(sent.map((s) => s.content)).toEqual(['from list', 'by id', 'by remark', 'by nickname, any case', 'to the group']);
		expect(out[0].json).toMatchObject({ msgId: sent[0].msgId, clientMsgId: sent[0].clientMsgId, type: 'text', to: { id: alice, name: 'Ali', kind: 'user' } });
		expect(out[4].json.to).toEqual({ id: group, name: 'Sandbox Group', kind: 'group' });
		expect(new Date(out[0].json.sentAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
	});

	test('a chat picked from the list before a re-login (stale UserName) is found by its name', async () => {
		const out = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('list', '@0000deadbeef', 'Bob'), text: 'stale pick' });
		expect(out[0].json.toUserName).toBe(phone.sim.userName('Bob'));
	});

	test('a plain string recipient (expression) works as a name or UserName', async () => {
		const out = await run(cred, { resource: 'message', operation: 'sendText', recipient: 'Dave', text: 'plain' });
		expect(out[0].json.toUserName).toBe(phone.sim.userName('Dave'));
	});

	test('mentions group members: @names added to the text and MsgSource with their UserNames', async () => {
		phone.sim.resetLogs();
		const out = await run(cred, {
			resource: 'message',
			operation: 'sendText',
			recipient: rl('name', 'Sandbox Group'),
			text: 'meeting at 5, @Bob too',
			options: { mentions: 'Alice, Bob' },
		});
		const alice = phone.sim.userName('Alice');
		const bob = phone.sim.userName('Bob');
		expect(lastSent().content).toBe('@Alice meeting at 5, @Bob too');
		const req = phone.sim.requests.find((r) => r.endpoint === 'webwxsendmsg');
		const source = (req?.body as { Msg: { MsgSource: string } }).Msg.MsgSource;
		expect(source).toBe(`<msgsource><atusername>${alice},${bob}</atusername><atchatroomname>${phone.sim.userName('Sandbox Group')}</atchatroomname></msgsource>`);
		expect(out[0].json.mentions).toEqual([
			{ id: alice, name: 'Alice' },
			{ id: bob, name: 'Bob' },
		]);
	});

	test('mentions without adding text, and mentions outside a group are refused', async () => {
		await run(cred, {
			resource: 'message',
			operation: 'sendText',
			recipient: rl('name', 'Sandbox Group'),
			text: 'quiet ping',
			options: { mentions: 'Carol', addMentionText: false },
		});
		expect(lastSent().content).toBe('quiet ping');
		const err = await runError(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text: 'x', options: { mentions: 'Alice' } });
		expect(err.message).toBe('Mentions only work in group chats.');
		const unknown = await runError(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Sandbox Group'), text: 'x', options: { mentions: 'Zed' } });
		expect(unknown.message).toBe('No member of the group "Sandbox Group" matches "Zed".');
	});
});

describe('Message → Send Image / Video / File / Emoticon', () => {
	test('image and file from binary data: uploaded bytes match (a file over 512 KiB in chunks)', async () => {
		const before = phone.sim.uploads.length;
		const image = await run(cred, { resource: 'message', operation: 'sendImage', recipient: rl('name', 'Ali'), binaryPropertyName: 'data' }, [
			binaryItem(PNG, 'photo.png', 'image/png'),
		]);
		const file = await run(cred, { resource: 'message', operation: 'sendFile', recipient: rl('name', 'Ali'), binaryPropertyName: 'data' }, [
			binaryItem(PDF, 'report.pdf', 'application/pdf'),
		]);
		const uploads = phone.sim.uploads.slice(before);
		expect(uploads.map((u) => [u.fileName, u.mediatype, u.sha256])).toEqual([
			['photo.png', 'pic', sha256(PNG)],
			['report.pdf', 'doc', sha256(PDF)],
		]);
		expect(uploads[1].chunks).toBe(2);
		const sent = phone.sim.sent.slice(-2);
		expect(sent.map((s) => s.endpoint)).toEqual(['webwxsendmsgimg', 'webwxsendappmsg']);
		expect(image[0].json).toMatchObject({ kind: 'image', type: 'image', fileName: 'photo.png', mimeType: 'image/png', fileSize: PNG.length, msgId: sent[0].msgId });
		expect(file[0].json).toMatchObject({ kind: 'file', fileName: 'report.pdf', msgId: sent[1].msgId, mediaId: uploads[1].mediaId });
		expect(file[0].pairedItem).toEqual({ item: 0 });
	});

	test('several items in one execution: one upload and one send each, paired', async () => {
		const before = phone.sim.uploads.length;
		const out = await run(
			cred,
			[
				{ resource: 'message', operation: 'sendFile', recipient: rl('name', 'Ali'), binaryPropertyName: 'data' },
				{ resource: 'message', operation: 'sendFile', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' },
			],
			[binaryItem(Buffer.from('first file'), 'a.txt', 'text/plain'), binaryItem(Buffer.from('second file'), 'b.txt', 'text/plain')],
		);
		expect(phone.sim.uploads.slice(before).map((u) => [u.fileName, u.sha256])).toEqual([
			['a.txt', sha256(Buffer.from('first file'))],
			['b.txt', sha256(Buffer.from('second file'))],
		]);
		expect(out.map((o) => [o.pairedItem, o.json.toUserName])).toEqual([
			[{ item: 0 }, phone.sim.userName('Alice')],
			[{ item: 1 }, phone.sim.userName('Bob')],
		]);
	});

	test('video from binary data, a file name override, and a custom binary field', async () => {
		const before = phone.sim.uploads.length;
		await run(
			cred,
			{ resource: 'message', operation: 'sendVideo', recipient: rl('name', 'Bob'), binaryPropertyName: 'clip', options: { fileName: 'holiday.mp4' } },
			[{ json: {}, binary: { clip: binaryItem(MP4, 'raw.bin', 'video/mp4').binary!.data } }],
		);
		expect(phone.sim.uploads.slice(before).map((u) => [u.fileName, u.mediatype, u.sha256])).toEqual([['holiday.mp4', 'video', sha256(MP4)]]);
		expect(lastSent().endpoint).toBe('webwxsendvideomsg');
	});

	test('wrong file types are refused with a hint', async () => {
		const err = await runError(cred, { resource: 'message', operation: 'sendImage', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' }, [
			binaryItem(PDF, 'report.pdf', 'application/pdf'),
		]);
		expect(err.message).toBe('"report.pdf" (application/pdf) is not a JPEG, PNG or BMP image.');
		expect(err.description).toContain('Send File');
		const video = await runError(cred, { resource: 'message', operation: 'sendVideo', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' }, [
			binaryItem(PNG, 'photo.png', 'image/png'),
		]);
		expect(video.message).toContain('is not an MP4 video');
	});

	test('a GIF sent as image goes out as a sticker', async () => {
		await run(cred, { resource: 'message', operation: 'sendImage', recipient: rl('name', 'Bob'), binaryPropertyName: 'data' }, [binaryItem(GIF, 'fun.gif', 'image/gif')]);
		expect(lastSent().endpoint).toBe('webwxsendemoticon');
	});

	test('emoticon from a GIF and by the md5 of a received sticker', async () => {
		const [sticker] = await receive(phone, [{ type: 'emoticon', from: 'Alice' }]);
		const md5 = (sticker.item.json.details as { md5: string }).md5;
		expect(md5).toMatch(/^[0-9a-f]{32}$/);
		const before = phone.sim.uploads.length;
		const gif = await run(cred, { resource: 'message', operation: 'sendEmoticon', recipient: rl('name', 'Bob'), emoticonSource: 'binary', binaryPropertyName: 'data' }, [
			binaryItem(GIF, 'fun.gif', 'image/gif'),
		]);
		const out = await run(cred, { resource: 'message', operation: 'sendEmoticon', recipient: rl('name', 'Bob'), emoticonSource: 'md5', emoticonMd5: md5 });
		expect(gif[0].json.kind).toBe('emoticon');
		expect(phone.sim.uploads.slice(before).map((u) => u.sha256)).toEqual([sha256(GIF)]);
		expect(phone.sim.sent.slice(-2).map((s) => [s.endpoint, s.type])).toEqual([
			['webwxsendemoticon', 47],
			['webwxsendemoticon', 47],
		]);
		expect(out[0].json).toMatchObject({ type: 'emoticon', md5 });
	});
});

describe('Message → Revoke', () => {
	test('revokes the text a send just returned (input = the send output)', async () => {
		const sent = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Carol'), text: 'oops' });
		const out = await run(cred, { resource: 'message', operation: 'revoke', revokeSource: 'previousSend' }, sent);
		const record = phone.sim.sent.find((s) => s.msgId === sent[0].json.msgId);
		expect(record?.revoked).toBe(true);
		expect(out[0].json).toMatchObject({ revoked: true, msgId: sent[0].json.msgId, toUserName: phone.sim.userName('Carol') });
		expect(out[0].pairedItem).toEqual({ item: 0 });
	});

	test('revokes by message ID and chat', async () => {
		const sent = await run(cred, { resource: 'message', operation: 'sendText', recipient: rl('name', 'Dave'), text: 'oops 2' });
		await run(cred, {
			resource: 'message',
			operation: 'revoke',
			revokeSource: 'fields',
			messageId: sent[0].json.msgId as string,
			recipient: rl('name', 'Dave'),
			options: { clientMsgId: sent[0].json.clientMsgId as string },
		});
		expect(phone.sim.sent.find((s) => s.msgId === sent[0].json.msgId)?.revoked).toBe(true);
	});
});

describe('Message → Forward', () => {
	test('text, image, video, file, voice and sticker messages reach another chat', async () => {
		const received = await receive(phone, [
			{ type: 'text', text: 'forward me', from: 'Alice' },
			{ type: 'image', from: 'Alice', size: 4000 },
			{ type: 'video', from: 'Alice', size: 6000 },
			{ type: 'file', fileName: 'notes.txt', from: 'Alice', size: 900 },
			{ type: 'voice', from: 'Alice', size: 1200 },
			{ type: 'emoticon', from: 'Alice' },
			{ type: 'link', title: 'A page', url: 'https://example.com/a', from: 'Alice' },
		]);
		const uploadsBefore = phone.sim.uploads.length;
		const sentBefore = phone.sim.sent.length;
		const out = await run(
			cred,
			{ resource: 'message', operation: 'forward', recipient: rl('name', 'Bob') },
			received.map((r) => r.item),
		);
		expect(out).toHaveLength(7);
		const sent = phone.sim.sent.slice(sentBefore);
		expect(sent.map((s) => s.endpoint)).toEqual([
			'webwxsendmsg',
			'webwxsendmsgimg',
			'webwxsendvideomsg',
			'webwxsendappmsg',
			'webwxsendappmsg',
			'webwxsendemoticon',
			'webwxsendmsg',
		]);
		expect(sent.every((s) => s.to === phone.sim.userName('Bob'))).toBe(true);
		expect(sent[0].content).toBe('forward me');
		expect(sent[6].content).toContain('https://example.com/a');
		// Media re-uploaded from downloads of the originals: same bytes.
		const uploads = phone.sim.uploads.slice(uploadsBefore);
		expect(uploads.map((u) => u.sha256)).toEqual([1, 2, 3, 4].map((k) => received[k].injected.mediaSha256));
		expect(uploads[2].fileName).toBe('notes.txt');
		expect(uploads[3].fileName).toMatch(/\.mp3$/);
		expect(out[5].json).toMatchObject({ type: 'emoticon', forwardedFrom: { msgId: received[5].item.json.id, type: 'emoticon' } });
		expect(out.map((o) => o.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
	});

	test('events that are not messages are refused', async () => {
		const err = await runError(cred, { resource: 'message', operation: 'forward', recipient: rl('name', 'Bob') }, [{ json: { type: 'system', text: 'x joined' } }]);
		expect(err.message).toBe('A "system" event cannot be forwarded.');
	});
});

describe('continue on fail', () => {
	test('an unknown contact gives one error item; the other items are sent', async () => {
		const out = await run(
			cred,
			[
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Alice'), text: 'one' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Nobody Here'), text: 'two' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text: 'three' },
			],
			[{ json: {} }, { json: {} }, { json: {} }],
			{ continueOnFail: true },
		);
		expect(out).toHaveLength(3);
		expect(out[0].json.msgId).toBeTruthy();
		expect(out[1].json).toEqual({
			error: 'No contact or group matches "Nobody Here".',
			code: 'UNKNOWN_CONTACT',
			hint: 'Use the exact UserName, remark name, nickname or WeChat ID; UserNames change at every login.',
		});
		expect(out[2].json.msgId).toBeTruthy();
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(phone.sim.sent.slice(-2).map((s) => s.content)).toEqual(['one', 'three']);
	});

	test('without it the node stops at the failing item with its index', async () => {
		const err = await runError(
			cred,
			[
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Alice'), text: 'first' },
				{ resource: 'message', operation: 'sendText', recipient: rl('name', 'Nobody Here'), text: 'second' },
			],
			[{ json: {} }, { json: {} }],
		);
		expect(err.message).toBe('No contact or group matches "Nobody Here".');
		expect(err.context?.itemIndex).toBe(1);
		expect(err.description).toContain('UserNames change at every login');
	});
});

describe('Session', () => {
	test('Get Status says who is logged in, since when, how — no tokens', async () => {
		const out = await run(cred, { resource: 'session', operation: 'getStatus' });
		const info = phone.client.session!;
		expect(out[0].json).toEqual({
			loggedIn: true,
			user: { id: phone.sim.selfUserName(), nickName: 'Sandbox Me' },
			loginTime: new Date(info.loginTime * 1000).toISOString(),
			mode: 'desktop',
			mainHost: 'wx2.qq.com',
			contacts: expect.any(Number),
			receivingMessages: false,
		});
	});

	test('Get Status without a session reports it instead of failing', async () => {
		const out = await run(credentialFor(phone, { session: '' }), { resource: 'session', operation: 'getStatus' });
		expect(out[0].json).toMatchObject({ loggedIn: false, code: 'NOT_LOGGED_IN' });
		expect(String(out[0].json.reason)).toContain('Not logged in to WeChat yet');
	});
});

describe('resource locator list search', () => {
	test('searchChats finds contacts and groups by remark / nickname, paginated', async () => {
		const found = await listSearch('searchChats', 'ali', undefined, { credential: cred });
		expect(found.results).toEqual([{ name: 'Ali', value: phone.sim.userName('Alice') }]);
		const groups = await listSearch('searchChats', 'sandbox', undefined, { credential: cred });
		expect(groups.results.map((r) => r.name).sort()).toEqual(['Sandbox Group (group)', 'Sandbox News (official account)']);
		const first = await listSearch('searchChats', undefined, undefined, { credential: cred });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe(100);
		const second = await listSearch('searchChats', undefined, String(first.paginationToken), { credential: cred });
		expect(second.results.length).toBeGreaterThan(30);
		expect(second.paginationToken).toBeUndefined();
		const values = new Set([...first.results, ...second.results].map((r) => r.value));
		expect(values.size).toBe(first.results.length + second.results.length);
		expect(values.has(phone.sim.selfUserName())).toBe(false);
	});

	test('searchGroups and searchFriends only list their kind', async () => {
		const groups = await listSearch('searchGroups', undefined, undefined, { credential: cred });
		expect(groups.results).toEqual([{ name: 'Sandbox Group (group)', value: phone.sim.userName('Sandbox Group') }]);
		const friends = await listSearch('searchFriends', 'sandbox', undefined, { credential: cred });
		expect(friends.results).toEqual([]);
	});

	test('without a session the picker says how to log in', async () => {
		const err = await listSearch('searchChats', undefined, undefined, { credential: credentialFor(phone, { session: '' }) }).catch((e: Error) => e);
		expect((err as Error).message).toContain('Not logged in to WeChat yet');
	});
});

describe('secrets', () => {
	test('no token, cookie or ticket appears in any output or error of this file', () => {
		expect(seenTexts.length).toBeGreaterThan(20);
		const all = seenTexts.join('\n');
		for (const secret of secretsOf(phone)) expect(all).not.toContain(secret);
	});
});
