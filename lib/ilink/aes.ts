/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * AES-128-ECB with PKCS#7 padding, no IV (ilink-protocol.md §8.1), and the key
 * encodings of §8.4: inbound `aes_key` is base64 of 16 raw bytes or base64 of
 * 32 hex characters; `image_item.aeskey` is plain hex; outbound keys are sent
 * as base64 of the hex string. Error messages never quote a key.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { MediaUnavailableError } from './errors';

export function encryptAesEcb(plain: Uint8Array, key: Uint8Array): Buffer {
	const cipher = createCipheriv('aes-128-ecb', key, null);
	return Buffer.concat([cipher.update(plain), cipher.final()]);
}

export function decryptAesEcb(cipherText: Uint8Array, key: Uint8Array): Buffer {
	const decipher = createDecipheriv('aes-128-ecb', key, null);
	try {
		return Buffer.concat([decipher.update(cipherText), decipher.final()]);
	} catch {
		throw new MediaUnavailableError(`The media (${cipherText.byteLength} bytes) could not be decrypted with its key (wrong key or truncated file).`);
	}
}

/** Ciphertext size: `ceil((n+1)/16)*16` — a whole extra block when n is a multiple of 16. */
export function paddedSize(n: number): number {
	return Math.ceil((n + 1) / 16) * 16;
}

const HEX32 = /^[0-9a-fA-F]{32}$/;

/** `CDNMedia.aes_key` → 16 key bytes: base64(16 raw bytes) or base64(32 hex chars); anything else → error. */
export function parseAesKey(aesKeyBase64: string): Buffer {
	const decoded = Buffer.from(aesKeyBase64, 'base64');
	if (decoded.length === 16) return decoded;
	if (decoded.length === 32) {
		const text = decoded.toString('latin1');
		if (HEX32.test(text)) return Buffer.from(text, 'hex');
	}
	throw new MediaUnavailableError(`The media key decodes to ${decoded.length} bytes, neither 16 raw bytes nor 32 hex characters.`);
}

/** `image_item.aeskey` (32 hex characters) → 16 key bytes. */
export function keyFromHex(hex: string): Buffer {
	if (!HEX32.test(hex)) throw new MediaUnavailableError('The image key is not 32 hex characters.');
	return Buffer.from(hex, 'hex');
}

/** Outbound `CDNMedia.aes_key`: base64 of the key's 32-char lower-case hex string. */
export function outboundAesKey(key: Uint8Array): string {
	return Buffer.from(Buffer.from(key).toString('hex'), 'latin1').toString('base64');
}

export function md5Hex(data: Uint8Array): string {
	return createHash('md5').update(data).digest('hex');
}
