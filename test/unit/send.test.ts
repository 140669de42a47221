import { ApiError, InvalidInputError, LoggedOutError, NetworkError, ProtocolError, RateLimitedError, WeChatError } from '../../lib/wechat/errors';
import { SendPacer } from '../../lib/wechat/pacing';
import { appMsgXml, DeliveryUnknownError, revoke, sendEmoticon, sendFile, sendImage, sendText, sendVideo } from '../../lib/wechat/send';
import { jsonBody, makeClient, ok, PEER, ret, ROOM, SECRETS, SELF, secretForms } from './fake-transport';

const SENT = ok({ MsgID: '7312345678901234567', LocalID: 'x' });

describe('sendText', () => {
	it('posts webwxsendmsg on the main host with the official body', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.on('webwxsendmsg', SENT);
		const result = await sendText(http, session, PEER, 'hello 你好\nline 2');
		const [req] = transport.requests;
		expect(req.method).toBe('POST');
		expect(req.host).toBe('wx2.qq.com');
		expect(req.path).toBe('/cgi-bin/mmwebwx-bin/webwxsendmsg');
		expect(req.query).toEqual([
			['pass_ticket', SECRETS.passTicket],
			['lang', 'zh_CN'],
		]);
		expect(req.headers['content-type']).toMatch(/^application\/json/);
		const body = jsonBody(req);
		expect(Object.keys(body)).toEqual(['BaseRequest', 'Msg', 'Scene']);
		expect(body.Scene).toBe(0);
		expect(body.BaseRequest).toEqual({ Uin: Number(SECRETS.uin), Sid: SECRETS.sid, Skey: SECRETS.skey, DeviceID: expect.stringMatching(/^e\d{15}$/) });
		expect(Object.keys(body.Msg)).toEqual(['Type', 'Content', 'FromUserName', 'ToUserName', 'LocalID', 'ClientMsgId']);
		expect(body.Msg).toMatchObject({ Type: 1, Content: 'hello 你好\nline 2', FromUserName: SELF, ToUserName: PEER });
		expect(typeof body.Msg.ClientMsgId).toBe('string');
		expect(body.Msg.ClientMsgId).toMatch(/^\d{17}$/);
		expect(body.Msg.ClientMsgId.slice(0, 13)).toBe(String(clock.now()));
		expect(body.Msg.ClientMsgId[13]).toBe('0');
		expect(body.Msg.LocalID).toBe(body.Msg.ClientMsgId);
		expect(result).toEqual({ msgId: '7312345678901234567', localId: 'x', clientMsgId: body.Msg.ClientMsgId, toUserName: PEER, sentAt: clock.now() });
	});

	it('keeps a numeric MsgID as a string and falls back to its own LocalID', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', ok({ MsgID: 123456789 }));
		const result = await sendText(http, session, PEER, 'x');
		expect(result.msgId).toBe('123456789');
		expect(result.localId).toBe(result.clientMsgId);
	});

	it('adds the mention MsgSource exactly as the official client', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', SENT);
		await sendText(http, session, ROOM, '@Alice @Bob hi', { mentions: { userNames: ['@u1', '@u2'], chatRoom: ROOM } });
		const msg = jsonBody(transport.requests[0]).Msg;
		expect(msg.MsgSource).toBe(`<msgsource><atusername>@u1,@u2</atusername><atchatroomname>${ROOM}</atchatroomname></msgsource>`);
		expect(Object.keys(msg)).toEqual(['Type', 'Content', 'MsgSource', 'FromUserName', 'ToUserName', 'LocalID', 'ClientMsgId']);
	});

	it('omits MsgSource for an empty mention list', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', SENT);
		await sendText(http, session, ROOM, 'hi', { mentions: { userNames: [], chatRoom: ROOM } });
		expect(jsonBody(transport.requests[0]).Msg.MsgSource).toBeUndefined();
	});

	it('refuses empty text, an empty recipient and a session without user', async () => {
		const { http, transport, session } = makeClient();
		await expect(sendText(http, session, PEER, '')).rejects.toBeInstanceOf(InvalidInputError);
		await expect(sendText(http, session, ' ', 'x')).rejects.toBeInstanceOf(InvalidInputError);
		session.user = null;
		await expect(sendText(http, session, PEER, 'x')).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
		expect(transport.requests).toHaveLength(0);
	});
});

