/**
 * WeChat Web action node — Media resource: Download (from a trigger item or by
 * message id; every media kind; in-memory and filesystem binary storage) and
 * Get Avatar, with the right file names and MIME types.
 */
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Phone } from './action-fixtures';
import {
	binaryBytes,
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

let phone: Phone;
let cred: StoredCredential;

beforeAll(async () => {
	noJitter();
	phone = await startPhone();
	cred = credentialFor(phone);
});

afterAll(async () => {
	await phone?.sim.close();
	resetAccounts();
	stopN8nTimers();
});

describe('Media → Download', () => {
	test('every media kind from trigger items: bytes, file name and MIME type; input JSON kept', async () => {
		const received = await receive(phone, [
			{ type: 'image', from: 'Alice', size: 30_000 },
			{ type: 'voice', from: 'Alice', size: 7_000 },
			{ type: 'video', from: 'Alice', size: 300_000 },
			{ type: 'microvideo', from: 'Bob', size: 100_000 },
			{ type: 'file', fileName: 'Quarterly report.pdf', from: 'Alice', size: 600_000 },
			{ type: 'file', fileName: 'minutes.docx', group: 'Sandbox Group', from: 'Bob', size: 3_000 },
			{ type: 'emoticon', from: 'Carol' },
		]);
		const out = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, received.map((r) => r.item));
		expect(out).toHaveLength(7);
		for (const [i, r] of received.entries()) {
			const binary = out[i].binary?.data;
			expect(binary).toBeDefined();
			expect(sha256(await binaryBytes(binary!))).toBe(r.injected.mediaSha256);
			expect(out[i].pairedItem).toEqual({ item: i });
			expect(out[i].json.id).toBe(r.item.json.id);
		}
		const meta = out.map((o) => [o.binary!.data.fileName, o.binary!.data.mimeType]);
		expect(meta[0]).toEqual([`${received[0].injected.msgId}.jpg`, 'image/jpeg']);
		expect(meta[1]).toEqual([`${received[1].injected.msgId}.mp3`, 'audio/mpeg']);
		expect(meta[2]).toEqual([`${received[2].injected.msgId}.mp4`, 'video/mp4']);
		expect(meta[3]).toEqual([`${received[3].injected.msgId}.mp4`, 'video/mp4']);
		expect(meta[4]).toEqual(['Quarterly report.pdf', 'application/pdf']);
		expect(meta[5]).toEqual(['minutes.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']);
		expect(meta[6][1]).toBe('image/gif');
	});

	test('filesystem binary storage: the download is written to n8n\'s binary store (streamed), bytes intact', async () => {
		const [video] = await receive(phone, [{ type: 'video', from: 'Dave', size: 1_500_000 }]);
		const out = await run(cred, { resource: 'media', operation: 'download', source: 'item', binaryPropertyName: 'video' }, [video.item], { binaryMode: 'filesystem' });
		const binary = out[0].binary!.video;
		expect(binary.id).toMatch(/^filesystem/);
		expect(binary.data).not.toHaveLength(1_500_000);
		expect(sha256(await binaryBytes(binary))).toBe(video.injected.mediaSha256);
		expect(binary.mimeType).toBe('video/mp4');
	});

	test('by message ID and kind (image variants, a file with its fields); a custom reference field and file name', async () => {
		const [image, file] = await receive(phone, [
			{ type: 'image', from: 'Alice' },
			{ type: 'file', fileName: 'data.csv', from: 'Alice', size: 1_000 },
		]);
		phone.sim.resetLogs();
		const thumb = await run(cred, {
			resource: 'media',
			operation: 'download',
			source: 'fields',
			messageId: image.injected.msgId,
			mediaKind: 'image',
			binaryPropertyName: 'data',
			options: { imageVariant: 'slave', fileName: 'thumb.jpg' },
		});
		expect(phone.sim.requests.find((r) => r.endpoint === 'webwxgetmsgimg')?.query.type).toBe('slave');
		expect(thumb[0].json).toEqual({ msgId: image.injected.msgId, kind: 'image' });
		expect(thumb[0].binary!.data.fileName).toBe('thumb.jpg');
		// The thumbnail is a different (smaller) picture than the original.
		const thumbBytes = await binaryBytes(thumb[0].binary!.data);
		expect(thumbBytes.length).toBeGreaterThan(0);
		expect(sha256(thumbBytes)).not.toBe(image.injected.mediaSha256);
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
			fileName: 'data.csv',
			binaryPropertyName: 'data',
		});
		expect(sha256(await binaryBytes(byFields[0].binary!.data))).toBe(file.injected.mediaSha256);
		expect(byFields[0].binary!.data.mimeType).toBe('text/csv');
		const nested = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'message.media', binaryPropertyName: 'data' }, [
			{ json: { message: image.item.json } },
		]);
		expect(sha256(await binaryBytes(nested[0].binary!.data))).toBe(image.injected.mediaSha256);
	});

	test('an item without media, and media WeChat no longer serves, give clear errors', async () => {
		const [text, video, file] = await receive(phone, [
			{ type: 'text', text: 'no media here', from: 'Alice' },
			{ type: 'video', from: 'Alice', unavailable: true },
			{ type: 'file', fileName: 'gone.zip', from: 'Alice', unavailable: true },
		]);
		const none = await runError(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, [text.item]);
		expect(none.message).toBe('The input item has no media reference in "media".');
		expect(none.description).toContain('Only image, voice, video, file and sticker messages carry media');
		const gone = await run(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, [video.item, file.item], {
			continueOnFail: true,
		});
		expect(gone[0].json).toEqual({
			error: `WeChat sent 0 bytes for the video of message ${video.injected.msgId}: it is not available via WeChat Web (typically videos not recorded with the WeChat camera).`,
			code: 'MEDIA_UNAVAILABLE',
			hint: expect.stringContaining('cannot be downloaded through the Web protocol'),
		});
		expect(gone[1].json.error).toBe('WeChat sent 0 bytes for the file "gone.zip": it is not available via WeChat Web (files over 25 MB and expired files cannot be downloaded).');
		const thrown = await runError(cred, { resource: 'media', operation: 'download', source: 'item', mediaField: 'media', binaryPropertyName: 'data' }, [video.item]);
		expect(thrown.constructor.name).toBe('NodeOperationError');
		expect(thrown.message).toContain('not available via WeChat Web');
	});
});

