import { createDecipheriv, randomBytes } from 'node:crypto';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { encryptEcb, md5, startSim, type Wire } from './wire';

function decryptEcb(cipher: Buffer, key: Buffer): Buffer {
	const d = createDecipheriv('aes-128-ecb', key, null);
	return Buffer.concat([d.update(cipher), d.final()]);
}

/** Both inbound encodings, by decoded length (16 raw bytes, or 32 hex chars). */
function keyOf(aesKeyB64: string): Buffer {
	const d = Buffer.from(aesKeyB64, 'base64');
	return d.length === 16 ? d : Buffer.from(d.toString('ascii'), 'hex');
}

describe('iLink simulator: media over the CDN with AES-128-ECB', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	let owner = '';
	beforeEach(async () => {
		({ sim, wire } = await startSim());
		wire.bind();
		owner = sim.bot()!.ownerId;
	});
	afterEach(() => sim.close());

	async function upload(plain: Buffer, mediaType = 1, tamper?: (c: Buffer) => Buffer) {
		const key = randomBytes(16);
		const filekey = randomBytes(16).toString('hex');
		const cipher = encryptEcb(plain, key);
		const u = await wire.call('getuploadurl', {
			filekey,
			media_type: mediaType,
			to_user_id: owner,
			rawsize: plain.length,
			rawfilemd5: md5(plain),
			filesize: cipher.length,
			no_need_thumb: true,
			aeskey: key.toString('hex'),
		});
		const url = `${sim.cdnBase}/upload?encrypted_query_param=${encodeURIComponent(u.json.upload_param as string)}&filekey=${encodeURIComponent(filekey)}`;
		const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(tamper ? tamper(cipher) : cipher) });
		await res.arrayBuffer();
		return { u, res, key, cipher };
	}

	it('round-trips an upload byte for byte and uses it in a sent image', async () => {
		const plain = randomBytes(1000);
		const { u, res, key, cipher } = await upload(plain);
		expect(u.json).toEqual({ upload_param: expect.any(String), thumb_upload_param: '' });
		expect(res.status).toBe(200);
		const param = res.headers.get('x-encrypted-param')!;
		expect(param).toBeTruthy();
		const dl = await fetch(`${sim.cdnBase}/download?encrypted_query_param=${encodeURIComponent(param)}`);
		const got = Buffer.from(await dl.arrayBuffer());
		expect(got.equals(cipher)).toBe(true);
		expect(decryptEcb(got, key).equals(plain)).toBe(true);

		const m = sim.ownerSends('send me a picture');
		const aesKey = Buffer.from(key.toString('hex'), 'ascii').toString('base64');
		const item = { type: 2, image_item: { media: { encrypt_query_param: param, aes_key: aesKey, encrypt_type: 1 }, mid_size: cipher.length } };
		const a = await wire.call('sendmessage', { msg: { from_user_id: '', to_user_id: owner, client_id: 'c', message_type: 2, message_state: 2, context_token: m.contextToken, item_list: [item] } });
		expect(a.json).toEqual({});
		expect(sim.sent.at(-1)?.media?.equals(plain)).toBe(true);

		const wrong = { ...item, image_item: { ...item.image_item, media: { ...item.image_item.media, aes_key: randomBytes(16).toString('base64') } } };
		const b = await wire.call('sendmessage', { msg: { from_user_id: '', to_user_id: owner, client_id: 'c', message_type: 2, message_state: 2, context_token: m.contextToken, item_list: [wrong] } });
		expect(b.json).toEqual({ ret: -2, errmsg: '' });
	});

	it('pads a multiple of 16 with a full block and refuses a wrong filesize', async () => {
		const plain = randomBytes(32);
		const { res, cipher } = await upload(plain, 3);
		expect(cipher.length).toBe(48);
		expect(res.status).toBe(200);
		const bad = await wire.call('getuploadurl', { filekey: randomBytes(16).toString('hex'), media_type: 3, to_user_id: owner, rawsize: 32, rawfilemd5: md5(plain), filesize: 32, no_need_thumb: true, aeskey: randomBytes(16).toString('hex') });
		expect(bad.json).toEqual({ ret: -1, errmsg: 'param error' });
	});

	it('refuses a ciphertext that does not decrypt with 400 and x-error-message', async () => {
		const { res } = await upload(randomBytes(100), 1, (c) => Buffer.concat([c.subarray(0, c.length - 16), randomBytes(16)]));
		expect(res.status).toBe(400);
		expect(res.headers.get('x-error-message')).toMatch(/decrypt|rawfilemd5/);
		expect(res.headers.get('x-encrypted-param')).toBeNull();
		expect((await fetch(`${sim.cdnBase}/download?encrypted_query_param=nope`)).status).toBe(404);
	});

	it('inbound image, file and voice download and decrypt with the key in the message', async () => {
		const img = randomBytes(300);
		const file = randomBytes(77);
		sim.ownerSends({ image: { bytes: img } });
		sim.ownerSends({ file: { bytes: file, fileName: 'x.bin' } });
		sim.ownerSends({ voice: { bytes: Buffer.from('#!SILK_V3 voice') } });
		sim.ownerSends({ image: { bytes: img, plain: true } });
		const a = await wire.call('getupdates', { get_updates_buf: '' });
		const items = (a.json.msgs as Array<{ item_list: Array<Record<string, { media: Record<string, string>; aeskey?: string }>> }>).map((m) => m.item_list[0]);
		const fetchCipher = async (media: Record<string, string>) =>
			Buffer.from(await (await fetch(`${sim.cdnBase}/download?encrypted_query_param=${encodeURIComponent(media.encrypt_query_param)}`)).arrayBuffer());

		const image = items[0].image_item;
		expect(Buffer.from(image.media.aes_key, 'base64')).toHaveLength(16);
		expect(image.aeskey).toMatch(/^[0-9a-f]{32}$/);
		expect(decryptEcb(await fetchCipher(image.media), Buffer.from(image.aeskey!, 'hex')).equals(img)).toBe(true);
		expect(decryptEcb(await fetchCipher(image.media), keyOf(image.media.aes_key)).equals(img)).toBe(true);

		const f = items[1].file_item;
		expect(Buffer.from(f.media.aes_key, 'base64').toString('ascii')).toMatch(/^[0-9a-f]{32}$/);
		expect(decryptEcb(await fetchCipher(f.media), keyOf(f.media.aes_key)).equals(file)).toBe(true);

		const v = items[2].voice_item;
		expect(decryptEcb(await fetchCipher(v.media), keyOf(v.media.aes_key)).toString()).toBe('#!SILK_V3 voice');

		const plainImage = items[3].image_item;
		expect(plainImage.media.aes_key).toBeUndefined();
		expect(plainImage.aeskey).toBeUndefined();
		expect((await fetchCipher(plainImage.media)).equals(img)).toBe(true);
	});

	it('gives upload_full_url and full_url when fullUrls is on', async () => {
		await sim.close();
		({ sim, wire } = await startSim({ fullUrls: true }));
		wire.bind();
		owner = sim.bot()!.ownerId;
		const plain = Buffer.from('hello file');
		const { u } = await upload(plain, 3);
		expect(u.json.upload_full_url).toBe(`${sim.cdnBase}/upload?encrypted_query_param=${encodeURIComponent(u.json.upload_param as string)}&filekey=${encodeURIComponent(sim.requests.at(-1)?.query.filekey ?? '')}`);
		sim.ownerSends({ file: { bytes: plain, fileName: 'h.txt' } });
		const a = await wire.call('getupdates', { get_updates_buf: '' });
		const media = (a.json.msgs as Array<{ item_list: Array<{ file_item: { media: { full_url: string; aes_key: string } } }> }>)[0].item_list[0].file_item.media;
		const got = Buffer.from(await (await fetch(media.full_url)).arrayBuffer());
		expect(decryptEcb(got, keyOf(media.aes_key)).equals(plain)).toBe(true);
	});
});
