import { createHash } from 'crypto';
import { ApiError, InvalidInputError, NotLoggedInError, ProtocolError, WeChatError } from '../../lib/wechat/errors';
import { buildMultipart, escapeFormName } from '../../lib/wechat/multipart';
import { CHECK_UPLOAD_THRESHOLD, mediaKindFor, sendMedia, UPLOAD_CHUNK_SIZE, uploadMedia, uploadMediaType } from '../../lib/wechat/upload';
import { FakeClock } from './fake-clock';
import type { RecordedRequest } from './fake-transport';
import { jsonBody, makeClient, ok, parseMultipart, PEER, ret, SECRETS, SELF, secretForms } from './fake-transport';

const FIELD_ORDER = ['id', 'name', 'type', 'lastModifiedDate', 'size', 'mediatype', 'uploadmediarequest', 'webwx_data_ticket', 'pass_ticket', 'filename'];
const CHUNKED_ORDER = ['id', 'name', 'type', 'lastModifiedDate', 'size', 'chunks', 'chunk', 'mediatype', 'uploadmediarequest', 'webwx_data_ticket', 'pass_ticket', 'filename'];

function bytes(n: number, seed = 7): Uint8Array {
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
	return out;
}

function partsOf(req: RecordedRequest) {
	return parseMultipart(req.body as Uint8Array, req.headers['content-type']);
}

function field(req: RecordedRequest, name: string): string {
	const part = partsOf(req).find((p) => p.name === name);
	if (!part) throw new Error(`no field ${name}`);
	return part.value;
}

describe('mediaKindFor / uploadMediaType', () => {
	it.each([
		['a.jpg', '', 'image'],
		['a.JPEG', '', 'image'],
		['a.png', '', 'image'],
		['a.bmp', '', 'image'],
		['a.gif', 'image/gif', 'emoticon'],
		['a.mp4', '', 'video'],
		['a.mov', 'video/quicktime', 'file'],
		['a.webp', 'image/webp', 'file'],
		['a.pdf', 'application/pdf', 'file'],
		['noext', 'image/png', 'image'],
		['noext', 'image/gif', 'emoticon'],
		['noext', 'video/mp4', 'video'],
		['noext', 'application/zip', 'file'],
		['a.png', 'application/pdf', 'image'],
	])('%s (%s) → %s', (name, mime, kind) => {
		expect(mediaKindFor(name, mime)).toBe(kind);
	});

	it('maps kinds to the form mediatype; GIF is doc', () => {
		expect(['image', 'video', 'emoticon', 'file'].map((k) => uploadMediaType(k as never))).toEqual(['pic', 'video', 'doc', 'doc']);
	});
});

describe('buildMultipart', () => {
	it('writes parts in order with a boundary from clock.random', () => {
		const clock = new FakeClock();
		clock.defaultRandom = 0;
		const { body, contentType } = buildMultipart(
			[
				{ name: 'a', value: '1' },
				{ name: 'f', fileName: 'x.bin', mimeType: 'application/octet-stream', data: new Uint8Array([0, 255]) },
			],
			clock,
		);
		const b = '----WebKitFormBoundaryAAAAAAAAAAAAAAAA';
		expect(contentType).toBe(`multipart/form-data; boundary=${b}`);
		const expected = Buffer.concat([
			Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--${b}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
			Buffer.from([0, 255]),
			Buffer.from(`\r\n--${b}--\r\n`),
		]);
		expect(Buffer.from(body).equals(expected)).toBe(true);
	});

	it('escapes quotes and line breaks in names like browsers do', () => {
		expect(escapeFormName('a"b\r\nc.txt')).toBe('a%22b%0D%0Ac.txt');
		const { body } = buildMultipart([{ name: 'filename', fileName: 'say "hi"\n.txt', mimeType: 'text/plain', data: new Uint8Array([1]) }], new FakeClock());
		expect(Buffer.from(body).toString('latin1')).toContain('filename="say %22hi%22%0A.txt"');
	});

	it('picks another boundary when the payload contains it', () => {
		const clock = new FakeClock();
		clock.randomQueue.push(...Array(16).fill(0));
		clock.defaultRandom = 0.5;
		const data = Buffer.from('xx----WebKitFormBoundaryAAAAAAAAAAAAAAAAxx');
		const { contentType } = buildMultipart([{ name: 'f', fileName: 'f', mimeType: 'text/plain', data }], clock);
		expect(contentType).not.toContain('AAAAAAAAAAAAAAAA');
	});
});