describe('Media → Get Avatar', () => {
	test('a contact\'s and a group\'s picture as binary data', async () => {
		phone.sim.resetLogs();
		const out = await run(
			cred,
			[
				{ resource: 'media', operation: 'getAvatar', chat: rl('name', 'Ali'), binaryPropertyName: 'avatar' },
				{ resource: 'media', operation: 'getAvatar', chat: rl('name', 'Sandbox Group'), binaryPropertyName: 'avatar' },
			],
			[{ json: {} }, { json: {} }],
		);
		expect(phone.sim.requests.filter((r) => r.endpoint === 'webwxgeticon' || r.endpoint === 'webwxgetheadimg').map((r) => r.endpoint)).toEqual([
			'webwxgeticon',
			'webwxgetheadimg',
		]);
		for (const item of out) {
			expect(item.binary!.avatar.mimeType).toBe('image/jpeg');
			expect((await binaryBytes(item.binary!.avatar)).length).toBe(3072);
			expect(item.binary!.avatar.fileName).toMatch(/^avatar-.*\.jpg$/);
		}
		expect(out[0].json.chat).toEqual({ id: phone.sim.userName('Alice'), name: 'Ali', kind: 'user' });
		expect(out[1].json.chat).toMatchObject({ kind: 'group' });
	});
});

describe('secrets', () => {
	test('no token, cookie or ticket appears in any output, error or binary file name', () => {
		const all = seenTexts.join('\n');
		for (const secret of secretsOf(phone)) expect(all).not.toContain(secret);
	});
});
