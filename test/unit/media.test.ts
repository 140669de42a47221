import { InvalidInputError, LoggedOutError, MediaUnavailableError, NetworkError, NotLoggedInError, WeChatError } from '../../lib/wechat/errors';
import type { MediaStream } from '../../lib/wechat/media';
import { dispositionFileName, downloadAvatar, downloadMedia, downloadToBuffer, MediaTooLargeError } from '../../lib/wechat/media';
import { pickMimeType, sniffMimeType } from '../../lib/wechat/media-vocabulary';
import type { MediaReference } from '../../lib/wechat/types';
import { makeClient, PEER, ROOM, SECRETS, secretForms } from './fake-transport';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
const MP4 = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]);

const image: MediaReference = { kind: 'image', msgId: '5566778899', mimeType: 'image/jpeg' };
const fileRef: MediaReference = {
	kind: 'file',
	msgId: '1234',
	sender: ROOM,
	mediaId: '@crypt_media+/=',
	encryFileName: 'enc%2Bname',
	fileName: 'Report 2024.pdf',
	size: 2048,
	mimeType: 'application/pdf',
};

async function collect(media: MediaStream): Promise<Buffer> {
	const parts: Uint8Array[] = [];
	for await (const c of media.stream) parts.push(c);
	return Buffer.concat(parts);
}

