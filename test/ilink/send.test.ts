import { normalizeMessage, QuotaExhaustedError, ThrottledError, WindowClosedError } from '../../lib/ilink';
import type { WeixinMessage } from '../../lib/ilink';
import { encryptAesEcb, md5Hex, outboundAesKey } from '../../lib/ilink/aes';
import { chunkText, clientId } from '../../lib/ilink/send';
import { bodyOf, CTX, FakeClock, OWNER, session, setup, TOKEN } from './helpers';

const T0 = 1_700_000_000_000;

function ready(opts: Parameters<typeof setup>[0] = {}) {
	let n = 0;
	const t = setup({ randomBytes: (len) => Buffer.alloc(len, ++n), ...opts });
	t.clock.time = T0;
	t.client.restore(session().toJSON());
	t.client.noteInbound({ chat: { id: OWNER, kind: 'user', name: '' }, fromMe: false, timestampMs: T0, contextToken: CTX });
	return t;
}

describe('sendmessage (ilink-protocol.md §5)', () => {
	test('the body is exact: one text item, BOT/FINISH, the chat context token, client_id openclaw-weixin:<ms>-<8 hex>', async () => {
		const { transport, clock, client } = ready();
		clock.randomQueue.push(0.5, 0, 0.1, 0.25, 0.999);
		transport.on('sendmessage', { text: '{"ret":0,"message_id":7301234567890123999}' });
		const sent = await client.sendText(OWNER, 'Hello');
		const req = transport.to('sendmessage')[0];
		expect(req.url).toBe('https://ilinkai.weixin.qq.com/ilink/bot/sendmessage');
		expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(req.timeoutMs).toBe(15000);
		const cid = bodyOf(req.body).msg as Record<string, unknown>;
		expect(req.body).toBe(
			JSON.stringify({
				msg: { from_user_id: '', to_user_id: OWNER, client_id: cid.client_id, message_type: 2, message_state: 2, context_token: CTX, item_list: [{ type: 1, text_item: { text: 'Hello' } }] },
				base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' },
			}),
		);
		expect(cid.client_id).toMatch(/^openclaw-weixin:1700000000000-[0-9a-f]{8}$/);
		expect(sent).toEqual([{ clientId: cid.client_id, messageId: '7301234567890123999' }]);
		expect(client.budgetStatus(OWNER).sendsLeft).toBe(9);
	});

	test('parallel sends reserve the budget: with one send left, the second is refused before any request; a send that failed gives its reservation back', async () => {
		const { transport, client } = ready();
		transport.on('sendmessage', ...Array.from({ length: 8 }, () => ({ json: {} })));
		for (let i = 0; i < 8; i++) await client.sendText(OWNER, `m${i}`);
		expect(client.budgetStatus(OWNER).sendsLeft).toBe(2);
		transport.on('sendmessage', { error: new Error('connect ECONNRESET') });
		await expect(client.sendText(OWNER, 'lost on the way')).rejects.toThrow();
		expect(client.budgetStatus(OWNER).sendsLeft).toBe(2);
		transport.on('sendmessage', { json: {} }, { json: {} });
		const before = transport.to('sendmessage').length;
		await client.sendText(OWNER, 'one');
		const [a, b] = await Promise.allSettled([client.sendText(OWNER, 'two'), client.sendText(OWNER, 'three')]);
		expect(a.status).toBe('fulfilled');
		expect(b).toMatchObject({ status: 'rejected', reason: expect.any(QuotaExhaustedError) });
		expect(transport.to('sendmessage').length - before).toBe(2);
		expect(client.budgetStatus(OWNER).sendsLeft).toBe(0);
	});

	test('clientId and text pieces', () => {
		const clock = new FakeClock(123);
		clock.randomQueue.push(0, 0.5, 0.999, 0.0625);
		expect(clientId(clock)).toBe('openclaw-weixin:123-0080ff10');
		expect(chunkText('a'.repeat(8001)).map((p) => p.length)).toEqual([4000, 4000, 1]);
		expect(chunkText('😀'.repeat(4001))).toHaveLength(2);
	});

	test('{} is success; errcode-only errors are checked; -2 blocks every further send locally until `until`', async () => {
		const { transport, clock, client } = ready();
		transport.on('sendmessage', { json: {} }, { json: { ret: -2, errmsg: 'rate limited' } });
		await expect(client.sendText(OWNER, 'one')).resolves.toHaveLength(1);
		const err = (await client.sendText(OWNER, 'two').catch((e: unknown) => e)) as ThrottledError;
		expect(err).toBeInstanceOf(ThrottledError);
		expect(err.until).toBe(T0 + 30 * 60_000);
		expect(err.message).not.toContain(CTX);
		const local = await client.sendText(OWNER, 'three').catch((e: unknown) => e);
		expect(local).toBeInstanceOf(ThrottledError);
		expect(transport.to('sendmessage')).toHaveLength(2);
		expect(client.budget().blockedUntil).toBe(T0 + 30 * 60_000);
		clock.time = T0 + 30 * 60_000;
		transport.on('sendmessage', { json: { errcode: -5, errmsg: 'x' } });
		await expect(client.sendText(OWNER, 'four')).rejects.toMatchObject({ code: 'API', errcode: -5 });
	});

	test('budget refusals: no conversation, quota, window — none reaches the server', async () => {
		const { transport, clock, client } = ready({ budget: { sendsPerMessage: 2 } });
		await expect(client.sendText('someone@im.wechat', 'x')).rejects.toBeInstanceOf(WindowClosedError);
		transport.otherwise('sendmessage', { json: { ret: 0 } });
		await expect(client.sendText(OWNER, 'a'.repeat(8001))).rejects.toBeInstanceOf(QuotaExhaustedError);
		await client.sendText(OWNER, 'a');
		await client.sendText(OWNER, 'b');
		await expect(client.sendText(OWNER, 'c')).rejects.toMatchObject({ code: 'QUOTA_EXHAUSTED', reopen: expect.stringMatching(/owner/) });
		clock.time = T0 + 24 * 3600_000;
		await expect(client.sendText(OWNER, 'd')).rejects.toMatchObject({ code: 'WINDOW_CLOSED' });
		expect(transport.to('sendmessage')).toHaveLength(2);
		await client.sendText(OWNER, 'e', { ignoreBudget: true });
		expect(transport.to('sendmessage')).toHaveLength(3);
	});

	test('-14 on a send marks the session stale', async () => {
		const { transport, client } = ready();
		transport.on('sendmessage', { json: { errcode: -14, errmsg: 'session timeout' } });
		await expect(client.sendText(OWNER, 'x')).rejects.toMatchObject({ code: 'SESSION_STALE' });
		expect(client.hasSession).toBe(false);
	});
});

