/**
 * Media downloads as streams (protocol.md §1.18–1.22, §3.11). Each kind has its
 * own endpoint, host and parameter set; the one rule shared by all: the server
 * answers "not available" with an empty 200, so an empty body is an error, never
 * a 0-byte file (§6.12, §6.13). The first chunk is read before returning to tell.
 */
import { requireDataTicket } from './data-ticket';
import { AbortedError, InvalidInputError, MediaUnavailableError, NetworkError, WeChatError, isAbort } from './errors';
import type { WeChatHttp } from './http';
import { CGI, buildQuery, checkRet, endpointName } from './http';
import type { Session } from './session';
import type { HttpResponse } from './transport';
import { headerValue } from './transport';
import { extensionForMimeType, pickMimeType, safeFileName } from './media-vocabulary';
import type { MediaReference } from './types';

/** `big` = large, `slave` = thumbnail, `original` = no `type` parameter (OFF's full view). */
export type ImageVariant = 'big' | 'slave' | 'original';

export interface DownloadOptions {
	/** Images and stickers only. Default: `original` for images, `big` for stickers (as OFF). */
	variant?: ImageVariant;
	signal?: AbortSignal;
	timeoutMs?: number;
	/**
	 * Refuse media larger than this: at once when the server announces a larger
	 * size, else while streaming, as soon as the bytes read pass it (the stream
	 * then throws MediaTooLargeError and the connection is released).
	 */
	maxBytes?: number;
}

export interface MediaStream {
	/** The bytes; iterate once. Breaking out early releases the connection. */
	stream: AsyncIterable<Uint8Array>;
	mimeType: string;
	fileName: string;
	/** Total bytes when the server or the message said so. */
	size?: number;
	/** Releases the connection without reading (safe to call more than once). */
	cancel(): void;
}

export interface MediaBuffer {
	data: Uint8Array;
	mimeType: string;
	fileName: string;
	size: number;
}

export interface AvatarOptions {
	signal?: AbortSignal;
	timeoutMs?: number;
	/** EncryChatRoomId of a group, for members who are not friends. */
	chatRoomId?: string;
	/** MsgId of a message from someone known only through it (friend requests). */
	msgId?: string;
	big?: boolean;
}

/** Raised when media exceeds the caller's `maxBytes`; the stream is cancelled. */
export class MediaTooLargeError extends InvalidInputError {
	readonly maxBytes: number;
	/** The size the server announced, when it did. */
	readonly size?: number;
	constructor(maxBytes: number, size?: number) {
		super(
			`The media is ${size !== undefined ? `${size} bytes` : 'larger than allowed'}, more than the limit of ${maxBytes} bytes.`,
			'Raise the maximum download size, or skip large media.',
		);
		this.name = 'MediaTooLargeError';
		this.maxBytes = maxBytes;
		if (size !== undefined) this.size = size;
	}
}

/** Media downloads can be large; the transport's timeout covers the whole exchange. */
export const DOWNLOAD_TIMEOUT_MS = 120_000;

export interface MediaRequest {
	url: string;
	headers: Record<string, string>;
}

/** The request(s) for a reference, in the order to try them. Pure; exported for tests. */
export function mediaRequests(session: Session, ref: MediaReference, variant?: ImageVariant): MediaRequest[] {
	if (!ref?.msgId && ref?.kind !== 'file') throw new InvalidInputError('The media reference has no message id.');
	const skey = session.tokens.skey;
	const main = (path: string, query: Record<string, string | undefined>, headers: Record<string, string> = {}): MediaRequest => ({
		url: `https://${session.hosts.main}${CGI}/${path}${buildQuery(query)}`,
		headers,
	});
	switch (ref.kind) {
		case 'image':
		case 'emoticon': {
			const v = variant ?? (ref.kind === 'emoticon' ? 'big' : 'original');
			return [main('webwxgetmsgimg', { MsgID: ref.msgId, skey, type: v === 'original' ? undefined : v })];
		}
		case 'voice':
			return [main('webwxgetvoice', { msgid: ref.msgId, skey })];
		case 'video':
			// Without Range the server answers with an empty body (§1.20).
			return [main('webwxgetvideo', { msgid: ref.msgId, skey }, { range: 'bytes=0-' })];
		case 'file':
			return fileRequests(session, ref);
		default:
			throw new InvalidInputError(`Unknown media kind "${String((ref as { kind?: unknown }).kind)}".`);
	}
}

