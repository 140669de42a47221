/**
 * webwxcheckupload and webwxuploadmedia (protocol.md §1.15-1.16): multipart
 * fields exactly as the web client sends them, 512 KiB chunks sharing one
 * ClientMediaId, MediaId only on the last chunk, FileMd5 verified, data ticket in
 * form and cookie, and a prior checkupload for files over 25 MB.
 */

import type { SimContext } from './context';
import type { Exchange } from './exchange';
import { boundaryOf, parseMultipart, type Part } from './multipart';
import { authBaseRequest, withJsonSession } from './sessions';
import { isRecord, md5Hex, num, randomHex, sha256Hex, str, tokensEqual } from './util';

export const CHUNK_SIZE = 524_288;
export const BIG_FILE = 25 * 1024 * 1024;
const MEDIATYPES = ['pic', 'video', 'doc'];

export function checkUpload(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const md5 = (str(body, 'FileMd5') ?? '').toLowerCase();
		const size = num(body, 'FileSize');
		if (!/^[0-9a-f]{32}$/.test(md5) || size === undefined || !str(body, 'FileName')) return ex.ret(1, 'FileMd5, FileName and FileSize are required');
		if (num(body, 'FileType') !== 7) return ex.ret(1, 'FileType must be 7');
		if (str(body, 'FromUserName') !== s.selfUserName) return ex.ret(1, 'FromUserName must be self');
		const aesKey = randomHex(16);
		const signature = randomHex(64);
		s.checkedUploads.set(`${md5}|${size}`, { aesKey, signature });
		// A file the server already has is not uploaded again (OFF skips the upload).
		const known = [...ctx.uploadsByMediaId.values()].find((u) => u.md5 === md5 && u.record.size === size);
		ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, MediaId: known?.record.mediaId ?? '', AESKey: aesKey, Signature: signature });
	});
}

const REQUIRED_FIELDS = ['id', 'name', 'type', 'size', 'mediatype', 'uploadmediarequest', 'webwx_data_ticket', 'pass_ticket'];

