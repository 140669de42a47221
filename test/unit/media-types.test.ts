/**
 * Review issue 16, item 12 (and issue 15, item 9): which MIME type media gets
 * is never the sender's or the server's to choose freely. Through the
 * functions the trigger and the action node use: normalizeMessage (the type a
 * message's media reference announces) and downloadMedia (the type the binary
 * data gets). Active types (HTML, XHTML, SVG, XML, JavaScript) become
 * application/octet-stream; the server's Content-Type counts only when it is on
 * the allow-list; known aliases (audio/mp3) become the registered type.
 */
import { downloadMedia } from '../../lib/wechat/media';
import { normalizeMessage } from '../../lib/wechat/messages';
import type { MediaReference, RawAddMsg } from '../../lib/wechat/types';
import { makeClient, PEER, ROOM } from './fake-transport';
import { ALICE, makeContext } from './fixtures/messages/world';

const ctx = makeContext();
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const MP3 = Buffer.from('ID3\x04\x00\x00');
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');

function fileMessage(fileName: string, fileExt = ''): RawAddMsg {
	const xml = `<msg><appmsg appid="" sdkver="0"><title>${fileName}</title><type>6</type><appattach><totallen>10</totallen><fileext>${fileExt}</fileext></appattach></appmsg></msg>`;
	return {
		MsgId: '4000000000000000001',
		MsgType: 49,
		AppMsgType: 6,
		FromUserName: ALICE,
		ToUserName: ctx.selfUserName,
		FileName: fileName,
		FileSize: '10',
		MediaId: '@crypt_media',
		EncryFileName: 'enc',
		Content: xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
		CreateTime: 1700000000,
	} as RawAddMsg;
}

const fileRef = (fileName: string, mimeType: string): MediaReference => ({ kind: 'file', msgId: '1', sender: ROOM, mediaId: '@m', encryFileName: 'e', fileName, mimeType });

describe('the sender\'s file extension never picks an active type', () => {
	test.each([
		['invoice.html', ''],
		['invoice.HTM', ''],
		['logo.svg', ''],
		['page.xhtml', ''],
		['feed.xml', ''],
		['app.js', ''],
		['invoice.pdf', 'html'],
		['report', 'svg'],
	])('a file named %s (fileext "%s") announces application/octet-stream', (fileName, fileExt) => {
		const msg = normalizeMessage(fileMessage(fileName, fileExt), ctx);
		expect(msg.type).toBe('file');
		expect(msg.media?.mimeType).toBe('application/octet-stream');
	});

	test('safe types still come from the extension', () => {
		expect(normalizeMessage(fileMessage('Quarterly report.pdf'), ctx).media?.mimeType).toBe('application/pdf');
		expect(normalizeMessage(fileMessage('photo.PNG'), ctx).media?.mimeType).toBe('image/png');
		expect(normalizeMessage(fileMessage('notes.txt'), ctx).media?.mimeType).toBe('text/plain');
	});
});

describe('the server\'s Content-Type passes an allow-list', () => {
	test.each([
		['text/html', 'invoice.html', HTML],
		['text/html; charset=utf-8', 'invoice.pdf', HTML],
		['application/xhtml+xml', 'page.xhtml', HTML],
		['image/svg+xml', 'logo.svg', SVG],
		['text/xml', 'feed.xml', SVG],
		['application/xml', 'feed.xml', SVG],
		['text/javascript', 'app.js', HTML],
		['application/javascript', 'app.js', HTML],
		['application/x-unknown-thing', 'blob', HTML],
	])('a file served as %s (%s) becomes application/octet-stream', async (contentType, fileName, body) => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-type': contentType }, chunks: [body] });
		// The reference's own type may be stale too (an item from an older version of the trigger).
		const media = await downloadMedia(http, session, fileRef(fileName, fileName.endsWith('.svg') ? 'image/svg+xml' : 'text/html'));
		expect(media.mimeType).toBe('application/octet-stream');
		media.cancel();
	});

	test('an active Content-Type on an image falls back to the magic bytes', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-type': 'image/svg+xml' }, chunks: [JPEG] });
		const media = await downloadMedia(http, session, { kind: 'image', msgId: '55', mimeType: 'image/jpeg' });
		expect(media.mimeType).toBe('image/jpeg');
		expect(media.fileName).toBe('55.jpg');
		media.cancel();
	});

	test('an unknown Content-Type on a file falls back to the type its extension gave', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-type': 'application/x-whatever' }, chunks: [Buffer.from('%PDF-1.7')] });
		const media = await downloadMedia(http, session, fileRef('Report.pdf', 'application/pdf'));
		expect(media.mimeType).toBe('application/pdf');
		media.cancel();
	});

	test('an allowed Content-Type is kept', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmedia', { headers: { 'content-type': 'application/pdf' }, chunks: [Buffer.from('%PDF-1.7')] });
		const media = await downloadMedia(http, session, fileRef('scan', 'application/octet-stream'));
		expect(media.mimeType).toBe('application/pdf');
		media.cancel();
	});
});

describe('aliases become the registered type (issue 15, item 9)', () => {
	test('a voice note served as audio/mp3 is audio/mpeg, named .mp3', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetvoice', { headers: { 'content-type': 'audio/mp3' }, chunks: [MP3] });
		const media = await downloadMedia(http, session, { kind: 'voice', msgId: '77', sender: PEER, mimeType: 'audio/mpeg' });
		expect(media.mimeType).toBe('audio/mpeg');
		expect(media.fileName).toBe('77.mp3');
		media.cancel();
	});

	test('image/jpg is image/jpeg', async () => {
		const { http, transport, session } = makeClient();
		transport.on('webwxgetmsgimg', { headers: { 'content-type': 'image/jpg' }, chunks: [JPEG] });
		const media = await downloadMedia(http, session, { kind: 'image', msgId: '56', mimeType: 'image/jpeg' });
		expect(media.mimeType).toBe('image/jpeg');
		media.cancel();
	});
});
