/**
 * The WeChat Web action node on the iLink route, in n8n-core's execute context
 * against the iLink simulator: sends to the owner (text, image, file, video,
 * byte for byte through the AES CDN), the send budget on every result, the
 * refusals before any request (budget used up, window closed, a ret -2 block),
 * the budget written back to the credential, typing, media downloads from
 * trigger items, Session → Get Status / Log Out, what the route cannot do,
 * Continue On Fail, and no token anywhere.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import type { IlinkMessage } from '../../lib/ilink';
import { IlinkClient, publicMessage } from '../../lib/ilink';
import { resetIlinkAccounts } from '../../nodes/shared/ilink-store';
import { WeChatWeb } from '../../nodes/WeChatWeb/WeChatWeb.node';
import type { IlinkSimulator, OwnerMessageSpec } from '../../sandbox/ilink-simulator';
import { recordText, registerSecretSource } from '../helpers/secret-scan';
import { binaryBytes, binaryItem, errorText, stopN8nTimers } from './action-fixtures';
import type { ActionRun, ActionRunOptions, NodeParams, StoredCredential } from './harness';
import { runActionDetailed } from './harness';
import { ilinkCredential, ilinkSessionJson, startIlinkNodeSim, storedIlinkSession } from './harness/ilink';

jest.setTimeout(30000);

const HOUR = 3600_000;
const ILINK = { authentication: 'weChatIlinkApi' };

let sim: IlinkSimulator;
let sessionJson: string;
let cred: StoredCredential;
/** Every output item and error text of this file, for the token checks. */
const seen: string[] = [];
/** Context tokens the simulator issued (not in issuedSecrets). */
const contextTokens: string[] = [];

beforeEach(async () => {
	resetIlinkAccounts();
	sim = await startIlinkNodeSim();
	const s = sim;
	registerSecretSource(() => [...s.issuedSecrets(), ...contextTokens.map((value) => ({ kind: 'context_token', value }))]);
	sessionJson = await ilinkSessionJson(sim);
	cred = ilinkCredential(sim, storedIlinkSession(sessionJson));
});

afterEach(async () => {
	await sim.close();
});

afterAll(() => {
	resetIlinkAccounts();
	stopN8nTimers();
});

const owner = () => sim.bot()?.ownerId ?? '';
const sendRequests = () => sim.requests.filter((r) => r.endpoint === 'sendmessage').length;

/**
 * The owner writes to the bot; a plain client receives it (as the trigger
 * would) and its budget goes into the credential, as the trigger writes it.
 */
async function ownerWrites(spec: OwnerMessageSpec | string = 'hello bot'): Promise<IlinkMessage> {
	const injected = sim.ownerSends(spec);
	contextTokens.push(injected.contextToken);
	const client = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: sim.origin, notify: false });
	client.restore(sessionJson, { budget: typeof cred.data.budget === 'string' && cred.data.budget ? JSON.parse(cred.data.budget) : undefined });
	const ac = new AbortController();
	let found: IlinkMessage | undefined;
	for await (const event of client.receive({ signal: ac.signal })) {
		if (event.type !== 'batch') continue;
		found = event.messages.find((m) => m.id === injected.messageId);
		if (found) break;
	}
	if (!found) throw new Error('the owner message did not arrive');
	cred.data.budget = JSON.stringify(client.budget());
	return found;
}

/** The item the trigger emits for a message: token-free, the media reference (with its key) on `media`. */
function triggerItem(message: IlinkMessage): INodeExecutionData {
	const json = JSON.parse(JSON.stringify({ ...publicMessage(message), media: message.media ?? null })) as IDataObject;
	return { json };
}

/** Runs the node on the iLink route; the credential then holds what n8n stored (as its database would). */
async function act(params: NodeParams | NodeParams[], items: INodeExecutionData[] = [{ json: {} }], options: ActionRunOptions = {}): Promise<ActionRun> {
	const withRoute = Array.isArray(params) ? params.map((p) => ({ ...ILINK, ...p })) : { ...ILINK, ...params };
	const run = await runActionDetailed(withRoute, items, { nodeType: new WeChatWeb(), credential: cred, ...options }).catch((error: unknown) => {
		seen.push(errorText(error));
		throw error;
	});
	cred.data = run.credentials.stored(cred.id);
	for (const item of run.output.flat()) seen.push(JSON.stringify(item.json));
	return run;
}