describe('downloadMedia: request shapes', () => {
	it('image: webwxgetmsgimg?MsgID=&skey= on the main host, as a stream, no type by default', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-type': 'image/jpeg', 'content-length': String(JPEG.length * 2) }, chunks: [JPEG, JPEG] });
		const media = await downloadMedia(http, session, image);
		const req = transport.requests[0];
		expect(req.method).toBe('GET');
		expect(req.host).toBe('wx2.qq.com');
		expect(req.path).toBe('/cgi-bin/mmwebwx-bin/webwxgetmsgimg');
		expect(req.query).toEqual([
			['MsgID', '5566778899'],
			['skey', SECRETS.skey],
		]);
		expect(req.url).toContain(`skey=${encodeURIComponent(SECRETS.skey)}`);
		expect(req.responseType).toBe('stream');
		expect(req.headers.range).toBeUndefined();
		expect(req.headers.cookie).toContain(`wxsid=${SECRETS.sid}`);
		expect(media).toMatchObject({ mimeType: 'image/jpeg', fileName: '5566778899.jpg', size: 14 });
		expect(await collect(media)).toEqual(Buffer.concat([JPEG, JPEG]));
	});

	it.each([
		['big', 'big'],
		['slave', 'slave'],
	] as const)('image variant %s adds type=%s', async (variant, type) => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { chunks: [JPEG] });
		await downloadMedia(http, session, image, { variant });
		expect(transport.requests[0].query).toEqual([
			['MsgID', '5566778899'],
			['skey', SECRETS.skey],
			['type', type],
		]);
	});

	it('sticker defaults to type=big', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { chunks: [Buffer.from('GIF89a...')] });
		const media = await downloadMedia(http, session, { kind: 'emoticon', msgId: '9', mimeType: 'image/gif' });
		expect(transport.requests[0].query[2]).toEqual(['type', 'big']);
		expect(media.mimeType).toBe('image/gif');
	});

	it('voice: webwxgetvoice?msgid=&skey=', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetvoice', { headers: { 'content-type': 'audio/mpeg' }, chunks: [Buffer.from('ID3\x03rest')] });
		const media = await downloadMedia(http, session, { kind: 'voice', msgId: '77', mimeType: 'audio/mpeg' });
		expect(transport.requests[0].host).toBe('wx2.qq.com');
		expect(transport.requests[0].query).toEqual([
			['msgid', '77'],
			['skey', SECRETS.skey],
		]);
		expect(media.fileName).toBe('77.mp3');
	});

	it('video: webwxgetvideo?msgid=&skey= with Range: bytes=0-, size from Content-Range', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetvideo', { status: 206, headers: { 'content-type': 'video/mp4', 'content-range': 'bytes 0-11/12', 'content-length': '12' }, chunks: [MP4] });
		const media = await downloadMedia(http, session, { kind: 'video', msgId: '88', mimeType: 'video/mp4' });
		const req = transport.requests[0];
		expect(req.path).toBe('/cgi-bin/mmwebwx-bin/webwxgetvideo');
		expect(req.query).toEqual([
			['msgid', '88'],
			['skey', SECRETS.skey],
		]);
		expect(req.headers.range).toBe('bytes=0-');
		expect(media).toMatchObject({ mimeType: 'video/mp4', size: 12, fileName: '88.mp4' });
		expect(await collect(media)).toEqual(MP4);
	});

	it('file: webwxgetmedia on the file host with the OFF parameter set and the data ticket', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-type': 'application/octet-stream' }, chunks: [Buffer.from('%PDF-1.7')] });
		const media = await downloadMedia(http, session, fileRef);
		const req = transport.requests[0];
		expect(req.host).toBe('file.wx2.qq.com');
		expect(req.path).toBe('/cgi-bin/mmwebwx-bin/webwxgetmedia');
		expect(req.query).toEqual([
			['sender', ROOM],
			['mediaid', '@crypt_media+/='],
			['encryfilename', 'enc%2Bname'],
			['fromuser', SECRETS.uin],
			['pass_ticket', SECRETS.passTicket],
			['webwx_data_ticket', SECRETS.dataTicket],
		]);
		expect(req.headers.cookie).toContain(`webwx_data_ticket=${SECRETS.dataTicket}`);
		expect(req.headers.referer).toBe('https://wx2.qq.com/');
		expect(media).toMatchObject({ fileName: 'Report 2024.pdf', mimeType: 'application/pdf', size: 2048 });
	});

	it('file: falls back to the older filename= form when the first answer is empty', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-length': '0' }, chunks: [] }, { chunks: [Buffer.from('data')] });
		const media = await downloadMedia(http, session, fileRef);
		const [first, second] = transport.requests;
		expect(first.stream?.cancelled).toBe(true);
		expect(second.query.map(([k]) => k)).toEqual(['sender', 'mediaid', 'filename', 'fromuser', 'pass_ticket', 'webwx_data_ticket']);
		expect(second.query[2]).toEqual(['filename', 'Report 2024.pdf']);
		expect(await collect(media)).toEqual(Buffer.from('data'));
	});

	it('file: both forms empty → MediaUnavailableError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { chunks: [] }, { chunks: [new Uint8Array(0)] });
		await expect(downloadMedia(http, session, fileRef)).rejects.toBeInstanceOf(MediaUnavailableError);
		expect(transport.requests).toHaveLength(2);
	});

	it('file: without EncryFileName only the filename form is tried', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { chunks: [] });
		await expect(downloadMedia(http, session, { ...fileRef, encryFileName: undefined })).rejects.toBeInstanceOf(MediaUnavailableError);
		expect(transport.requests).toHaveLength(1);
		expect(transport.requests[0].query[2][0]).toBe('filename');
	});

	it('file: refuses incomplete references and a missing data ticket before any request', async () => {
		const { http, transport, session } = makeClient();
		await expect(downloadMedia(http, session, { ...fileRef, mediaId: undefined })).rejects.toBeInstanceOf(InvalidInputError);
		await expect(downloadMedia(http, session, { ...fileRef, sender: undefined })).rejects.toBeInstanceOf(InvalidInputError);
		const bare = makeClient({ dataTicket: false });
		const err = await downloadMedia(bare.http, bare.session, fileRef).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NotLoggedInError);
		expect((err as Error).message).toMatch(/data ticket is missing/);
		expect(transport.requests).toHaveLength(0);
		expect(bare.transport.requests).toHaveLength(0);
	});
});