export function uploadMedia(ctx: SimContext, ex: Exchange): void {
	const fail = (ret: number, reason: string) => ex.ret(ret, reason, { MediaId: '' });
	const boundary = boundaryOf(ex.header('content-type'));
	const parts = boundary ? parseMultipart(ex.body, boundary) : null;
	if (!parts) return fail(1200, 'body is not multipart/form-data');
	const fields = new Map<string, string>();
	let file: Part | undefined;
	for (const p of parts) {
		if (p.name === 'filename' && p.filename !== undefined) file = p;
		else if (!fields.has(p.name)) fields.set(p.name, p.data.toString('utf8'));
	}
	const missing = REQUIRED_FIELDS.filter((f) => !fields.has(f));
	if (!fields.has('lastModifiedDate') && !fields.has('lastModifieDate')) missing.push('lastModifiedDate');
	if (missing.length || !file) return fail(1, `missing form fields: ${[...missing, ...(file ? [] : ['filename (file)'])].join(', ')}`);

	let req: unknown;
	try {
		req = JSON.parse(fields.get('uploadmediarequest') ?? '');
	} catch {
		return fail(1200, 'uploadmediarequest is not JSON');
	}
	if (!isRecord(req)) return fail(1200, 'uploadmediarequest is not an object');
	const auth = authBaseRequest(ctx.sessions, ex, req);
	if (!auth.ok) return fail(auth.ret, auth.reason);
	const s = auth.session;

	if (!tokensEqual(ex.cookies['webwx_data_ticket'], s.dataTicket)) return fail(1, 'cookie webwx_data_ticket missing or wrong');
	if (!tokensEqual(fields.get('webwx_data_ticket'), s.dataTicket)) return fail(1, 'form field webwx_data_ticket wrong');
	if (!tokensEqual(fields.get('pass_ticket'), s.passTicket)) return fail(1, 'form field pass_ticket wrong');
	if (num(req, 'UploadType') !== 2 || num(req, 'MediaType') !== 4) return fail(1, 'UploadType must be 2 and MediaType 4');
	const mediatype = fields.get('mediatype') ?? '';
	if (!MEDIATYPES.includes(mediatype)) return fail(1, 'mediatype must be pic, video or doc');
	const sizeText = fields.get('size') ?? '';
	const total = /^\d+$/.test(sizeText) ? Number(sizeText) : -1;
	if (total <= 0 || num(req, 'TotalLen') !== total || num(req, 'DataLen') !== total || num(req, 'StartPos') !== 0) {
		return fail(1, 'size, TotalLen and DataLen must all be the file size, StartPos 0');
	}
	if (str(req, 'FromUserName') !== s.selfUserName) return fail(1, 'FromUserName must be self');
	const to = str(req, 'ToUserName');
	if (!to || !s.idOf(to)) return fail(1, 'ToUserName unknown');
	const md5 = (str(req, 'FileMd5') ?? '').toLowerCase();
	if (!/^[0-9a-f]{32}$/.test(md5)) return fail(1, 'FileMd5 missing');
	const clientMediaId = str(req, 'ClientMediaId');
	if (!clientMediaId) return fail(1, 'ClientMediaId missing');
	if (total > BIG_FILE) {
		const checked = s.checkedUploads.get(`${md5}|${total}`);
		if (!checked || str(req, 'AESKey') !== checked.aesKey || str(req, 'Signature') !== checked.signature) {
			return fail(1, 'files over 25 MB need webwxcheckupload first (AESKey, Signature)');
		}
	}

	// Chunking: files over 512 KiB must come in 512 KiB chunks, in order.
	const chunks = total > CHUNK_SIZE ? Math.ceil(total / CHUNK_SIZE) : 1;
	const chunksText = fields.get('chunks');
	const chunkText = fields.get('chunk');
	if (chunks > 1 && (chunksText !== String(chunks) || chunkText === undefined)) return fail(1, `files over ${CHUNK_SIZE} bytes must be sent in ${chunks} chunks`);
	if (chunks === 1 && chunksText !== undefined && (chunksText !== '1' || chunkText !== '0')) return fail(1, 'chunks/chunk do not match the size');
	const chunk = chunkText === undefined ? 0 : /^\d+$/.test(chunkText) ? Number(chunkText) : -1;
	if (chunk < 0 || chunk >= chunks) return fail(1, 'chunk index out of range');
	const expectedLen = chunk < chunks - 1 ? CHUNK_SIZE : total - CHUNK_SIZE * (chunks - 1);
	if (file.data.length !== expectedLen) return fail(1, `chunk ${chunk} must be ${expectedLen} bytes, got ${file.data.length}`);

	const key = `${s.sid}|${clientMediaId}`;
	let partial = ctx.partialUploads.get(key);
	if (chunk === 0) {
		partial = { total, md5, chunks, next: 0, parts: [] };
		ctx.partialUploads.set(key, partial);
	} else if (!partial || partial.total !== total || partial.md5 !== md5) {
		return fail(1, 'no upload in progress for this ClientMediaId (every chunk must reuse one uploadmediarequest)');
	} else if (chunk !== partial.next && chunk !== partial.next - 1) {
		return fail(1, `chunk ${chunk} out of order (expected ${partial.next})`);
	}
	partial.parts[chunk] = Buffer.from(file.data);
	partial.next = chunk + 1;
	if (chunk < chunks - 1) return ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' } });

	ctx.partialUploads.delete(key);
	const bytes = Buffer.concat(partial.parts);
	if (md5Hex(bytes) !== md5) return fail(1, 'FileMd5 does not match the uploaded bytes');
	const mediaId = '@crypt_' + randomHex(4) + '_' + randomHex(120);
	const encryFileName = randomHex(24);
	const fileName = fields.get('name') ?? file.filename ?? '';
	const record = {
		mediaId,
		fileName,
		mimeType: fields.get('type') ?? '',
		mediatype,
		size: total,
		sha256: sha256Hex(bytes),
		chunks,
		clientMediaId,
	};
	ctx.uploads.push(record);
	ctx.uploadsByMediaId.set(mediaId, { record, bytes, md5, encryFileName });
	const thumb = mediatype === 'pic' ? 100 : 0;
	ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, MediaId: mediaId, StartPos: total, CDNThumbImgHeight: thumb, CDNThumbImgWidth: thumb, EncryFileName: encryFileName });
}
