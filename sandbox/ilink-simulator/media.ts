/**
 * Media (ilink-protocol.md §8): getuploadurl, the CDN upload (`POST
 * /c2c/upload`, answer header `x-encrypted-param`) and download (`GET
 * /c2c/download`), all with real AES-128-ECB.
 */

import { checkBotCall, PARAM_ERROR, refuse } from './checks';
import { decryptEcb, encryptEcb, md5Hex, opaque, paddedSize } from './crypto';
import type { Exchange } from './exchange';
import type { SimState } from './state';

const HEX32 = /^[0-9a-fA-F]{32}$/;

/** Puts bytes on the CDN (encrypted with `key`, or as they are when `key` is null); returns the download param. */
export function cdnPut(state: SimState, plain: Buffer, key: Buffer | null): string {
	const param = opaque('dl_', 48);
	state.cdn.set(param, { cipher: key ? encryptEcb(plain, key) : plain, plain, key: key ?? undefined });
	if (key) state.secrets.push({ kind: 'aes_key', value: key.toString('hex') });
	return param;
}

export function downloadUrl(state: SimState, param: string): string {
	return `${state.origin}/c2c/download?encrypted_query_param=${encodeURIComponent(param)}`;
}

export function getUploadUrl(state: SimState, ex: Exchange): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	const b = call.body;
	const raw = b.rawsize as number;
	const rules: Array<[boolean, string]> = [
		[typeof b.filekey !== 'string' || !HEX32.test(b.filekey), 'filekey is not 32 hex chars'],
		[![1, 2, 3, 4].includes(b.media_type as number), 'media_type is not 1..4'],
		[typeof b.to_user_id !== 'string' || !b.to_user_id, 'to_user_id missing'],
		[!Number.isInteger(raw) || raw < 0, 'rawsize is not a non-negative integer'],
		[typeof b.rawfilemd5 !== 'string' || !HEX32.test(b.rawfilemd5), 'rawfilemd5 is not 32 hex chars'],
		[b.filesize !== paddedSize(raw), `filesize ${String(b.filesize)} is not the AES-ECB padded size of rawsize`],
		[typeof b.aeskey !== 'string' || !HEX32.test(b.aeskey), 'aeskey is not 32 hex chars'],
	];
	const rule = rules.find(([bad]) => bad)?.[1];
	if (rule) return void refuse(ex, rule, PARAM_ERROR);
	if (b.no_need_thumb !== true) ex.record.warnings.push('no_need_thumb is not true (thumbnails are not simulated)');
	const param = opaque('up_', 48);
	const key = Buffer.from(b.aeskey as string, 'hex');
	state.secrets.push({ kind: 'aes_key', value: key.toString('hex') });
	state.uploads.set(param, {
		param,
		filekey: b.filekey as string,
		mediaType: b.media_type as number,
		toUserId: b.to_user_id as string,
		rawsize: b.rawsize as number,
		rawfilemd5: (b.rawfilemd5 as string).toLowerCase(),
		filesize: b.filesize as number,
		key,
	});
	const out: Record<string, unknown> = { upload_param: param, thumb_upload_param: '' };
	if (state.opts.fullUrls) out.upload_full_url = `${state.origin}/c2c/upload?encrypted_query_param=${encodeURIComponent(param)}&filekey=${encodeURIComponent(b.filekey as string)}`;
	ex.json(out);
}

function cdnError(ex: Exchange, status: number, message: string): void {
	ex.record.rejection = message;
	ex.send(status, { 'Content-Type': 'text/plain', 'x-error-message': message }, message);
}

export function cdnUpload(state: SimState, ex: Exchange): void {
	if (ex.req.method !== 'POST') return cdnError(ex, 405, `method ${ex.req.method ?? '?'} (want POST)`);
	const ticket = state.uploads.get(ex.query.encrypted_query_param ?? '');
	if (!ticket) return cdnError(ex, 400, 'invalid encrypted_query_param');
	if (ex.query.filekey !== ticket.filekey) return cdnError(ex, 400, 'filekey does not match getuploadurl');
	if (!/^application\/octet-stream\b/i.test(ex.header('content-type') ?? '')) ex.record.warnings.push('Content-Type is not application/octet-stream');
	if (ex.body.length !== ticket.filesize) return cdnError(ex, 400, `body is ${ex.body.length} bytes, getuploadurl said filesize ${ticket.filesize}`);
	const plain = decryptEcb(ex.body, ticket.key);
	if (!plain) return cdnError(ex, 400, 'ciphertext does not decrypt with the aeskey of getuploadurl');
	if (plain.length !== ticket.rawsize || md5Hex(plain) !== ticket.rawfilemd5) return cdnError(ex, 400, 'plaintext does not match rawsize / rawfilemd5');
	if (!ticket.downloadParam) {
		ticket.downloadParam = opaque('dl_', 48);
		state.cdn.set(ticket.downloadParam, { cipher: Buffer.from(ex.body), plain, key: ticket.key });
	}
	ex.send(200, { 'x-encrypted-param': ticket.downloadParam, 'Content-Type': 'text/plain' }, '');
}

export function cdnDownload(state: SimState, ex: Exchange): void {
	if (ex.req.method !== 'GET') return cdnError(ex, 405, `method ${ex.req.method ?? '?'} (want GET)`);
	const obj = state.cdn.get(ex.query.encrypted_query_param ?? '');
	if (!obj) return cdnError(ex, 404, 'no such file');
	ex.send(200, { 'Content-Type': 'application/octet-stream' }, obj.cipher);
}