async function out(params: NodeParams | NodeParams[], items?: INodeExecutionData[], options?: ActionRunOptions): Promise<INodeExecutionData[]> {
	return (await act(params, items, options)).output[0] ?? [];
}

async function actError(params: NodeParams | NodeParams[], items?: INodeExecutionData[]): Promise<Error & { description?: string }> {
	const error = await act(params, items).then(
		() => undefined,
		(e: unknown) => e as Error & { description?: string },
	);
	if (!error) throw new Error('Expected the node to throw');
	return error;
}

const text = (t = 'hi') => ({ resource: 'message', operation: 'sendText', text: t });

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]);
const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(3000, 3)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(20_000, 9)]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(40_000, 5)]);
const SILK = Buffer.concat([Buffer.from('\x02#!SILK_V3', 'latin1'), Buffer.alloc(2000, 1)]);

describe('Message → Send Text', () => {
	test('to the owner with the context token of their message; the result carries the budget and no token', async () => {
		const message = await ownerWrites('what is up?');
		const [item] = await out(text('all good'));
		expect(sim.sent).toHaveLength(1);
		expect(sim.sent[0]).toMatchObject({ toUserId: owner(), text: 'all good', delivered: true, contextToken: contextTokens[0] });
		expect(item.json).toMatchObject({ route: 'ilink', type: 'text', text: 'all good', toUserName: owner(), to: { id: owner() }, sendsLeft: 9, blockedUntil: null });
		expect(item.json.windowExpiresAt).toBe(new Date(message.timestampMs + 23 * HOUR).toISOString());
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(JSON.stringify(item.json)).not.toMatch(/context_?token/i);
	});

	test('"User ID" of the owner works; anyone else is refused before any request', async () => {
		await ownerWrites();
		const [ok] = await out({ ...text(), userId: owner() });
		expect(ok.json.sendsLeft).toBe(9);
		const err = await actError({ ...text(), userId: 'someone-else@im.wechat' });
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toBe('Sending to "someone-else@im.wechat" is not available on the iLink route.');
		expect(err.description).toContain('Leave "User ID" empty');
		expect(sendRequests()).toBe(1);
	});

	test('a text over 4000 characters goes out in pieces, each one send of the budget', async () => {
		await ownerWrites();
		const [item] = await out(text('x'.repeat(9000)));
		expect(sim.sent.map((s) => s.text?.length)).toEqual([4000, 4000, 1000]);
		expect(item.json).toMatchObject({ parts: 3, sendsLeft: 7 });
	});
});

