/**
 * Media upload (protocol.md §1.15, §1.16) and the upload-then-send convenience.
 * Uploads go to the file host in 512 KiB multipart chunks that all carry the same
 * `uploadmediarequest` (hence the same ClientMediaId), fields in WebUploader's
 * order; files over 25 MB are announced with webwxcheckupload first.
 */
import { createHash } from 'crypto';
import { AbortedError, InvalidInputError, NetworkError, NotLoggedInError, ProtocolError, isAbort } from './errors';
import type { WeChatHttp } from './http';
import { CGI, checkEnvelope, endpointName } from './http';
import type { MultipartPart } from './multipart';
import { buildMultipart } from './multipart';
import type { SendOptions, SentMessage } from './send';
import { sendEmoticon, sendFile, sendImage, sendVideo } from './send';
import type { Session } from './session';
import type { BaseResponse } from './types';
import { requireDataTicket } from './data-ticket';
import { canonicalMimeType, nameExtension, OCTET_STREAM, type SendableKind } from './media-vocabulary';

/** OFF WebUploader `chunkSize`; every maintained client uses exactly this (§6.10). */
export const UPLOAD_CHUNK_SIZE = 524288;
/** OFF NEED_CHECK_SIZE: above this webwxcheckupload must run first. */
export const CHECK_UPLOAD_THRESHOLD = 25 * 1024 * 1024;
/** OFF MAX_IMG_UPLOAD_SIZE: videos of this size or more are refused (OFF tests `>=`). */
export const MAX_VIDEO_BYTES = 20 * 1024 * 1024;
/** PW's cap for any upload. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** Per chunk; a 512 KiB part on a slow uplink needs more than the JSON default. */
export const UPLOAD_CHUNK_TIMEOUT_MS = 60_000;
/** UPLOAD_MEDIA_TYPE_ATTACHMENT — every client sends 4 whatever the file is. */
const MEDIA_TYPE_ATTACHMENT = 4;
/** webwxcheckupload's "big file" type (PW: the call fails without it). */
const CHECK_FILE_TYPE = 7;


/**
 * A file read as a stream, twice: once for the MD5 every chunk's request carries,
 * then for the chunks themselves. Memory stays at one 512 KiB chunk whatever the
 * file's size. `open` must yield the same `size` bytes each time.
 */