describe('uploadMedia', () => {
	it('uploads a small file in one request to the file host, fields in WebUploader order', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok({ MediaId: '@crypt_img', StartPos: 1000 }));
		const data = bytes(1000);
		const result = await uploadMedia(http, session, { bytes: data, fileName: '照片 1.png', mimeType: 'image/png', toUserName: PEER });
		expect(result).toEqual({ mediaId: '@crypt_img', size: 1000 });
		expect(transport.requests).toHaveLength(1);
		const req = transport.requests[0];
		expect(req.method).toBe('POST');
		expect(req.host).toBe('file.wx2.qq.com');
		expect(req.path).toBe('/cgi-bin/mmwebwx-bin/webwxuploadmedia');
		expect(req.query).toEqual([['f', 'json']]);
		expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=----WebKitFormBoundary[A-Za-z0-9]{16}$/);
		expect(req.headers.cookie).toContain(`webwx_data_ticket=${SECRETS.dataTicket}`);
		const parts = partsOf(req);
		expect(parts.map((p) => p.name)).toEqual(FIELD_ORDER);
		expect(field(req, 'id')).toBe('WU_FILE_0');
		expect(field(req, 'name')).toBe('照片 1.png');
		expect(field(req, 'type')).toBe('image/png');
		expect(field(req, 'lastModifiedDate')).toBe(new Date(1_700_000_000_000).toString());
		expect(field(req, 'size')).toBe('1000');
		expect(field(req, 'mediatype')).toBe('pic');
		expect(field(req, 'webwx_data_ticket')).toBe(SECRETS.dataTicket);
		expect(field(req, 'pass_ticket')).toBe(decodeURIComponent(SECRETS.passTicket));
		const file = parts[parts.length - 1];
		expect(file.fileName).toBe('照片 1.png');
		expect(file.contentType).toBe('image/png');
		expect(file.data.equals(Buffer.from(data))).toBe(true);
		const request = JSON.parse(field(req, 'uploadmediarequest'));
		expect(Object.keys(request)).toEqual(['UploadType', 'BaseRequest', 'ClientMediaId', 'TotalLen', 'StartPos', 'DataLen', 'MediaType', 'FromUserName', 'ToUserName', 'FileMd5']);
		expect(request).toMatchObject({ UploadType: 2, TotalLen: 1000, StartPos: 0, DataLen: 1000, MediaType: 4, FromUserName: SELF, ToUserName: PEER });
		expect(request.BaseRequest).toMatchObject({ Uin: Number(SECRETS.uin), Sid: SECRETS.sid, Skey: SECRETS.skey });
		expect(request.FileMd5).toBe(createHash('md5').update(data).digest('hex'));
		expect(typeof request.ClientMediaId).toBe('number');
	});

	it('splits 1.2 MB into 524288/524288/rest chunks sharing one uploadmediarequest', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok(), ok(), ok({ MediaId: '@crypt_doc' }));
		const data = bytes(1_200_000);
		const result = await uploadMedia(http, session, { bytes: data, fileName: 'report.pdf', mimeType: 'application/pdf', toUserName: PEER });
		expect(result.mediaId).toBe('@crypt_doc');
		const reqs = transport.to('webwxuploadmedia');
		expect(reqs).toHaveLength(3);
		const sizes = reqs.map((r) => partsOf(r).find((p) => p.name === 'filename')!.data.length);
		expect(sizes).toEqual([524288, 524288, 1_200_000 - 2 * 524288]);
		for (const [i, r] of reqs.entries()) {
			expect(partsOf(r).map((p) => p.name)).toEqual(CHUNKED_ORDER);
			expect(field(r, 'chunks')).toBe('3');
			expect(field(r, 'chunk')).toBe(String(i));
			expect(field(r, 'size')).toBe('1200000');
			expect(field(r, 'mediatype')).toBe('doc');
			expect(r.host).toBe('file.wx2.qq.com');
		}
		const requests = reqs.map((r) => field(r, 'uploadmediarequest'));
		expect(new Set(requests).size).toBe(1);
		expect(JSON.parse(requests[0])).toMatchObject({ TotalLen: 1_200_000, DataLen: 1_200_000, StartPos: 0 });
		const joined = Buffer.concat(reqs.map((r) => partsOf(r).find((p) => p.name === 'filename')!.data));
		expect(joined.equals(Buffer.from(data))).toBe(true);
	});

	it('sends exactly one chunk for exactly 524288 bytes, without chunks/chunk', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok({ MediaId: '@m' }));
		await uploadMedia(http, session, { bytes: bytes(UPLOAD_CHUNK_SIZE), fileName: 'a.bin', mimeType: '', toUserName: PEER });
		expect(transport.requests).toHaveLength(1);
		expect(partsOf(transport.requests[0]).map((p) => p.name)).toEqual(FIELD_ORDER);
		expect(field(transport.requests[0], 'type')).toBe('application/octet-stream');
	});

	it('uploads GIF as doc and mp4 as video', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok({ MediaId: '@g' }), ok({ MediaId: '@v' }));
		await uploadMedia(http, session, { bytes: bytes(10), fileName: 'x.gif', mimeType: 'image/gif', toUserName: PEER });
		await uploadMedia(http, session, { bytes: bytes(10), fileName: 'x.mp4', mimeType: 'video/mp4', toUserName: PEER });
		expect(transport.requests.map((r) => field(r, 'mediatype'))).toEqual(['doc', 'video']);
	});

	it('uses a fresh ClientMediaId per upload even within one millisecond', async () => {
		const { http, transport, session } = makeClient();
		transport.otherwise('webwxuploadmedia', ok({ MediaId: '@m' }));
		await uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER });
		await uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER });
		const ids = transport.requests.map((r) => JSON.parse(field(r, 'uploadmediarequest')).ClientMediaId);
		expect(ids[0]).not.toBe(ids[1]);
	});

	it('stops at a failing chunk (BaseResponse checked on every chunk)', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok(), ret(1));
		await expect(uploadMedia(http, session, { bytes: bytes(1_200_000), fileName: 'a.pdf', mimeType: 'application/pdf', toUserName: PEER })).rejects.toBeInstanceOf(ApiError);
		expect(transport.requests).toHaveLength(2);
	});

	it('treats an empty MediaId on the last chunk as a ProtocolError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok({ MediaId: '' }));
		await expect(uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER })).rejects.toBeInstanceOf(ProtocolError);
	});

	it('reports HTTP errors with the status and no URL', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', { status: 503, text: '' });
		const err = await uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER }).catch((e: unknown) => e);
		expect(err).toMatchObject({ code: 'NETWORK', status: 503 });
		expect((err as Error).message).not.toMatch(/https?:|\?/);
	});

	it('refuses without the data ticket cookie, saying so', async () => {
		const { http, transport, session } = makeClient({ dataTicket: false });
		const err = await uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NotLoggedInError);
		expect((err as Error).message).toMatch(/data ticket is missing/);
		expect((err as Error).message).toMatch(/log in again/);
		expect(transport.requests).toHaveLength(0);
	});

	it('refuses empty files, videos of 20 MB or more and files over 100 MB before any request', async () => {
		const { http, transport, session } = makeClient();
		const up = (n: number, fileName: string) => uploadMedia(http, session, { bytes: new Uint8Array(n), fileName, mimeType: '', toUserName: PEER });
		await expect(up(0, 'a.txt')).rejects.toBeInstanceOf(InvalidInputError);
		await expect(up(20 * 1024 * 1024, 'clip.mp4')).rejects.toBeInstanceOf(InvalidInputError);
		await expect(up(100 * 1024 * 1024 + 1, 'huge.zip')).rejects.toBeInstanceOf(InvalidInputError);
		expect(transport.requests).toHaveLength(0);
	});

	it('does not call webwxcheckupload at exactly 25 MB', async () => {
		const { http, transport, session } = makeClient();
		transport.otherwise('webwxuploadmedia', ok({ MediaId: '@m' }));
		await uploadMedia(http, session, { bytes: new Uint8Array(CHECK_UPLOAD_THRESHOLD), fileName: 'a.zip', mimeType: 'application/zip', toUserName: PEER });
		expect(transport.to('webwxcheckupload')).toHaveLength(0);
		expect(transport.requests).toHaveLength(50);
	});

	it('above 25 MB calls webwxcheckupload first and carries AESKey/Signature in every chunk', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxcheckupload', ok({ AESKey: 'AES', Signature: 'SIG' }));
		transport.otherwise('webwxuploadmedia', (req) => (field(req, 'chunk') === '50' ? ok({ MediaId: '@big' }) : ok()));
		const data = new Uint8Array(CHECK_UPLOAD_THRESHOLD + 1);
		data[data.length - 1] = 9;
		const result = await uploadMedia(http, session, { bytes: data, fileName: 'big.zip', mimeType: 'application/zip', toUserName: PEER });
		expect(result).toEqual({ mediaId: '@big', size: CHECK_UPLOAD_THRESHOLD + 1, signature: 'SIG' });
		const check = transport.requests[0];
		expect(check.endpoint).toBe('webwxcheckupload');
		expect(check.host).toBe('wx2.qq.com');
		const body = jsonBody(check);
		expect(body).toMatchObject({ FromUserName: SELF, ToUserName: PEER, FileSize: CHECK_UPLOAD_THRESHOLD + 1, FileName: 'big.zip', FileType: 7 });
		expect(body.FileMd5).toBe(createHash('md5').update(data).digest('hex'));
		const uploads = transport.to('webwxuploadmedia');
		expect(uploads).toHaveLength(51);
		expect(field(uploads[0], 'chunks')).toBe('51');
		expect(partsOf(uploads[50]).find((p) => p.name === 'filename')!.data).toEqual(Buffer.from([9]));
		const request = JSON.parse(field(uploads[0], 'uploadmediarequest'));
		expect(Object.keys(request).slice(-3)).toEqual(['FileMd5', 'AESKey', 'Signature']);
		expect(request).toMatchObject({ AESKey: 'AES', Signature: 'SIG', FileMd5: body.FileMd5 });
	});

	it('skips the upload when webwxcheckupload already knows the file', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxcheckupload', ok({ AESKey: 'AES', Signature: 'SIG', MediaId: '@known' }));
		const result = await uploadMedia(http, session, { bytes: new Uint8Array(CHECK_UPLOAD_THRESHOLD + 10), fileName: 'big.zip', mimeType: 'application/zip', toUserName: PEER });
		expect(result).toEqual({ mediaId: '@known', size: CHECK_UPLOAD_THRESHOLD + 10, signature: 'SIG' });
		expect(transport.to('webwxuploadmedia')).toHaveLength(0);
	});

	it('stops between chunks when aborted', async () => {
		const { http, transport, session } = makeClient();
		const controller = new AbortController();
		transport.on('webwxuploadmedia', () => {
			controller.abort();
			return ok();
		});
		const run = uploadMedia(http, session, { bytes: bytes(1_200_000), fileName: 'a.pdf', mimeType: 'application/pdf', toUserName: PEER, signal: controller.signal });
		await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
		expect(transport.requests).toHaveLength(1);
	});
});