describe('Message → Send Media / Image / File / Video', () => {
	test('image, file and video round-trip byte for byte through the CDN with AES; Send Media picks the kind by MIME type', async () => {
		await ownerWrites();
		const items = [
			binaryItem(PNG, 'chart.png', 'image/png'),
			binaryItem(PDF, 'report.pdf', 'application/pdf'),
			binaryItem(MP4, 'clip.mp4', 'video/mp4'),
			binaryItem(JPEG, 'photo.jpg', 'image/jpeg'),
		];
		const result = await out({ resource: 'message', operation: 'sendMedia', binaryPropertyName: 'data' }, items);
		expect(result.map((r) => r.json.kind)).toEqual(['image', 'file', 'video', 'image']);
		expect(sim.sent.map((s) => s.itemType)).toEqual([2, 4, 5, 2]);
		expect(sim.sent.map((s) => s.delivered)).toEqual([true, true, true, true]);
		expect(sim.sent[0].media?.equals(PNG)).toBe(true);
		expect(sim.sent[1].media?.equals(PDF)).toBe(true);
		expect(sim.sent[1].fileName).toBe('report.pdf');
		expect(sim.sent[2].media?.equals(MP4)).toBe(true);
		expect(sim.sent[3].media?.equals(JPEG)).toBe(true);
		expect(result.map((r) => r.json.sendsLeft)).toEqual([9, 8, 7, 6]);
		expect(result[1].json).toMatchObject({ route: 'ilink', fileName: 'report.pdf', mimeType: 'application/pdf', fileSize: PDF.length });
		expect(result.map((r) => r.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
	});

	test('Send Image / Send File / Send Video send as what they say; the file name option renames', async () => {
		await ownerWrites();
		const [file] = await out({ resource: 'message', operation: 'sendFile', binaryPropertyName: 'data', options: { fileName: 'renamed.png' } }, [binaryItem(PNG, 'chart.png', 'image/png')]);
		const [image] = await out({ resource: 'message', operation: 'sendImage', binaryPropertyName: 'data' }, [binaryItem(JPEG, 'photo.jpg', 'image/jpeg')]);
		const [video] = await out({ resource: 'message', operation: 'sendVideo', binaryPropertyName: 'data' }, [binaryItem(MP4, 'clip.mp4', 'video/mp4')]);
		expect([file.json.kind, image.json.kind, video.json.kind]).toEqual(['file', 'image', 'video']);
		expect(sim.sent.map((s) => s.itemType)).toEqual([4, 2, 5]);
		expect(sim.sent[0].fileName).toBe('renamed.png');
		expect(sim.sent[0].media?.equals(PNG)).toBe(true);
		expect(video.json.sendsLeft).toBe(7);
	});

	test('a missing binary property is the user\'s error, nothing is sent', async () => {
		await ownerWrites();
		const err = await actError({ resource: 'message', operation: 'sendMedia', binaryPropertyName: 'nope' }, [{ json: {} }]);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(sendRequests()).toBe(0);
	});
});

describe('the send budget', () => {
	test('12 items of one execution: 10 go out, the 11th and 12th are refused before any request and say what reopens sends', async () => {
		await ownerWrites();
		const items = Array.from({ length: 12 }, (_, i) => ({ json: { n: i } }));
		const result = await out(
			items.map((_, i) => text(`message ${i}`)),
			items,
			{ continueOnFail: true },
		);
		expect(sim.sent).toHaveLength(10);
		expect(sendRequests()).toBe(10);
		expect(result.slice(0, 10).map((r) => r.json.sendsLeft)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
		for (const r of result.slice(10)) {
			expect(r.json).toMatchObject({ code: 'QUOTA_EXHAUSTED', route: 'ilink', sendsLeft: 0 });
			expect(String(r.json.error)).toContain('Sends reopen as soon as the owner writes anything to the bot');
		}
		expect(result.map((r) => r.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
	});

	test('without Continue On Fail the 11th item fails the node with a NodeOperationError; the owner writing reopens sends', async () => {
		await ownerWrites();
		const items = Array.from({ length: 12 }, () => ({ json: {} }));
		const err = await actError(text('again'), items);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain("the bot's send budget is used up");
		expect(err.message).toContain('Sends reopen as soon as the owner writes anything to the bot in WeChat.');
		expect((err as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(10);
		expect(sim.sent).toHaveLength(10);
		// The same process remembers the count: the next execution is refused at once.
		await expect(actError(text())).resolves.toBeInstanceOf(NodeOperationError);
		expect(sendRequests()).toBe(10);
		// A minute later (sends that finished just before an owner message count against it: STRADDLE_MS).
		sim.advanceClock(60_000);
		await ownerWrites('go on');
		const [item] = await out(text('reopened'));
		expect(item.json.sendsLeft).toBe(9);
		expect(sim.sent).toHaveLength(11);
	});

	test('two executions at once in one process share every reservation: 10 sent in all, the rest refused before any request', async () => {
		await ownerWrites();
		const seven = Array.from({ length: 7 }, () => ({ json: {} }));
		const runs = await Promise.all([out(text('a'), seven, { continueOnFail: true }), out(text('b'), seven, { continueOnFail: true })]);
		const results = runs.flat();
		expect(results.filter((r) => !r.json.error)).toHaveLength(10);
		expect(results.filter((r) => r.json.code === 'QUOTA_EXHAUSTED')).toHaveLength(4);
		expect(sim.sent).toHaveLength(10);
		expect(sendRequests()).toBe(10);
	});

	test('the count reaches the credential: another process (nothing remembered) sees the first execution\'s sends', async () => {
		await ownerWrites();
		const first = await act([text('a'), text('b'), text('c')], [{ json: {} }, { json: {} }, { json: {} }]);
		expect(first.credentialWrites.length).toBeGreaterThan(0);
		const stored = JSON.parse(String(cred.data.budget)) as { chats: Record<string, { sendsSince: number }> };
		expect(stored.chats[owner()].sendsSince).toBe(3);
		resetIlinkAccounts();
		const [item] = await out(text('d'));
		expect(item.json.sendsLeft).toBe(6);
		// The stored credential never holds the count in workflow-visible places.
		for (const w of first.credentialWrites) expect(w.type).toBe('weChatIlinkApi');
	});

	test('the window closed (the owner\'s last message over 23 h ago): refused before any request, says what reopens it', async () => {
		sim.advanceClock(-25 * HOUR);
		await ownerWrites('yesterday');
		const err = await actError(text());
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toMatch(/^Not sent: the owner's last message is older than 23 h \(the reply window closed at .*\)\. Sends reopen as soon as the owner writes anything to the bot in WeChat\.$/);
		expect(sendRequests()).toBe(0);
	});

	test('the owner never wrote: refused before any request', async () => {
		const err = await actError(text());
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain('the owner has not written to the bot in this chat yet');
		expect(sendRequests()).toBe(0);
	});

	test('ret -2 is not retried: sends are blocked until the recorded time, the next is refused without a request, also in another process', async () => {
		await ownerWrites();
		sim.fault('sendmessage', { kind: 'ret', ret: -2, errmsg: 'rate limited' });
		const result = await out([text('one'), text('two')], [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(sendRequests()).toBe(1);
		expect(result[0].json).toMatchObject({ code: 'THROTTLED', route: 'ilink' });
		expect(String(result[0].json.error)).toMatch(/ret -2.*no sends until \d{4}-.*Nothing is sent or retried before then\./);
		expect(result[1].json.code).toBe('THROTTLED');
		expect(result[0].json.blockedUntil).toEqual(expect.any(String));
		const blocked = Date.parse(String(result[0].json.blockedUntil));
		expect(blocked).toBeGreaterThan(Date.now() + 25 * 60_000);
		// The block reached the credential: a fresh process refuses without a request too.
		expect(JSON.parse(String(cred.data.budget)).blockedUntil).toBe(blocked);
		resetIlinkAccounts();
		const err = await actError(text('three'));
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain(`no sends until ${new Date(blocked).toISOString()}`);
		expect(sendRequests()).toBe(1);
	});

	test('the service\'s own window (its clock 25 h on): its ret -2 blocks sends', async () => {
		await ownerWrites();
		sim.advanceClock(25 * HOUR);
		const err = await actError(text());
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain('ret -2');
		expect(sendRequests()).toBe(1);
		expect(sim.sent[0].delivered).toBe(false);
		await expect(actError(text())).resolves.toBeInstanceOf(NodeOperationError);
		expect(sendRequests()).toBe(1);
	});
});

describe('Message → Send Typing', () => {
	test('on and off in the owner\'s chat; no send budget used', async () => {
		await ownerWrites();
		const [on] = await out({ resource: 'message', operation: 'sendTyping', typing: true });
		expect(sim.typing(owner())).toBe(true);
		expect(on.json).toMatchObject({ typing: true, shown: true, route: 'ilink', sendsLeft: 10 });
		const [off] = await out({ resource: 'message', operation: 'sendTyping', typing: false });
		expect(sim.typing(owner())).toBe(false);
		expect(off.json).toMatchObject({ typing: false, sendsLeft: 10 });
		expect(sendRequests()).toBe(0);
	});
});

describe('Media → Download', () => {
	test('image, file and voice from trigger items: decrypted bytes, file name and MIME type; no AES key in the output', async () => {
		const image = await ownerWrites({ image: { bytes: JPEG } });
		const file = await ownerWrites({ file: { bytes: PDF, fileName: 'Quarterly report.pdf' } });
		const voice = await ownerWrites({ voice: { bytes: SILK, transcript: 'hello' } });
		const items = [image, file, voice].map(triggerItem);
		const result = await out({ resource: 'media', operation: 'download', binaryPropertyName: 'data' }, items);
		expect(result).toHaveLength(3);
		expect((await binaryBytes(result[0].binary!.data)).equals(JPEG)).toBe(true);
		expect((await binaryBytes(result[1].binary!.data)).equals(PDF)).toBe(true);
		expect((await binaryBytes(result[2].binary!.data)).equals(SILK)).toBe(true);
		expect(result.map((r) => [r.binary!.data.fileName, r.binary!.data.mimeType])).toEqual([
			[`${image.id}.jpg`, 'image/jpeg'],
			['Quarterly report.pdf', 'application/pdf'],
			[`${voice.id}.silk`, 'audio/silk'],
		]);
		expect(result[0].json).toMatchObject({ id: image.id, type: 'image', media: { kind: 'image', msgId: image.id } });
		for (const r of result) {
			const media = r.json.media as IDataObject;
			for (const key of ['aesKey', 'aesKeyHex', 'encryptQueryParam', 'fullUrl']) expect(media[key]).toBeUndefined();
		}
		expect(result.map((r) => r.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('a message item under another field works as the reference; a custom file name; a text item says it has no media', async () => {
		const image = await ownerWrites({ image: { bytes: PNG } });
		const [renamed] = await out(
			{ resource: 'media', operation: 'download', mediaField: 'message', binaryPropertyName: 'picture', options: { fileName: 'chart.png' } },
			[{ json: { message: triggerItem(image).json } }],
		);
		expect(renamed.binary!.picture).toMatchObject({ fileName: 'chart.png', mimeType: 'image/png' });
		expect(JSON.stringify(renamed.json)).not.toMatch(/aesKey|encryptQueryParam/);
		const plain = await ownerWrites('just text');
		const err = await actError({ resource: 'media', operation: 'download', binaryPropertyName: 'data' }, [triggerItem(plain)]);
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toBe('The input item has no media reference in "media".');
	});
});

describe('Session', () => {
	test('Get Status: route, bot and owner, the window and the sends left; no token', async () => {
		const message = await ownerWrites();
		await out(text());
		const [status] = await out({ resource: 'session', operation: 'getStatus' });
		expect(status.json).toEqual({
			route: 'ilink',
			loggedIn: true,
			botId: sim.bot()?.botId,
			ownerId: owner(),
			windowExpiresAt: new Date(message.timestampMs + 23 * HOUR).toISOString(),
			sendsLeft: 9,
			blockedUntil: null,
		});
	});

	test('Get Status without a session or with a stale one says loggedIn: false', async () => {
		cred = ilinkCredential(sim);
		const [none] = await out({ resource: 'session', operation: 'getStatus' });
		expect(none.json).toMatchObject({ route: 'ilink', loggedIn: false, code: 'NOT_LOGGED_IN' });
		cred = ilinkCredential(sim, storedIlinkSession(sessionJson));
		sim.staleSession();
		const [stale] = await out({ resource: 'session', operation: 'getStatus' });
		expect(stale.json).toMatchObject({ route: 'ilink', loggedIn: false, code: 'SESSION_STALE' });
	});

	test('Log Out forgets the session in the credential: the action node then says to log in with the trigger', async () => {
		await ownerWrites();
		const [result] = await out({ resource: 'session', operation: 'logout' });
		expect(result.json).toMatchObject({ route: 'ilink', loggedOut: true, botId: sim.bot()?.botId, ownerId: owner() });
		expect(String(result.json.hint)).toContain('The next activation of a WeChat Web Trigger with this credential logs in again');
		expect(cred.data.session).toBe('');
		expect(cred.data.sessionImport ?? '').toBe('');
		resetIlinkAccounts();
		const [status] = await out({ resource: 'session', operation: 'getStatus' });
		expect(status.json).toMatchObject({ loggedIn: false, code: 'NOT_LOGGED_IN' });
		const err = await actError(text());
		expect(err).toBeInstanceOf(NodeOperationError);
		expect(err.message).toContain('Not logged in to the WeChat bot (iLink) yet');
		expect(sendRequests()).toBe(0);
	});
});

describe('what the iLink route cannot do', () => {
	test('a Web-only operation answers NotOnRouteError as a NodeOperationError with what to do instead; no request', async () => {
		await ownerWrites();
		const before = sim.requests.length;
		const contacts = await actError({ resource: 'contact', operation: 'getAll', returnAll: true });
		expect(contacts).toBeInstanceOf(NodeOperationError);
		expect(contacts.message).toBe('Contacts and groups is not available on the iLink route.');
		expect(contacts.description).toContain('WeChat Web credential');
		const revoke = await actError({ resource: 'message', operation: 'revoke', revokeSource: 'previousSend' });
		expect(revoke.message).toBe('Revoking a message is not available on the iLink route.');
		const login = await actError({ resource: 'session', operation: 'login' });
		expect(login.message).toBe('Logging in from the action node is not available on the iLink route.');
		expect(login.description).toContain('WeChat Web Trigger');
		const avatar = await actError({ resource: 'media', operation: 'getAvatar' });
		expect(avatar.message).toBe('Downloading an avatar is not available on the iLink route.');
		expect(sim.requests.length).toBe(before);
	});

	test('with Continue On Fail each item gets the error, paired', async () => {
		const result = await out({ resource: 'message', operation: 'forward' }, [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(result.map((r) => [r.json.code, r.pairedItem])).toEqual([
			['NOT_ON_ROUTE', { item: 0 }],
			['NOT_ON_ROUTE', { item: 1 }],
		]);
		expect(String(result[0].json.error)).toBe('Forwarding a message is not available on the iLink route.');
	});

	test('the editor offers only the route\'s operations: iLink hides contacts, revoke, forward, stickers, avatars, QR login', () => {
		const d = new WeChatWeb().description;
		const shownFor = (auth: string, resource: string) =>
			d.properties
				.filter((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.authentication?.includes(auth))
				.flatMap((p) => (p.options as Array<{ value: string }>).map((o) => o.value))
				.sort();
		expect(shownFor('weChatIlinkApi', 'message')).toEqual(['sendFile', 'sendImage', 'sendMedia', 'sendText', 'sendTyping', 'sendVideo']);
		expect(shownFor('weChatIlinkApi', 'media')).toEqual(['download']);
		expect(shownFor('weChatIlinkApi', 'session')).toEqual(['getStatus', 'logout']);
		expect(shownFor('weChatWebApi', 'message')).toEqual(['forward', 'revoke', 'sendEmoticon', 'sendFile', 'sendImage', 'sendText', 'sendVideo']);
		const resources = d.properties.filter((p) => p.name === 'resource' && p.displayOptions?.show?.authentication?.includes('weChatIlinkApi'));
		expect(resources.flatMap((p) => (p.options as Array<{ value: string }>).map((o) => o.value))).toEqual(['media', 'message', 'session']);
		const userId = d.properties.find((p) => p.name === 'userId');
		expect(userId).toMatchObject({ default: '', displayOptions: { show: { authentication: ['weChatIlinkApi'] } } });
	});
});

describe('no token anywhere', () => {
	test('no bot token, context token or AES key in any output item or error of this file', async () => {
		const image = await ownerWrites({ image: { bytes: JPEG } });
		await out(text('x'));
		await out({ resource: 'session', operation: 'getStatus' });
		await out({ resource: 'media', operation: 'download', binaryPropertyName: 'data' }, [triggerItem(image)]);
		await out(text(), Array.from({ length: 12 }, () => ({ json: {} })), { continueOnFail: true });
		const corpus = seen.join('\n');
		recordText(corpus);
		const secrets = [...sim.issuedSecrets().map((s) => s.value), ...contextTokens];
		expect(secrets.length).toBeGreaterThan(2);
		for (const s of secrets) if (s.length >= 6) expect(corpus).not.toContain(s);
		expect(corpus).not.toMatch(/context_?token|botToken|bot_token/i);
	});
});
