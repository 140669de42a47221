/**
 * Review issue 16, item 12, node level: files named by the sender as active
 * content (invoice.html, logo.svg …) reach n8n as application/octet-stream —
 * in the trigger's media reference and in the action's binary data — so an
 * n8n that serves binaries inline in the editor's origin never runs them.
 * Safe types are unchanged. (The server's Content-Type allow-list and the
 * audio/mp3 alias: test/unit/media-types.test.ts.)
 */
import type { Phone } from './action-fixtures';
import { binaryBytes, credentialFor, noJitter, receive, run, sha256, startPhone, stopN8nTimers } from './action-fixtures';
import type { StoredCredential } from './harness';

let phone: Phone;
let cred: StoredCredential;

beforeAll(async () => {
	noJitter();
	phone = await startPhone();
	cred = credentialFor(phone);
});

afterAll(async () => {
	await phone?.sim.close();
	stopN8nTimers();
});

const OCTET = 'application/octet-stream';

describe('Media → Download: active file types are neutralised', () => {
	test('invoice.html, logo.svg, page.xhtml, feed.xml and app.js: octet-stream in the item and in the binary data', async () => {
		const names = ['invoice.html', 'logo.svg', 'page.xhtml', 'feed.xml', 'app.js'];
		const received = await receive(phone, names.map((fileName) => ({ type: 'file' as const, fileName, from: 'Alice', size: 2_000 })));
		for (const r of received) expect((r.item.json.media as { mimeType: string }).mimeType).toBe(OCTET);
		const out = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, received.map((r) => r.item));
		expect(out.map((o) => [o.binary!.data.fileName, o.binary!.data.mimeType])).toEqual(names.map((n) => [n, OCTET]));
		for (const [i, r] of received.entries()) expect(sha256(await binaryBytes(out[i].binary!.data))).toBe(r.injected.mediaSha256);
	});

	test('by message ID with the file name typed in, and an item whose media type was edited to text/html', async () => {
		const [file, image] = await receive(phone, [
			{ type: 'file', fileName: 'invoice.html', from: 'Bob', size: 1_000 },
			{ type: 'image', from: 'Bob', size: 5_000 },
		]);
		const raw = file.message.raw;
		const byFields = await run(cred, {
			resource: 'media',
			operation: 'download',
			source: 'fields',
			messageId: file.injected.msgId,
			mediaKind: 'file',
			fileSender: raw.FromUserName,
			fileMediaId: raw.MediaId ?? '',
			fileEncryFileName: raw.EncryFileName ?? '',
			fileName: 'invoice.html',
			binaryPropertyName: 'data',
		});
		expect(byFields[0].binary!.data.mimeType).toBe(OCTET);
		const edited = { json: { ...file.item.json, media: { ...(file.item.json.media as object), mimeType: 'text/html' } } };
		const editedImage = { json: { ...image.item.json, media: { ...(image.item.json.media as object), mimeType: 'image/svg+xml' } } };
		const out = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, [edited, editedImage]);
		expect(out[0].binary!.data.mimeType).toBe(OCTET);
		// The server says image/jpeg and the bytes agree: that wins over the edited item.
		expect(out[1].binary!.data.mimeType).toBe('image/jpeg');
	});

	test('safe types keep their MIME type', async () => {
		const received = await receive(phone, [
			{ type: 'file', fileName: 'Quarterly report.pdf', from: 'Carol', size: 3_000 },
			{ type: 'file', fileName: 'notes.txt', from: 'Carol', size: 300 },
		]);
		const out = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, received.map((r) => r.item));
		expect(out.map((o) => o.binary!.data.mimeType)).toEqual(['application/pdf', 'text/plain']);
	});
});