export interface UploadSource {
	size: number;
	open(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface UploadInput {
	/** The whole file in memory; or give `source` instead. */
	bytes?: Uint8Array;
	source?: UploadSource;
	fileName: string;
	mimeType: string;
	toUserName: string;
	signal?: AbortSignal;
	/** How the file will be sent; decides `mediatype`. Default: mediaKindFor(fileName, mimeType). */
	kind?: SendableKind;
	/** File modification time (Unix ms) for `lastModifiedDate`; default now. */
	lastModified?: number;
	timeoutMs?: number;
}

export interface UploadResult {
	mediaId: string;
	size: number;
	/** From webwxcheckupload (files over 25 MB); file messages must carry it. */
	signature?: string;
}

export interface SentMedia extends SentMessage {
	kind: SendableKind;
	mediaId: string;
}

interface UploadResponse {
	BaseResponse: BaseResponse;
	MediaId?: string;
	StartPos?: number;
}

interface CheckUploadResponse {
	BaseResponse: BaseResponse;
	MediaId?: string;
	AESKey?: string;
	Signature?: string;
}

const IMAGE_EXTS = new Set(['bmp', 'jpeg', 'jpg', 'png']);
const IMAGE_MIMES = new Set(['image/bmp', 'image/jpeg', 'image/png']);

/**
 * Which send endpoint fits a file, by extension like OFF's getMsgType (mime type
 * only when the name has no extension). GIF is a sticker: sent as `pic` it shows a
 * wrong picture (PW#178).
 */
export function mediaKindFor(fileName: string, mimeType: string): SendableKind {
	const ext = nameExtension(fileName ?? '');
	if (ext) {
		if (ext === 'gif') return 'emoticon';
		if (IMAGE_EXTS.has(ext)) return 'image';
		if (ext === 'mp4') return 'video';
		return 'file';
	}
	const mime = canonicalMimeType(mimeType);
	if (mime === 'image/gif') return 'emoticon';
	if (IMAGE_MIMES.has(mime)) return 'image';
	if (mime === 'video/mp4') return 'video';
	return 'file';
}

/** The form's `mediatype`: `pic` / `video` / `doc` (GIF and stickers are `doc`). */
export function uploadMediaType(kind: SendableKind): 'pic' | 'video' | 'doc' {
	if (kind === 'image') return 'pic';
	if (kind === 'video') return 'video';
	return 'doc';
}

export function md5Hex(bytes: Uint8Array): string {
	return createHash('md5').update(bytes).digest('hex');
}

function sizeOf(input: UploadInput): number {
	return input.bytes ? input.bytes.byteLength : (input.source?.size ?? 0);
}

function changedSize(fileName: string, expected: number, got: number): InvalidInputError {
	return new InvalidInputError(`The file "${fileName}" gave ${got} bytes while ${expected} were announced; it changed during the upload.`);
}

async function md5Of(input: UploadInput, size: number): Promise<string> {
	if (input.bytes) return md5Hex(input.bytes);
	const hash = createHash('md5');
	let total = 0;
	for await (const piece of input.source!.open()) {
		hash.update(piece);
		total += piece.byteLength;
	}
	if (total !== size) throw changedSize(input.fileName, size, total);
	return hash.digest('hex');
}

/** The file in UPLOAD_CHUNK_SIZE pieces (the last one shorter), from memory or re-cut from the source's stream. */
async function* uploadChunks(input: UploadInput, size: number): AsyncGenerator<Uint8Array> {
	if (input.bytes) {
		for (let off = 0; off < size; off += UPLOAD_CHUNK_SIZE) yield input.bytes.subarray(off, Math.min(size, off + UPLOAD_CHUNK_SIZE));
		return;
	}
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	let total = 0;
	const take = (n: number): Uint8Array => {
		const out = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
		const chunk = out.subarray(0, n);
		pending = n < out.byteLength ? [out.subarray(n)] : [];
		pendingBytes = out.byteLength - n;
		return chunk;
	};
	for await (const piece of input.source!.open()) {
		if (!piece.byteLength) continue;
		total += piece.byteLength;
		if (total > size) throw changedSize(input.fileName, size, total);
		pending.push(piece);
		pendingBytes += piece.byteLength;
		while (pendingBytes >= UPLOAD_CHUNK_SIZE) yield take(UPLOAD_CHUNK_SIZE);
	}
	if (total !== size) throw changedSize(input.fileName, size, total);
	if (pendingBytes) yield take(pendingBytes);
}

/** Uploads a file and returns its MediaId (or the existing one webwxcheckupload reports). */
export async function uploadMedia(http: WeChatHttp, session: Session, input: UploadInput): Promise<UploadResult> {
	const { signal } = input;
	const kind = input.kind ?? mediaKindFor(input.fileName, input.mimeType);
	validateUpload(input, kind);
	const self = session.selfUserName;
	if (!self) throw new NotLoggedInError('The session does not know its own UserName yet (webwxinit has not run); log in again.');
	const dataTicket = requireDataTicket(session);
	const size = sizeOf(input);
	const fileMd5 = await md5Of(input, size);

	let aesKey: string | undefined;
	let signature: string | undefined;
	if (size > CHECK_UPLOAD_THRESHOLD) {
		const check = await checkUpload(http, session, { fileMd5, fileName: input.fileName, size, toUserName: input.toUserName, signal });
		if (!check.Signature) throw new ProtocolError('webwxcheckupload answered without a Signature; files over 25 MB cannot be sent without it.');
		signature = check.Signature;
		aesKey = check.AESKey;
		// The server already has this file: OFF skips the upload entirely.
		if (check.MediaId) return { mediaId: check.MediaId, size, signature };
	}

	const request = JSON.stringify({
		UploadType: 2,
		BaseRequest: http.baseRequest(session),
		ClientMediaId: nextClientMediaId(http.clock.now()),
		TotalLen: size,
		StartPos: 0,
		DataLen: size,
		MediaType: MEDIA_TYPE_ATTACHMENT,
		FromUserName: self,
		ToUserName: input.toUserName,
		FileMd5: fileMd5,
		AESKey: aesKey,
		Signature: signature,
	});
	const meta: UploadFormMeta = {
		fileName: input.fileName,
		mimeType: input.mimeType || OCTET_STREAM,
		lastModifiedDate: new Date(input.lastModified ?? http.clock.now()).toString(),
		size,
		mediatype: uploadMediaType(kind),
		uploadmediarequest: request,
		dataTicket,
		passTicket: formPassTicket(session.tokens.passTicket),
	};
	const url = http.url(session, 'file', `${CGI}/webwxuploadmedia`, { f: 'json' });
	const chunks = Math.ceil(size / UPLOAD_CHUNK_SIZE);
	let mediaId = '';
	let chunk = 0;
	for await (const data of uploadChunks(input, size)) {
		if (signal?.aborted) throw new AbortedError();
		const form = buildMultipart(uploadFormParts(meta, data, chunks > 1 ? { chunks, chunk } : undefined), http.clock);
		const res = await postChunk(http, session, url, form, { signal, timeoutMs: input.timeoutMs });
		// Intermediate answers only carry BaseResponse (checked above); the last one names the media.
		if (chunk === chunks - 1) mediaId = res.MediaId ?? '';
		chunk++;
	}
	if (!mediaId) throw new ProtocolError('webwxuploadmedia finished without returning a MediaId.');
	return signature ? { mediaId, size, signature } : { mediaId, size };
}

/** Uploads, then sends through the endpoint that fits: sendmsgimg, sendvideomsg, sendemoticon or sendappmsg. */
export async function sendMedia(http: WeChatHttp, session: Session, input: UploadInput & Pick<SendOptions, 'pacer'>): Promise<SentMedia> {
	const kind = input.kind ?? mediaKindFor(input.fileName, input.mimeType);
	const uploaded = await uploadMedia(http, session, { ...input, kind });
	const to = input.toUserName;
	const opts: SendOptions = { signal: input.signal, pacer: input.pacer, timeoutMs: input.timeoutMs };
	let sent: SentMessage;
	if (kind === 'image') sent = await sendImage(http, session, to, uploaded.mediaId, opts);
	else if (kind === 'video') sent = await sendVideo(http, session, to, uploaded.mediaId, opts);
	else if (kind === 'emoticon') sent = await sendEmoticon(http, session, to, { mediaId: uploaded.mediaId }, opts);
	else sent = await sendFile(http, session, to, uploaded.mediaId, { fileName: input.fileName, size: uploaded.size, signature: uploaded.signature }, opts);
	return { ...sent, kind, mediaId: uploaded.mediaId };
}

export interface UploadFormMeta {
	fileName: string;
	mimeType: string;
	lastModifiedDate: string;
	size: number;
	mediatype: string;
	uploadmediarequest: string;
	dataTicket: string;
	passTicket: string;
}

/** One chunk's form, fields in WebUploader's order (§1.16); `chunks`/`chunk` only when split. */
export function uploadFormParts(meta: UploadFormMeta, data: Uint8Array, split?: { chunks: number; chunk: number }): MultipartPart[] {
	const parts: MultipartPart[] = [
		{ name: 'id', value: 'WU_FILE_0' },
		{ name: 'name', value: meta.fileName },
		{ name: 'type', value: meta.mimeType },
		{ name: 'lastModifiedDate', value: meta.lastModifiedDate },
		{ name: 'size', value: String(meta.size) },
	];
	if (split) parts.push({ name: 'chunks', value: String(split.chunks) }, { name: 'chunk', value: String(split.chunk) });
	parts.push(
		{ name: 'mediatype', value: meta.mediatype },
		{ name: 'uploadmediarequest', value: meta.uploadmediarequest },
		{ name: 'webwx_data_ticket', value: meta.dataTicket },
		{ name: 'pass_ticket', value: meta.passTicket },
		{ name: 'filename', fileName: meta.fileName, mimeType: meta.mimeType, data },
	);
	return parts;
}

function validateUpload(input: UploadInput, kind: SendableKind): void {
	const { bytes, source } = input;
	const streamed = !bytes && !!source && typeof source.open === 'function' && Number.isSafeInteger(source.size) && source.size >= 0;
	if (!(bytes instanceof Uint8Array) && !streamed) throw new InvalidInputError('The file content must be binary data.');
	const size = sizeOf(input);
	if (size === 0) throw new InvalidInputError(`The file "${input.fileName}" is empty; WeChat does not accept empty uploads.`);
	if (!input.fileName || !input.fileName.trim()) throw new InvalidInputError('The file needs a name.');
	if (!input.toUserName || !input.toUserName.trim()) throw new InvalidInputError('The recipient UserName is empty.');
	const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
	if (size > MAX_UPLOAD_BYTES) {
		throw new InvalidInputError(`The file is ${mb(size)}; WeChat Web accepts at most ${mb(MAX_UPLOAD_BYTES)}.`);
	}
	if (kind === 'video' && size >= MAX_VIDEO_BYTES) {
		throw new InvalidInputError(`The video is ${mb(size)}; WeChat Web refuses videos of ${mb(MAX_VIDEO_BYTES)} or more.`, 'Send it as a file instead, or shrink it.');
	}
}

async function checkUpload(
	http: WeChatHttp,
	session: Session,
	a: { fileMd5: string; fileName: string; size: number; toUserName: string; signal?: AbortSignal },
): Promise<CheckUploadResponse> {
	return http.postJson<CheckUploadResponse>(
		session,
		`${CGI}/webwxcheckupload`,
		{ pass_ticket: session.tokens.passTicket, lang: 'zh_CN' },
		{ FromUserName: session.selfUserName, ToUserName: a.toUserName, FileSize: a.size, FileMd5: a.fileMd5, FileName: a.fileName, FileType: CHECK_FILE_TYPE },
		{ signal: a.signal },
	);
}

async function postChunk(
	http: WeChatHttp,
	session: Session,
	url: string,
	form: { body: Uint8Array; contentType: string },
	opts: { signal?: AbortSignal; timeoutMs?: number },
): Promise<UploadResponse> {
	const endpoint = endpointName(url);
	const res = await http
		.raw(session.jar, 'POST', url, {
			body: form.body,
			headers: { 'content-type': form.contentType },
			signal: opts.signal,
			timeoutMs: opts.timeoutMs ?? UPLOAD_CHUNK_TIMEOUT_MS,
			responseType: 'text',
		})
		.catch((err: unknown) => Promise.reject(isAbort(err, opts.signal) ? new AbortedError() : err));
	if (res.status >= 400) throw new NetworkError(`${endpoint} answered HTTP ${res.status}.`, res.status);
	return checkEnvelope<UploadResponse>(endpoint, res.text ?? '');
}

/** OFF puts the pass_ticket into the form decoded (it arrives percent-encoded, §1.0). */
function formPassTicket(passTicket: string): string {
	try {
		return decodeURIComponent(passTicket);
	} catch {
		return passTicket;
	}
}

let lastClientMediaId = 0;

/** OFF uses the ms timestamp; bumped when two uploads start in the same ms so ids stay unique. */
function nextClientMediaId(now: number): number {
	lastClientMediaId = Math.max(Math.floor(now), lastClientMediaId + 1);
	return lastClientMediaId;
}