describe('media (ilink-protocol.md §8)', () => {
	test('upload: getuploadurl body, ciphertext POSTed to the CDN, the sent item; downloading it gives the bytes back', async () => {
		const { transport, client } = ready();
		const data = Buffer.from('%PDF-1.4 hello world, not a multiple of sixteen');
		let cdnBody: Uint8Array | undefined;
		transport.on('getuploadurl', { json: { upload_param: 'UP/param+=' } });
		transport.on('upload', (req) => {
			cdnBody = req.body as Uint8Array;
			return { status: 200, headers: { 'x-encrypted-param': 'DOWNLOAD-PARAM' } };
		});
		transport.on('sendmessage', { json: { ret: 0 } }, { json: { ret: 0 } });
		const sent = await client.sendMedia(OWNER, { data, fileName: 'a.pdf', mimeType: 'application/pdf' }, { caption: 'see attached' });
		expect(sent.kind).toBe('file');
		const filekey = Buffer.alloc(16, 1).toString('hex');
		const key = Buffer.alloc(16, 2);
		const up = transport.to('getuploadurl')[0];
		expect(up.body).toBe(
			JSON.stringify({
				filekey,
				media_type: 3,
				to_user_id: OWNER,
				rawsize: data.length,
				rawfilemd5: md5Hex(data),
				filesize: 48,
				no_need_thumb: true,
				aeskey: key.toString('hex'),
				base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' },
			}),
		);
		const cdn = transport.to('upload')[0];
		expect(cdn.url).toBe(`https://novac2c.cdn.weixin.qq.com/c2c/upload?encrypted_query_param=${encodeURIComponent('UP/param+=')}&filekey=${filekey}`);
		expect(cdn.headers).toEqual({ 'content-type': 'application/octet-stream' });
		expect(Buffer.from(cdnBody as Uint8Array).equals(encryptAesEcb(data, key))).toBe(true);
		const [caption, media] = transport.to('sendmessage').map((r) => (bodyOf(r.body).msg as { item_list: unknown[] }).item_list[0]);
		expect(caption).toEqual({ type: 1, text_item: { text: 'see attached' } });
		expect(media).toEqual({ type: 4, file_item: { media: { encrypt_query_param: 'DOWNLOAD-PARAM', aes_key: outboundAesKey(key), encrypt_type: 1 }, file_name: 'a.pdf', len: String(data.length) } });
		expect(client.budgetStatus(OWNER).sendsLeft).toBe(8);

		// The same item as an inbound message: download and decrypt.
		const ref = normalizeMessage({ message_id: '1', from_user_id: OWNER, item_list: [media] } as WeixinMessage).media;
		transport.on('download', { chunks: [cdnBody as Uint8Array] });
		const got = await client.download(ref!);
		expect(got.data.equals(data)).toBe(true);
		expect(got).toMatchObject({ mimeType: 'application/pdf', fileName: 'a.pdf', size: data.length });
		expect(transport.to('download')[0].url).toBe('https://novac2c.cdn.weixin.qq.com/c2c/download?encrypted_query_param=DOWNLOAD-PARAM');
	});

	test('image and video items carry the ciphertext size; upload_full_url is preferred', async () => {
		const { transport, client } = ready();
		transport.otherwise('getuploadurl', { json: { upload_full_url: 'https://novac2c.cdn.weixin.qq.com/c2c/upload?full=1', upload_param: 'ignored' } });
		transport.otherwise('upload', { status: 200, headers: { 'x-encrypted-param': 'P' } });
		transport.otherwise('sendmessage', { json: {} });
		await client.sendMedia(OWNER, { data: Buffer.alloc(16), fileName: 'a.png', mimeType: 'image/png' });
		await client.sendVideo(OWNER, { data: Buffer.alloc(3), fileName: 'v.mp4' });
		const items = transport.to('sendmessage').map((r) => (bodyOf(r.body).msg as { item_list: Array<Record<string, unknown>> }).item_list[0]);
		expect(items[0]).toMatchObject({ type: 2, image_item: { mid_size: 32, media: { encrypt_type: 1 } } });
		expect(items[1]).toMatchObject({ type: 5, video_item: { video_size: 16 } });
		expect(transport.to('upload')[0].url).toBe('https://novac2c.cdn.weixin.qq.com/c2c/upload?full=1');
		expect(transport.to('getuploadurl').map((r) => bodyOf(r.body).media_type)).toEqual([1, 2]);
	});

	test('CDN upload: 5xx and network errors retried (3 attempts in all), 4xx not; no x-encrypted-param is an error', async () => {
		const a = ready();
		a.transport.otherwise('getuploadurl', { json: { upload_param: 'u' } });
		a.transport.on('upload', { status: 502 }, { error: new Error('socket hang up') }, { status: 200, headers: { 'x-encrypted-param': 'P' } });
		a.transport.otherwise('sendmessage', { json: {} });
		await a.client.sendFile(OWNER, { data: Buffer.from('x'), fileName: 'x.txt' });
		expect(a.transport.to('upload')).toHaveLength(3);
		const b = ready();
		b.transport.otherwise('getuploadurl', { json: { upload_param: 'u' } });
		b.transport.on('upload', { status: 413, headers: { 'x-error-message': 'too big' } });
		await expect(b.client.sendFile(OWNER, { data: Buffer.from('x'), fileName: 'x.txt' })).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
		expect(b.transport.to('upload')).toHaveLength(1);
		const c = ready();
		c.transport.otherwise('getuploadurl', { json: { upload_param: 'u' } });
		c.transport.otherwise('upload', { status: 200 });
		await expect(c.client.sendFile(OWNER, { data: Buffer.from('x'), fileName: 'x.txt' })).rejects.toMatchObject({ code: 'NETWORK' });
		expect(c.transport.to('upload')).toHaveLength(3);
		expect(c.transport.to('sendmessage')).toHaveLength(0);
	});

	test('download: image hex key, raw base64 key, no key (plain bytes), size cap, foreign full_url refused', async () => {
		const { transport, client } = ready();
		const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
		transport.on('download', { chunks: [encryptAesEcb(jpeg, key)] }, { chunks: [encryptAesEcb(jpeg, key)] }, { chunks: [jpeg] }, { chunks: [Buffer.alloc(64)] });
		const base = { route: 'ilink' as const, msgId: '1', encryptQueryParam: 'e', mimeType: 'image/jpeg' };
		expect((await client.download({ ...base, kind: 'image', aesKeyHex: key.toString('hex'), aesKey: 'ignored' })).data.equals(jpeg)).toBe(true);
		expect((await client.download({ ...base, kind: 'image', aesKey: key.toString('base64') })).data.equals(jpeg)).toBe(true);
		expect((await client.download({ ...base, kind: 'file', mimeType: 'application/octet-stream' })).mimeType).toBe('image/jpeg');
		await expect(client.download({ ...base, kind: 'file' }, { maxBytes: 10 })).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
		await expect(client.download({ ...base, kind: 'file', fullUrl: 'https://evil.example.com/x' })).rejects.toMatchObject({ code: 'PROTOCOL' });
	});
});