describe('media sends', () => {
	it('sendImage → webwxsendmsgimg?fun=async&f=json, Type 3', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsgimg', SENT);
		await sendImage(http, session, PEER, '@crypt_media');
		const req = transport.requests[0];
		expect(req.host).toBe('wx2.qq.com');
		expect(req.query.map(([k]) => k)).toEqual(['fun', 'f', 'pass_ticket', 'lang']);
		expect(req.query.slice(0, 2)).toEqual([
			['fun', 'async'],
			['f', 'json'],
		]);
		const msg = jsonBody(req).Msg;
		expect(Object.keys(msg)).toEqual(['Type', 'MediaId', 'FromUserName', 'ToUserName', 'LocalID', 'ClientMsgId']);
		expect(msg).toMatchObject({ Type: 3, MediaId: '@crypt_media' });
	});

	it('sendVideo → webwxsendvideomsg, Type 43', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendvideomsg', SENT);
		await sendVideo(http, session, PEER, '@crypt_video');
		const req = transport.requests[0];
		expect(req.query.slice(0, 2)).toEqual([
			['fun', 'async'],
			['f', 'json'],
		]);
		expect(jsonBody(req).Msg).toMatchObject({ Type: 43, MediaId: '@crypt_video' });
	});

	it('sendFile → webwxsendappmsg, Type 6 with the exact appmsg document', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendappmsg', SENT);
		await sendFile(http, session, PEER, '@crypt_file', { fileName: `Q3 <draft> & "final".PDF`, size: 1234567 });
		const req = transport.requests[0];
		expect(req.query).toEqual([
			['fun', 'async'],
			['f', 'json'],
			['pass_ticket', SECRETS.passTicket],
			['lang', 'zh_CN'],
		]);
		const msg = jsonBody(req).Msg;
		expect(msg.Type).toBe(6);
		expect(msg.Signature).toBeUndefined();
		expect(msg.Content).toBe(
			"<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>Q3 &lt;draft&gt; &amp; &quot;final&quot;.PDF</title><des></des><action></action>" +
				'<type>6</type><content></content><url></url><lowurl></lowurl>' +
				'<appattach><totallen>1234567</totallen><attachid>@crypt_file</attachid><fileext>pdf</fileext></appattach>' +
				'<extinfo></extinfo></appmsg>',
		);
	});

	it('sendFile in desktop (UOS) mode: empty appid, &mod=desktop, Signature first', async () => {
		const { http, transport, session } = makeClient({ mode: 'desktop' });
		transport.on('webwxsendappmsg', SENT);
		await sendFile(http, session, PEER, '@crypt_big', { fileName: 'big.zip', size: 30_000_000, signature: 'SIG' });
		const req = transport.requests[0];
		expect(req.query.map(([k, v]) => (k === 'pass_ticket' ? k : `${k}=${v}`))).toEqual(['fun=async', 'f=json', 'mod=desktop', 'pass_ticket', 'lang=zh_CN']);
		const msg = jsonBody(req).Msg;
		expect(Object.keys(msg)).toEqual(['Signature', 'Type', 'Content', 'FromUserName', 'ToUserName', 'LocalID', 'ClientMsgId']);
		expect(msg.Signature).toBe('SIG');
		expect(msg.Content.startsWith("<appmsg appid='' sdkver=''><title>big.zip</title>")).toBe(true);
	});

	it('appMsgXml keeps the children in the official order', () => {
		const xml = appMsgXml({ appId: 'A', fileName: 'f', size: 1, mediaId: 'M', ext: '' });
		const tags = [...xml.matchAll(/<([a-z]+)[ >]/g)].map((m) => m[1]);
		expect(tags).toEqual(['appmsg', 'title', 'des', 'action', 'type', 'content', 'url', 'lowurl', 'appattach', 'totallen', 'attachid', 'fileext', 'extinfo']);
	});

	it('sendEmoticon by md5 and by MediaId → webwxsendemoticon?fun=sys, Type 47, EmojiFlag 2', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendemoticon', SENT, SENT);
		await sendEmoticon(http, session, PEER, { md5: 'abc123' });
		await sendEmoticon(http, session, PEER, { mediaId: '@crypt_gif' });
		const [a, b] = transport.requests;
		expect(a.query[0]).toEqual(['fun', 'sys']);
		expect(jsonBody(a).Msg).toEqual(expect.objectContaining({ Type: 47, EmojiFlag: 2, EMoticonMd5: 'abc123' }));
		expect(jsonBody(a).Msg.MediaId).toBeUndefined();
		expect(jsonBody(b).Msg).toEqual(expect.objectContaining({ Type: 47, EmojiFlag: 2, MediaId: '@crypt_gif' }));
		expect(jsonBody(b).Msg.EMoticonMd5).toBeUndefined();
		await expect(sendEmoticon(http, session, PEER, { md5: '' })).rejects.toBeInstanceOf(InvalidInputError);
	});
});

describe('revoke', () => {
	it('posts webwxrevokemsg with SvrMsgId, ToUserName and the original ClientMsgId', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.on('webwxsendmsg', SENT).on('webwxrevokemsg', ok());
		const sent = await sendText(http, session, PEER, 'oops');
		const result = await revoke(http, session, PEER, sent.msgId, sent.clientMsgId);
		const req = transport.to('webwxrevokemsg')[0];
		expect(req.host).toBe('wx2.qq.com');
		const body = jsonBody(req);
		expect(Object.keys(body)).toEqual(['BaseRequest', 'SvrMsgId', 'ToUserName', 'ClientMsgId']);
		expect(body).toMatchObject({ SvrMsgId: sent.msgId, ToUserName: PEER, ClientMsgId: sent.clientMsgId });
		expect(result).toEqual({ msgId: sent.msgId, toUserName: PEER, revokedAt: clock.now() });
	});

	it('surfaces the server refusal (e.g. too late) as ApiError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxrevokemsg', ret(-1));
		await expect(revoke(http, session, PEER, '1', '')).rejects.toBeInstanceOf(ApiError);
		expect(jsonBody(transport.requests[0]).ClientMsgId).toMatch(/^\d{17}$/);
	});
});