/** webwxgetmedia on the file host: OFF's encryfilename form first, then the older filename form (§1.21). */
function fileRequests(session: Session, ref: MediaReference): MediaRequest[] {
	if (!ref.mediaId) throw new InvalidInputError('The file reference has no MediaId.');
	if (!ref.sender) throw new InvalidInputError('The file reference has no sender (the message FromUserName).');
	if (!ref.encryFileName && !ref.fileName) throw new InvalidInputError('The file reference has neither EncryFileName nor FileName.');
	const dataTicket = requireDataTicket(session);
	const headers = { referer: `https://${session.hosts.main}/` };
	const url = (nameParam: Record<string, string>) =>
		`https://${session.hosts.file}${CGI}/webwxgetmedia${buildQuery({
			sender: ref.sender,
			mediaid: ref.mediaId,
			...nameParam,
			fromuser: session.tokens.uin,
			pass_ticket: session.tokens.passTicket,
			webwx_data_ticket: dataTicket,
		})}`;
	const out: MediaRequest[] = [];
	if (ref.encryFileName) out.push({ url: url({ encryfilename: ref.encryFileName }), headers });
	if (ref.fileName) out.push({ url: url({ filename: ref.fileName }), headers });
	return out;
}

/** Opens a message's media as a stream; empty answers become MediaUnavailableError. */
export async function downloadMedia(http: WeChatHttp, session: Session, ref: MediaReference, opts: DownloadOptions = {}): Promise<MediaStream> {
	const requests = mediaRequests(session, ref, opts.variant);
	for (const req of requests) {
		const opened = await openStream(http, session, req, opts);
		if (!opened) continue;
		const announced = sizeOf(opened.res);
		const { maxBytes } = opts;
		if (maxBytes !== undefined && announced !== undefined && announced > maxBytes) {
			opened.close();
			throw new MediaTooLargeError(maxBytes, announced);
		}
		// Server and message words alike pass the vocabulary's allow-list: never an active type, never a path.
		const mimeType = pickMimeType(headerValue(opened.res, 'content-type'), opened.first, ref.mimeType);
		return {
			stream: maxBytes === undefined ? opened.stream : capped(opened.stream, maxBytes, opened.close),
			mimeType,
			fileName: safeFileName(ref.fileName || dispositionFileName(headerValue(opened.res, 'content-disposition')) || '', `${ref.msgId || ref.mediaId || 'media'}.${extensionForMimeType(mimeType)}`),
			size: announced ?? (ref.size && ref.size > 0 ? ref.size : undefined),
			cancel: opened.close,
		};
	}
	throw new MediaUnavailableError(unavailableText(ref));
}

/** A contact's avatar (webwxgeticon) or a group's (webwxgetheadimg), §1.22. */
export async function downloadAvatar(http: WeChatHttp, session: Session, userName: string, opts: AvatarOptions = {}): Promise<MediaStream> {
	if (!userName) throw new InvalidInputError('An avatar download needs a UserName.');
	const group = userName.startsWith('@@');
	const query = group
		? { seq: '0', username: userName, skey: session.tokens.skey }
		: { seq: '0', username: userName, skey: session.tokens.skey, msgid: opts.msgId, chatroomid: opts.chatRoomId, type: opts.big ? 'big' : undefined };
	const req = { url: `https://${session.hosts.main}${CGI}/${group ? 'webwxgetheadimg' : 'webwxgeticon'}${buildQuery(query)}`, headers: {} };
	const opened = await openStream(http, session, req, opts);
	if (!opened) throw new MediaUnavailableError('WeChat sent an empty avatar for this contact.');
	const mimeType = pickMimeType(headerValue(opened.res, 'content-type'), opened.first, 'image/jpeg');
	return {
		stream: opened.stream,
		mimeType,
		fileName: `avatar-${userName.replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 'contact'}.${extensionForMimeType(mimeType)}`,
		size: sizeOf(opened.res),
		cancel: opened.close,
	};
}