describe('typing (ilink-protocol.md §6)', () => {
	test('getconfig once per user (cached), then sendtyping with the ticket; status 1 and 2', async () => {
		const { transport, client } = ready();
		transport.on('getconfig', { json: { ret: 0, typing_ticket: 'TICKET==' } });
		transport.otherwise('sendtyping', { json: { ret: 0 } });
		expect(await client.typing(OWNER)).toBe(true);
		expect(await client.typing(OWNER, false)).toBe(true);
		expect(bodyOf(transport.to('getconfig')[0].body)).toEqual({ ilink_user_id: OWNER, context_token: CTX, base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' } });
		expect(transport.to('sendtyping').map((r) => bodyOf(r.body))).toEqual([
			{ ilink_user_id: OWNER, typing_ticket: 'TICKET==', status: 1, base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' } },
			{ ilink_user_id: OWNER, typing_ticket: 'TICKET==', status: 2, base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' } },
		]);
		expect(transport.to('getconfig')).toHaveLength(1);
	});

	test('no ticket or a failed getconfig: typing is skipped and getconfig retried only after 2 s, doubling', async () => {
		const { transport, clock, client } = ready();
		transport.on('getconfig', { json: { ret: 1 } }, { json: { ret: 1 } }, { json: { ret: 0 } });
		expect(await client.typing(OWNER)).toBe(false);
		expect(await client.typing(OWNER)).toBe(false);
		expect(transport.to('getconfig')).toHaveLength(1);
		clock.time += 2000;
		expect(await client.typing(OWNER)).toBe(false);
		clock.time += 2000;
		expect(await client.typing(OWNER)).toBe(false);
		expect(transport.to('getconfig')).toHaveLength(2);
		clock.time += 2000;
		expect(await client.typing(OWNER)).toBe(false);
		expect(transport.to('getconfig')).toHaveLength(3);
		expect(transport.to('sendtyping')).toHaveLength(0);
	});
});