describe('send failures', () => {
	it('a timed-out send is not retried and says the outcome is unknown', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.on('webwxsendmsg', { error: new NetworkError('timeout after 30000 ms') });
		const err = await sendText(http, session, PEER, 'x', { pacer: new SendPacer(clock) }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(DeliveryUnknownError);
		expect(err).toBeInstanceOf(NetworkError);
		expect((err as WeChatError).retryable).toBe(false);
		expect((err as Error).message).toMatch(/may or may not have been delivered/);
		expect(transport.requests).toHaveLength(1);
	});

	it('a raw transport failure or a 5xx is also of unknown outcome; a 404 is not', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', { error: new Error('socket hang up') }, { status: 502, text: 'bad gateway' }, { status: 404, text: '' });
		await expect(sendText(http, session, PEER, 'x')).rejects.toBeInstanceOf(DeliveryUnknownError);
		await expect(sendText(http, session, PEER, 'x')).rejects.toMatchObject({ name: 'DeliveryUnknownError', status: 502 });
		const notFound = await sendText(http, session, PEER, 'x').catch((e: unknown) => e);
		expect(notFound).toBeInstanceOf(NetworkError);
		expect(notFound).not.toBeInstanceOf(DeliveryUnknownError);
	});

	it('an unreadable answer is of unknown outcome', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', { text: '<html>' });
		await expect(sendText(http, session, PEER, 'x')).rejects.toBeInstanceOf(DeliveryUnknownError);
	});

	it('Ret 0 without MsgID is a non-retryable ProtocolError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxsendmsg', ok());
		const err = await sendText(http, session, PEER, 'x').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(ProtocolError);
		expect((err as WeChatError).retryable).toBe(false);
	});

	it('retries Ret 1205 through the pacer with the same ClientMsgId, after 10 s and 15 s', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.on('webwxsendmsg', ret(1205), ret(1205), SENT);
		const pacer = new SendPacer(clock, { jitterMs: 0 });
		const result = await sendText(http, session, PEER, 'x', { pacer });
		expect(transport.requests).toHaveLength(3);
		const ids = transport.requests.map((r) => jsonBody(r).Msg.ClientMsgId);
		expect(new Set(ids).size).toBe(1);
		expect(result.clientMsgId).toBe(ids[0]);
		expect(clock.sleeps).toEqual([10000, 15000]);
		expect(result.sentAt).toBe(clock.now());
	});

	it('gives up with RateLimitedError when 1205 persists; without a pacer at once', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.otherwise('webwxsendmsg', ret(1205));
		await expect(sendText(http, session, PEER, 'x', { pacer: new SendPacer(clock) })).rejects.toBeInstanceOf(RateLimitedError);
		expect(transport.requests).toHaveLength(3);
		await expect(sendText(http, session, PEER, 'x')).rejects.toBeInstanceOf(RateLimitedError);
		expect(transport.requests).toHaveLength(4);
	});

	it('a logout answer is not retried', async () => {
		const { http, transport, clock, session } = makeClient();
		transport.on('webwxsendmsg', ret(1101));
		await expect(sendText(http, session, PEER, 'x', { pacer: new SendPacer(clock) })).rejects.toBeInstanceOf(LoggedOutError);
		expect(transport.requests).toHaveLength(1);
	});

	it('an abort during the request becomes AbortedError', async () => {
		const { http, transport, session } = makeClient();
		const controller = new AbortController();
		transport.on('webwxsendmsg', () => {
			controller.abort();
			return { error: Object.assign(new Error('aborted'), { name: 'AbortError' }) };
		});
		await expect(sendText(http, session, PEER, 'x', { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
	});

	it('never puts tokens or URLs into error messages', async () => {
		const { http, transport, clock, session } = makeClient();
		transport
			.on('webwxsendmsg', { error: new NetworkError('timeout') }, { status: 500, text: '' }, { status: 403, text: '' }, ret(1205), ret(1100), ret(1), { text: 'garbage' }, ok(), ret(1205))
			.on('webwxrevokemsg', ret(-1));
		const errors: unknown[] = [];
		for (let i = 0; i < 8; i++) errors.push(await sendText(http, session, PEER, 'x').catch((e: unknown) => e));
		errors.push(await revoke(http, session, PEER, '1', '1').catch((e: unknown) => e));
		errors.push(await sendText(http, session, PEER, 'x', { pacer: new SendPacer(clock, { rateLimitRetries: 0 }) }).catch((e: unknown) => e));
		expect(errors.every((e) => e instanceof WeChatError)).toBe(true);
		for (const e of errors) {
			const text = `${(e as WeChatError).message} ${(e as WeChatError).hint}`;
			for (const secret of secretForms()) expect(text).not.toContain(secret);
			expect(text).not.toMatch(/https?:\/\/|\?[a-z_]+=/i);
		}
	});
});