/** downloadMedia read into memory, refusing (and cancelling) beyond `maxBytes`. */
export async function downloadToBuffer(
	http: WeChatHttp,
	session: Session,
	ref: MediaReference,
	opts: DownloadOptions & { maxBytes?: number } = {},
): Promise<MediaBuffer> {
	const media = await downloadMedia(http, session, ref, opts);
	const data = await readAll(media, opts.maxBytes);
	return { data, mimeType: media.mimeType, fileName: media.fileName, size: data.byteLength };
}

/** Collects a MediaStream; with `maxBytes`, stops and cancels as soon as it is exceeded. */
export async function readAll(media: MediaStream, maxBytes?: number): Promise<Uint8Array> {
	if (maxBytes !== undefined && media.size !== undefined && media.size > maxBytes) {
		media.cancel();
		throw new MediaTooLargeError(maxBytes, media.size);
	}
	const parts: Uint8Array[] = [];
	let total = 0;
	for await (const chunk of media.stream) {
		total += chunk.byteLength;
		if (maxBytes !== undefined && total > maxBytes) {
			media.cancel();
			throw new MediaTooLargeError(maxBytes);
		}
		parts.push(chunk);
	}
	const joined = Buffer.concat(parts, total);
	return new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength);
}

/** Passes bytes through until more than `maxBytes` arrived, then calls `close` (release the connection) and throws MediaTooLargeError. */
export async function* capped(source: AsyncIterable<Uint8Array>, maxBytes: number, close: () => void): AsyncGenerator<Uint8Array> {
	let total = 0;
	for await (const chunk of source) {
		total += chunk.byteLength;
		if (total > maxBytes) {
			close();
			throw new MediaTooLargeError(maxBytes);
		}
		yield chunk;
	}
}

interface Opened {
	res: HttpResponse;
	first: Uint8Array;
	stream: AsyncIterable<Uint8Array>;
	close: () => void;
}

/** GET as a stream; null when the body is empty (Content-Length 0 or no bytes at all). */
async function openStream(
	http: WeChatHttp,
	session: Session,
	req: MediaRequest,
	opts: { signal?: AbortSignal; timeoutMs?: number },
): Promise<Opened | null> {
	const endpoint = endpointName(req.url);
	let res: HttpResponse;
	try {
		res = await http.raw(session.jar, 'GET', req.url, {
			responseType: 'stream',
			headers: req.headers,
			signal: opts.signal,
			timeoutMs: opts.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
		});
	} catch (err) {
		throw normalizeError(endpoint, err, opts.signal);
	}
	const iterator = bodyIterator(res);
	let closed = false;
	const close = () => {
		if (closed) return;
		closed = true;
		void Promise.resolve(iterator.return?.()).catch(() => undefined);
		res.cancel?.();
	};
	if (res.status < 200 || res.status >= 300) {
		close();
		throw new NetworkError(`${endpoint} answered HTTP ${res.status}.`, res.status);
	}
	if (headerValue(res, 'content-length')?.trim() === '0') {
		close();
		return null;
	}
	let first: Uint8Array | undefined;
	try {
		for (;;) {
			const next = await iterator.next();
			if (next.done) break;
			if (next.value?.byteLength) {
				first = next.value;
				break;
			}
		}
	} catch (err) {
		close();
		throw normalizeError(endpoint, err, opts.signal);
	}
	if (!first) {
		close();
		return null;
	}
	if (looksLikeEnvelope(headerValue(res, 'content-type'), first)) await rejectEnvelope(endpoint, first, iterator, close);
	return { res, first, stream: replay(endpoint, first, iterator, close, opts.signal), close };
}

function bodyIterator(res: HttpResponse): AsyncIterator<Uint8Array> {
	if (res.stream) return res.stream[Symbol.asyncIterator]();
	// A transport that ignored responseType: fall back to the text it gave.
	const text = res.text ?? '';
	return (async function* () {
		if (text) yield new Uint8Array(Buffer.from(text, 'utf8'));
	})();
}