describe('sendMedia', () => {
	it.each([
		['photo.jpg', 'image/jpeg', 'pic', 'webwxsendmsgimg', 3],
		['clip.mp4', 'video/mp4', 'video', 'webwxsendvideomsg', 43],
		['anim.gif', 'image/gif', 'doc', 'webwxsendemoticon', 47],
		['notes.txt', 'text/plain', 'doc', 'webwxsendappmsg', 6],
	])('%s (%s) → mediatype %s, then %s with Type %d', async (fileName, mimeType, mediatype, endpoint, type) => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ok({ MediaId: '@crypt_m' })).on(endpoint, ok({ MsgID: '42' }));
		const result = await sendMedia(http, session, { bytes: bytes(100), fileName, mimeType, toUserName: PEER });
		expect(transport.requests.map((r) => r.endpoint)).toEqual(['webwxuploadmedia', endpoint]);
		expect(field(transport.requests[0], 'mediatype')).toBe(mediatype);
		const msg = jsonBody(transport.requests[1]).Msg;
		expect(msg.Type).toBe(type);
		if (type === 6) expect(msg.Content).toContain('<totallen>100</totallen><attachid>@crypt_m</attachid><fileext>txt</fileext>');
		else expect(msg.MediaId).toBe('@crypt_m');
		if (type === 47) expect(msg.EmojiFlag).toBe(2);
		expect(result).toMatchObject({ msgId: '42', mediaId: '@crypt_m', toUserName: PEER });
	});

	it('can send an mp4 as a file, and passes the big-file Signature to the message', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxcheckupload', ok({ AESKey: 'AES', Signature: 'SIG', MediaId: '@known' })).on('webwxsendappmsg', ok({ MsgID: '1' }));
		await sendMedia(http, session, { bytes: new Uint8Array(CHECK_UPLOAD_THRESHOLD + 1), fileName: 'movie.mp4', mimeType: 'video/mp4', toUserName: PEER, kind: 'file' });
		const msg = jsonBody(transport.to('webwxsendappmsg')[0]).Msg;
		expect(msg.Signature).toBe('SIG');
		expect(msg.Content).toContain('<fileext>mp4</fileext>');
	});

	it('never puts tokens into upload error messages', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxuploadmedia', ret(1), { status: 500, text: '' }, ok({ MediaId: '' }), { text: 'nope' });
		const errors: unknown[] = [];
		for (let i = 0; i < 4; i++) errors.push(await uploadMedia(http, session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER }).catch((e: unknown) => e));
		const noTicket = makeClient({ dataTicket: false });
		errors.push(await uploadMedia(noTicket.http, noTicket.session, { bytes: bytes(10), fileName: 'a.txt', mimeType: 'text/plain', toUserName: PEER }).catch((e: unknown) => e));
		for (const e of errors) {
			expect(e).toBeInstanceOf(WeChatError);
			for (const secret of secretForms()) expect((e as Error).message).not.toContain(secret);
		}
	});
});
