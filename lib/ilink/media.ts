/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * Media (ilink-protocol.md §8): getuploadurl → AES-128-ECB ciphertext POSTed
 * to the CDN (3 attempts on 5xx/network, none on 4xx) → the `x-encrypted-param`
 * download parameter → the item to send; downloads from `full_url` or the CDN
 * base, decrypted with either key encoding (or none: plain bytes), capped.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { headerValue } from '../wechat/transport';
import { decryptAesEcb, encryptAesEcb, keyFromHex, md5Hex, outboundAesKey, paddedSize, parseAesKey } from './aes';
import { isAbort, MediaUnavailableError, NetworkError, ProtocolError } from './errors';
import type { IlinkHttp } from './http';
import { API_TIMEOUT_MS, checkEnvelope } from './http';
import { assertIlinkUrl } from './hosts';
import type { IlinkMediaReference, MessageItem } from './messages';
import type { IlinkSession } from './session';

/** media_type of getuploadurl. */
export const UPLOAD_TYPE = { image: 1, video: 2, file: 3, voice: 4 } as const;
export type SendKind = 'image' | 'video' | 'file';
export const CDN_ATTEMPTS = 3;
/** Inbound media cap of the official client (§4). */
export const MAX_MEDIA_BYTES = 100 * 1024 * 1024;
const CDN_TIMEOUT_MS = 120_000;

export type RandomBytes = (n: number) => Uint8Array;
export const defaultRandomBytes: RandomBytes = (n) => nodeRandomBytes(n);

export interface Uploaded {
	filekey: string;
	downloadParam: string;
	key: Uint8Array;
	rawSize: number;
	cipherSize: number;
}

/** A CDN URL the client may fetch: with an override anything (it is rerouted); else WeChat over https. */
function cdnUrl(http: IlinkHttp, url: string): string {
	return http.originOverride ? url : assertIlinkUrl(url, 'CDN URL').toString();
}

export async function uploadMedia(
	http: IlinkHttp,
	session: IlinkSession,
	cdnBase: string,
	to: string,
	kind: SendKind,
	data: Uint8Array,
	opts: { signal?: AbortSignal; randomBytes?: RandomBytes } = {},
): Promise<Uploaded> {
	const rnd = opts.randomBytes ?? defaultRandomBytes;
	const filekey = Buffer.from(rnd(16)).toString('hex');
	const key = Buffer.from(rnd(16));
	const rawSize = data.byteLength;
	const cipherSize = paddedSize(rawSize);
	const answer = await http.post<{ ret?: unknown; errcode?: unknown; errmsg?: unknown; upload_param?: unknown; upload_full_url?: unknown }>(
		session.baseUrl,
		'ilink/bot/getuploadurl',
		{ filekey, media_type: UPLOAD_TYPE[kind], to_user_id: to, rawsize: rawSize, rawfilemd5: md5Hex(data), filesize: cipherSize, no_need_thumb: true, aeskey: key.toString('hex') },
		{ token: session.botToken, signal: opts.signal, timeoutMs: API_TIMEOUT_MS, secrets: [key.toString('hex')] },
	);
	// The official client does not check ret here; a non-zero one can only mean no URL, so say why.
	checkEnvelope('getuploadurl', answer);
	const full = typeof answer.upload_full_url === 'string' ? answer.upload_full_url.trim() : '';
	const param = typeof answer.upload_param === 'string' ? answer.upload_param : '';
	if (!full && !param) throw new ProtocolError('getuploadurl answered without an upload URL.');
	const target = full ? cdnUrl(http, full) : `${cdnBase}/upload?encrypted_query_param=${encodeURIComponent(param)}&filekey=${encodeURIComponent(filekey)}`;
	const body = encryptAesEcb(data, key);
	const downloadParam = await postToCdn(http, target, body, opts.signal, [param, full]);
	return { filekey, downloadParam, key, rawSize, cipherSize };
}

async function postToCdn(http: IlinkHttp, url: string, body: Uint8Array, signal: AbortSignal | undefined, secrets: string[]): Promise<string> {
	let last: Error = new NetworkError('CDN upload failed.');
	for (let attempt = 1; attempt <= CDN_ATTEMPTS; attempt++) {
		try {
			const res = await http.raw('POST', url, { 'content-type': 'application/octet-stream' }, { body, signal, timeoutMs: CDN_TIMEOUT_MS, secrets });
			if (res.status >= 400 && res.status < 500) {
				const said = (headerValue(res, 'x-error-message') ?? '').slice(0, 200);
				throw new MediaUnavailableError(`The CDN refused the upload (HTTP ${res.status}${said ? `: ${said}` : ''}).`);
			}
			if (res.status !== 200) throw new NetworkError(`The CDN answered the upload with HTTP ${res.status}.`, res.status);
			const param = headerValue(res, 'x-encrypted-param');
			if (!param) throw new NetworkError('The CDN answered the upload without x-encrypted-param.');
			return param;
		} catch (err) {
			if (isAbort(err, signal) || err instanceof MediaUnavailableError) throw err;
			last = err instanceof Error ? err : new NetworkError(String(err));
		}
	}
	throw last;
}

