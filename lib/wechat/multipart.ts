/**
 * A `multipart/form-data` body built by hand, because the upload must put its
 * fields in the exact order the official WebUploader sends them (protocol.md
 * §1.16) and the client may not depend on Node's FormData. Parts keep the order
 * given; names are escaped the way browsers do (WHATWG: `"` CR LF percent-encoded).
 */
import type { Clock } from './clock';

export type MultipartPart =
	| { name: string; value: string }
	| { name: string; fileName: string; mimeType: string; data: Uint8Array };

export interface MultipartBody {
	body: Uint8Array;
	contentType: string;
}

const BOUNDARY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CRLF = '\r\n';

/** A Chrome-style boundary (`----WebKitFormBoundary` + 16 random characters). */
export function randomBoundary(clock: Pick<Clock, 'random'>): string {
	let tail = '';
	for (let i = 0; i < 16; i++) tail += BOUNDARY_ALPHABET[Math.floor(clock.random() * BOUNDARY_ALPHABET.length) % BOUNDARY_ALPHABET.length];
	return `----WebKitFormBoundary${tail}`;
}

/** Quote-safe header parameter value, as browsers escape form names and file names. */
export function escapeFormName(value: string): string {
	return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function buildMultipart(parts: MultipartPart[], clock: Pick<Clock, 'random'>): MultipartBody {
	let boundary = randomBoundary(clock);
	// A boundary inside the payload would split it; vanishingly rare, but cheap to rule out.
	for (let tries = 0; tries < 8 && parts.some((p) => 'data' in p && containsAscii(p.data, boundary)); tries++) boundary = randomBoundary(clock);
	const chunks: Buffer[] = [];
	for (const part of parts) {
		let head = `--${boundary}${CRLF}Content-Disposition: form-data; name="${escapeFormName(part.name)}"`;
		if ('data' in part) {
			head += `; filename="${escapeFormName(part.fileName)}"${CRLF}Content-Type: ${(part.mimeType || 'application/octet-stream').replace(/[\r\n]/g, '')}`;
			chunks.push(Buffer.from(`${head}${CRLF}${CRLF}`, 'utf8'), Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength), Buffer.from(CRLF));
		} else {
			chunks.push(Buffer.from(`${head}${CRLF}${CRLF}${part.value}${CRLF}`, 'utf8'));
		}
	}
	chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
	const joined = Buffer.concat(chunks);
	return {
		body: new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength),
		contentType: `multipart/form-data; boundary=${boundary}`,
	};
}

function containsAscii(data: Uint8Array, text: string): boolean {
	return Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(text, 0, 'latin1') !== -1;
}