/** Yields the peeked chunk, then the rest; a consumer that stops early releases the connection. */
function replay(endpoint: string, first: Uint8Array, iterator: AsyncIterator<Uint8Array>, close: () => void, signal?: AbortSignal): AsyncIterable<Uint8Array> {
	return (async function* () {
		let completed = false;
		try {
			yield first;
			for (;;) {
				let next: IteratorResult<Uint8Array>;
				try {
					next = await iterator.next();
				} catch (err) {
					throw normalizeError(endpoint, err, signal);
				}
				if (next.done) {
					completed = true;
					return;
				}
				if (next.value?.byteLength) yield next.value;
			}
		} finally {
			if (!completed) close();
		}
	})();
}

/**
 * A media endpoint answering with a JSON envelope (`{"BaseResponse":{"Ret":1101…`)
 * is reporting an error such as a logout, not serving a file.
 */
function looksLikeEnvelope(contentType: string | undefined, first: Uint8Array): boolean {
	const ct = (contentType ?? '').toLowerCase();
	if (!ct.startsWith('text/') && !ct.includes('json')) return false;
	const head = Buffer.from(first.buffer, first.byteOffset, Math.min(first.byteLength, 256)).toString('utf8').trimStart();
	return head.startsWith('{') && head.includes('"BaseResponse"');
}

async function rejectEnvelope(endpoint: string, first: Uint8Array, iterator: AsyncIterator<Uint8Array>, close: () => void): Promise<void> {
	const parts = [first];
	let total = first.byteLength;
	try {
		while (total < 65536) {
			const next = await iterator.next();
			if (next.done) break;
			parts.push(next.value);
			total += next.value.byteLength;
		}
	} finally {
		close();
	}
	let ret: number | undefined;
	let errMsg = '';
	try {
		const data = JSON.parse(Buffer.concat(parts).toString('utf8')) as { BaseResponse?: { Ret?: unknown; ErrMsg?: unknown } };
		ret = Number(data.BaseResponse?.Ret);
		errMsg = typeof data.BaseResponse?.ErrMsg === 'string' ? data.BaseResponse.ErrMsg : '';
	} catch {
		ret = undefined;
	}
	if (ret !== undefined && Number.isFinite(ret)) checkRet(endpoint, ret, errMsg);
	throw new MediaUnavailableError(`${endpoint} answered with a status document instead of media.`);
}

/** The name in `Content-Disposition` (RFC 5987 `filename*` first), without any path. */
export function dispositionFileName(header: string | undefined): string | undefined {
	if (!header) return undefined;
	let name: string | undefined;
	const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
	if (extended) {
		try {
			name = decodeURIComponent(extended[1].trim());
		} catch {
			name = undefined;
		}
	}
	name ??= /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/.exec(header)?.[1];
	const base = name?.split(/[\\/]/).pop()?.trim();
	return base || undefined;
}

/** Total size: Content-Range's total for a ranged answer, else Content-Length. */
function sizeOf(res: HttpResponse): number | undefined {
	const range = headerValue(res, 'content-range')?.match(/\/(\d+)\s*$/);
	if (range) return Number(range[1]);
	const length = Number(headerValue(res, 'content-length'));
	return Number.isFinite(length) && length > 0 ? length : undefined;
}

function unavailableText(ref: MediaReference): string {
	switch (ref.kind) {
		case 'video':
			return `WeChat sent 0 bytes for the video of message ${ref.msgId}: it is not available via WeChat Web (typically videos not recorded with the WeChat camera).`;
		case 'emoticon':
			return `WeChat sent 0 bytes for the sticker of message ${ref.msgId}: store stickers are blocked on WeChat Web.`;
		case 'file':
			return `WeChat sent 0 bytes for the file${ref.fileName ? ` "${ref.fileName}"` : ''}: it is not available via WeChat Web (files over 25 MB and expired files cannot be downloaded).`;
		default:
			return `WeChat sent 0 bytes for the ${ref.kind} of message ${ref.msgId}: it is not available via WeChat Web.`;
	}
}

function normalizeError(endpoint: string, err: unknown, signal: AbortSignal | undefined): unknown {
	if (isAbort(err, signal)) return new AbortedError();
	if (err instanceof WeChatError) return err;
	const text = err instanceof Error ? err.message : String(err);
	// Transport messages may quote the URL, whose query holds tokens.
	return new NetworkError(`${endpoint} download failed: ${text.replace(/https?:\/\/\S+/g, '<url>')}`);
}
