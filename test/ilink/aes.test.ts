import { decryptAesEcb, encryptAesEcb, keyFromHex, outboundAesKey, paddedSize, parseAesKey } from '../../lib/ilink/aes';
import { MediaUnavailableError } from '../../lib/ilink';

const KEY_BYTES = Array.from({ length: 16 }, (_, i) => i);
const KEY_HEX = Buffer.from(KEY_BYTES).toString('hex');
const KEY = Buffer.from(KEY_HEX, 'hex');

describe('AES-128-ECB and the key encodings (ilink-protocol.md §8)', () => {
	test('FIPS-197 vector: the first block is the known ciphertext, PKCS#7 adds a full block', () => {
		const plain = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
		const cipher = encryptAesEcb(plain, KEY);
		expect(cipher.subarray(0, 16).toString('hex')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
		expect(cipher).toHaveLength(32);
		expect(decryptAesEcb(cipher, KEY).toString('hex')).toBe(plain.toString('hex'));
	});

	test('ciphertext size is ceil((n+1)/16)*16', () => {
		for (const n of [0, 1, 15, 16, 17, 31, 32, 1000]) {
			expect(encryptAesEcb(Buffer.alloc(n, 7), KEY)).toHaveLength(paddedSize(n));
		}
		expect([paddedSize(0), paddedSize(15), paddedSize(16), paddedSize(17)]).toEqual([16, 16, 32, 32]);
	});

	test('round trip of arbitrary bytes', () => {
		const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
		expect(decryptAesEcb(encryptAesEcb(data, KEY), KEY).equals(data)).toBe(true);
	});

	test('inbound aes_key: base64 of 16 raw bytes and base64 of 32 hex chars give the same key', () => {
		const raw = KEY.toString('base64');
		const hex = Buffer.from(KEY_HEX, 'latin1').toString('base64');
		expect(raw).toBe('AAECAwQFBgcICQoLDA0ODw==');
		expect(hex).toBe('MDAwMTAyMDMwNDA1MDYwNzA4MDkwYTBiMGMwZDBlMGY=');
		expect(parseAesKey(raw).equals(KEY)).toBe(true);
		expect(parseAesKey(hex).equals(KEY)).toBe(true);
		expect(keyFromHex(KEY_HEX.toUpperCase()).equals(KEY)).toBe(true);
	});

	test('outbound aes_key is base64 of the hex string', () => {
		expect(outboundAesKey(KEY)).toBe('MDAwMTAyMDMwNDA1MDYwNzA4MDkwYTBiMGMwZDBlMGY=');
		expect(parseAesKey(outboundAesKey(KEY)).equals(KEY)).toBe(true);
	});

	test('bad keys and wrong ciphertext fail with MediaUnavailableError that never quotes the key', () => {
		const bad = Buffer.from('short').toString('base64');
		expect(() => parseAesKey(bad)).toThrow(MediaUnavailableError);
		try {
			parseAesKey(bad);
		} catch (e) {
			expect((e as Error).message).not.toContain(bad);
		}
		expect(() => parseAesKey(Buffer.from('z'.repeat(32)).toString('base64'))).toThrow(MediaUnavailableError);
		expect(() => keyFromHex('abc')).toThrow(MediaUnavailableError);
		expect(() => decryptAesEcb(Buffer.alloc(17), KEY)).toThrow(MediaUnavailableError);
	});
});