/** The item sendmessage carries for an uploaded file (§8.4). */
export function mediaItem(kind: SendKind, up: Uploaded, fileName: string): MessageItem {
	const media = { encrypt_query_param: up.downloadParam, aes_key: outboundAesKey(up.key), encrypt_type: 1 };
	if (kind === 'image') return { type: 2, image_item: { media, mid_size: up.cipherSize } };
	if (kind === 'video') return { type: 5, video_item: { media, video_size: up.cipherSize } };
	return { type: 4, file_item: { media, file_name: fileName, len: String(up.rawSize) } };
}

/** image/* → image, video/* → video, else file (§8.4; voice is never sent). */
export function sendKindFor(mimeType: string | undefined): SendKind {
	const m = (mimeType ?? '').toLowerCase();
	if (m.startsWith('image/')) return 'image';
	if (m.startsWith('video/')) return 'video';
	return 'file';
}

/** The 16 key bytes of a reference, or null when it has none (the bytes are stored plain). */
export function keyOf(ref: IlinkMediaReference): Uint8Array | null {
	if (ref.aesKeyHex) return keyFromHex(ref.aesKeyHex);
	if (ref.aesKey) return parseAesKey(ref.aesKey);
	return null;
}

export async function downloadMedia(
	http: IlinkHttp,
	cdnBase: string,
	ref: IlinkMediaReference,
	opts: { signal?: AbortSignal; maxBytes?: number } = {},
): Promise<Buffer> {
	const max = opts.maxBytes ?? MAX_MEDIA_BYTES;
	const key = keyOf(ref);
	let url: string;
	if (ref.fullUrl) url = cdnUrl(http, ref.fullUrl);
	else if (ref.encryptQueryParam) url = `${cdnBase}/download?encrypted_query_param=${encodeURIComponent(ref.encryptQueryParam)}`;
	else throw new MediaUnavailableError('The media reference has neither a download URL nor a CDN parameter.');
	if (ref.size !== undefined && ref.size > max + 16) throw new MediaUnavailableError(`The media is ${ref.size} bytes, over the limit of ${max}.`);
	const secrets = [ref.encryptQueryParam, ref.fullUrl].filter((s): s is string => !!s);
	const res = await http.raw('GET', url, {}, { signal: opts.signal, timeoutMs: CDN_TIMEOUT_MS, responseType: 'stream', secrets });
	const parts: Buffer[] = [];
	let total = 0;
	try {
		if (res.status < 200 || res.status >= 300) throw new MediaUnavailableError(`The CDN answered the download with HTTP ${res.status}.`);
		if (res.stream) {
			for await (const chunk of res.stream) {
				total += chunk.byteLength;
				if (total > max + 16) throw new MediaUnavailableError(`The media is over the limit of ${max} bytes.`);
				parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
			}
		} else if (res.text !== undefined) {
			parts.push(Buffer.from(res.text, 'latin1'));
		}
	} catch (err) {
		res.cancel?.();
		throw err;
	}
	const bytes = Buffer.concat(parts);
	const plain = key ? decryptAesEcb(bytes, key) : bytes;
	if (plain.byteLength > max) throw new MediaUnavailableError(`The media is over the limit of ${max} bytes.`);
	return plain;
}

/** A MIME type from the first bytes, when they say (JPEG, PNG, GIF, WebP, MP4, PDF, SILK); else the fallback. */
export function sniffMime(data: Uint8Array, fallback: string): string {
	const b = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 16));
	if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
	if (b.subarray(0, 4).toString('latin1') === '\x89PNG') return 'image/png';
	if (b.subarray(0, 3).toString('latin1') === 'GIF') return 'image/gif';
	if (b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
	if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'video/mp4';
	if (b.subarray(0, 4).toString('latin1') === '%PDF') return 'application/pdf';
	if (b.subarray(0, 10).toString('latin1').includes('#!SILK')) return 'audio/silk';
	return fallback;
}
