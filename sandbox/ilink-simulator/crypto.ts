/**
 * AES-128-ECB with PKCS#7 (ilink-protocol.md §8.1), the two `aes_key`
 * encodings (§8.4) and the random ids the service hands out.
 */

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function encryptEcb(plain: Buffer, key: Buffer): Buffer {
	const c = createCipheriv('aes-128-ecb', key, null);
	return Buffer.concat([c.update(plain), c.final()]);
}

/** Undefined when the key is wrong or the padding is broken. */
export function decryptEcb(cipher: Buffer, key: Buffer): Buffer | undefined {
	try {
		const d = createDecipheriv('aes-128-ecb', key, null);
		return Buffer.concat([d.update(cipher), d.final()]);
	} catch {
		return undefined;
	}
}

/** Ciphertext size for `n` plaintext bytes: a full extra block when n % 16 === 0. */
export function paddedSize(n: number): number {
	return Math.ceil((n + 1) / 16) * 16;
}

/** `raw`: base64(16 bytes) (images); `hex`: base64 of the 32 hex chars (file/voice/video, and what clients send). */
export function encodeAesKey(key: Buffer, encoding: 'raw' | 'hex'): string {
	return encoding === 'raw' ? key.toString('base64') : Buffer.from(key.toString('hex'), 'ascii').toString('base64');
}

/** Both encodings, decided by decoded length like the official client (`src/cdn/pic-decrypt.ts:30-52`). */
export function decodeAesKey(b64: string): Buffer | undefined {
	const decoded = Buffer.from(b64, 'base64');
	if (decoded.length === 16) return decoded;
	const ascii = decoded.toString('ascii');
	if (decoded.length === 32 && /^[0-9a-fA-F]{32}$/.test(ascii)) return Buffer.from(ascii, 'hex');
	return undefined;
}

export function md5Hex(b: Buffer): string {
	return createHash('md5').update(b).digest('hex');
}

export function randomHex(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

export function randomKey(): Buffer {
	return randomBytes(16);
}

/** Opaque base64url token of `bytes` random bytes with a readable prefix. */
export function opaque(prefix: string, bytes = 24): string {
	return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