describe('downloadMedia: empty bodies and errors', () => {
	it('Content-Length: 0 is MediaUnavailableError, not a 0-byte file; the stream is released', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetvideo', { headers: { 'content-length': '0', 'content-type': 'video/mp4' }, chunks: [] });
		const err = await downloadMedia(http, session, { kind: 'video', msgId: '88', mimeType: 'video/mp4' }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(MediaUnavailableError);
		expect((err as Error).message).toMatch(/not available via WeChat Web/);
		expect(transport.requests[0].stream?.cancelled).toBe(true);
	});

	it('a stream that ends without bytes (no Content-Length) is MediaUnavailableError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-type': 'image/gif' }, chunks: [new Uint8Array(0), new Uint8Array(0)] });
		await expect(downloadMedia(http, session, { kind: 'emoticon', msgId: '1', mimeType: 'image/gif' })).rejects.toThrow(/store stickers/);
	});

	it('skips empty leading chunks and re-yields the peeked one', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { chunks: [new Uint8Array(0), JPEG, PNG] });
		const media = await downloadMedia(http, session, image);
		expect(await collect(media)).toEqual(Buffer.concat([JPEG, PNG]));
		expect(transport.requests[0].stream?.finished).toBe(true);
	});

	it('HTTP ≥ 400 is a NetworkError with the status and no URL query', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { status: 404, chunks: ['not found'] });
		const err = await downloadMedia(http, session, image).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expect(err).toMatchObject({ status: 404 });
		expect((err as Error).message).toBe('webwxgetmsgimg answered HTTP 404.');
		expect(transport.requests[0].stream?.cancelled).toBe(true);
	});

	it('a JSON envelope instead of media reports the logout', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetvoice', { headers: { 'content-type': 'text/plain' }, chunks: ['{"BaseResponse":{"Ret":1101,"ErrMsg":""}}'] });
		await expect(downloadMedia(http, session, { kind: 'voice', msgId: '1', mimeType: 'audio/mpeg' })).rejects.toBeInstanceOf(LoggedOutError);
	});

	it('an abort becomes AbortedError', async () => {
		const { http, transport, session } = makeClient();
		const controller = new AbortController();
		transport.on('webwxgetmsgimg', () => {
			controller.abort();
			return { error: Object.assign(new Error('aborted'), { name: 'AbortError' }) };
		});
		await expect(downloadMedia(http, session, image, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
	});

	it('stopping early releases the connection', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { chunks: [JPEG, PNG, PNG] });
		const media = await downloadMedia(http, session, image);
		for await (const chunk of media.stream) {
			expect(Buffer.from(chunk).equals(JPEG)).toBe(true);
			break;
		}
		expect(transport.requests[0].stream?.cancelled).toBe(true);
		expect(transport.requests[0].stream?.returned).toBe(true);
	});

	it('never puts tokens or URLs into error messages', async () => {
		const { http, transport, session } = makeClient();
		transport
			.on('webwxgetmsgimg', { status: 500, chunks: [] }, { chunks: [] })
			.on('webwxgetmedia', { status: 403, chunks: [] }, { chunks: [] }, { chunks: [] })
			.on('webwxgetvideo', { error: new Error('socket hang up') });
		const errors = [
			await downloadMedia(http, session, image).catch((e: unknown) => e),
			await downloadMedia(http, session, image).catch((e: unknown) => e),
			await downloadMedia(http, session, fileRef).catch((e: unknown) => e),
			await downloadMedia(http, session, fileRef).catch((e: unknown) => e),
			await downloadMedia(http, session, { kind: 'video', msgId: '1', mimeType: 'video/mp4' }).catch((e: unknown) => e),
		];
		for (const e of errors) {
			expect(e).toBeInstanceOf(WeChatError);
			for (const secret of secretForms()) expect((e as Error).message).not.toContain(secret);
			expect((e as Error).message).not.toMatch(/https?:\/\/|\?[a-z_]+=/i);
		}
	});
});

describe('MIME detection', () => {
	it('prefers an informative Content-Type, else magic bytes, else the reference', () => {
		expect(pickMimeType('image/png; charset=binary', JPEG, 'x/y')).toBe('image/png');
		expect(pickMimeType('application/octet-stream', PNG, 'x/y')).toBe('image/png');
		expect(pickMimeType(undefined, JPEG, 'x/y')).toBe('image/jpeg');
		expect(pickMimeType('text/plain', Buffer.from('hello'), 'application/pdf')).toBe('application/pdf');
		expect(pickMimeType('', Buffer.from('hello'), '')).toBe('application/octet-stream');
	});

	it.each([
		[JPEG, 'image/jpeg'],
		[PNG, 'image/png'],
		[Buffer.from('GIF89a'), 'image/gif'],
		[Buffer.from('ID3\x04'), 'audio/mpeg'],
		[MP4, 'video/mp4'],
		[Buffer.from('%PDF'), undefined],
	])('sniffs case %# as %s', (head, mime) => {
		expect(sniffMimeType(head)).toBe(mime);
	});

	it('an octet-stream JPEG attachment is reported as image/jpeg', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-type': 'application/octet-stream' }, chunks: [JPEG] });
		const media = await downloadMedia(http, session, { ...fileRef, fileName: 'scan.jpg', mimeType: 'application/octet-stream' });
		expect(media.mimeType).toBe('image/jpeg');
		expect(media.fileName).toBe('scan.jpg');
	});
});

describe('file names', () => {
	it('takes the name from Content-Disposition when the reference has none', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-disposition': "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v2.pdf" }, chunks: ['%PDF'] });
		const media = await downloadMedia(http, session, { ...fileRef, fileName: undefined });
		expect(media.fileName).toBe('报告 v2.pdf');
	});

	it.each([
		['attachment; filename="a b.txt"', 'a b.txt'],
		['attachment; filename=plain.bin', 'plain.bin'],
		['attachment; filename="../../etc/passwd"', 'passwd'],
		['inline', undefined],
	])('%s → %s', (header, name) => {
		expect(dispositionFileName(header)).toBe(name);
	});
});

describe('downloadToBuffer', () => {
	it('collects the whole body', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-type': 'image/jpeg' }, chunks: [JPEG, PNG] });
		const result = await downloadToBuffer(http, session, image);
		expect(Buffer.from(result.data)).toEqual(Buffer.concat([JPEG, PNG]));
		expect(result).toMatchObject({ mimeType: 'image/jpeg', fileName: '5566778899.jpg', size: JPEG.length + PNG.length });
	});

	it('stops and cancels when the stream exceeds maxBytes', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { chunks: [JPEG, JPEG, JPEG] });
		const err = await downloadToBuffer(http, session, image, { maxBytes: 10 }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(MediaTooLargeError);
		expect(err).toBeInstanceOf(InvalidInputError);
		expect(transport.requests[0].stream?.cancelled).toBe(true);
		expect(transport.requests[0].stream?.finished).toBe(false);
	});

	it('refuses at once when Content-Length is already over the cap', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-length': '999999' }, chunks: [JPEG] });
		await expect(downloadToBuffer(http, session, image, { maxBytes: 1000 })).rejects.toThrow(/999999 bytes/);
		expect(transport.requests[0].stream?.cancelled).toBe(true);
	});
});

describe('downloadAvatar', () => {
	it('user: webwxgeticon?seq=0&username=&skey= (+ optional chatroomid, type=big)', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgeticon', { chunks: [JPEG] }, { chunks: [JPEG] });
		const media = await downloadAvatar(http, session, PEER);
		await downloadAvatar(http, session, PEER, { chatRoomId: '@encroom', big: true });
		const [a, b] = transport.requests;
		expect(a.host).toBe('wx2.qq.com');
		expect(a.query).toEqual([
			['seq', '0'],
			['username', PEER],
			['skey', SECRETS.skey],
		]);
		expect(b.query).toEqual([
			['seq', '0'],
			['username', PEER],
			['skey', SECRETS.skey],
			['chatroomid', '@encroom'],
			['type', 'big'],
		]);
		expect(media.mimeType).toBe('image/jpeg');
		expect(media.fileName).toMatch(/^avatar-b{12}\.jpg$/);
	});

	it('group: webwxgetheadimg', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetheadimg', { chunks: [PNG] });
		const media = await downloadAvatar(http, session, ROOM);
		expect(transport.requests[0].path).toBe('/cgi-bin/mmwebwx-bin/webwxgetheadimg');
		expect(transport.requests[0].query.map(([k]) => k)).toEqual(['seq', 'username', 'skey']);
		expect(media.mimeType).toBe('image/png');
	});

	it('an empty avatar is MediaUnavailableError', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgeticon', { headers: { 'content-length': '0' }, chunks: [] });
		await expect(downloadAvatar(http, session, PEER)).rejects.toBeInstanceOf(MediaUnavailableError);
	});
});
