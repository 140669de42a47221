/**
 * The upload floor: the same protocol steps as our client (MD5 pass, webwxcheckupload
 * above 25 MB, 512 KiB multipart chunks to webwxuploadmedia on the file host) written
 * as plainly as possible with fetch, so the ratio shows our client's own overhead
 * and not the simulator's work on the chunks, which both pay.
 */
import { createHash } from 'node:crypto';
import { Session } from '../lib/wechat/session';

const CGI = '/cgi-bin/mmwebwx-bin';
const CHUNK = 524_288;

export async function rawUpload(origin: string, sessionJson: string, to: string, size: number, open: () => Iterable<Uint8Array>): Promise<string> {
	const s = Session.fromJSON(sessionJson);
	const cookie = s.jar.getCookieStringSync(`https://${s.hosts.main}/`);
	const ticket = s.cookie('webwx_data_ticket') ?? '';
	const base = { Uin: Number(s.tokens.uin), Sid: s.tokens.sid, Skey: s.tokens.skey, DeviceID: 'e123456789012345' };
	const md5 = createHash('md5');
	for (const piece of open()) md5.update(piece);
	const fileMd5 = md5.digest('hex');
	const self = s.user!.UserName;
	let aes = '';
	let sig = '';
	if (size > 25 * 1024 * 1024) {
		const q = new URLSearchParams({ pass_ticket: s.tokens.passTicket, lang: 'zh_CN' });
		const body = JSON.stringify({ BaseRequest: base, FromUserName: self, ToUserName: to, FileSize: size, FileMd5: fileMd5, FileName: 'big.bin', FileType: 7 });
		const res = (await (await fetch(`${origin}${CGI}/webwxcheckupload?${q}`, { method: 'POST', body, headers: { cookie, 'x-wechat-host': s.hosts.main, 'content-type': 'application/json;charset=UTF-8' } })).json()) as { AESKey: string; Signature: string };
		aes = res.AESKey;
		sig = res.Signature;
	}
	const request = JSON.stringify({ UploadType: 2, BaseRequest: base, ClientMediaId: Date.now(), TotalLen: size, StartPos: 0, DataLen: size, MediaType: 4, FromUserName: self, ToUserName: to, FileMd5: fileMd5, AESKey: aes, Signature: sig });
	const chunks = Math.ceil(size / CHUNK);
	const boundary = '----WebKitFormBoundaryBench0123456';
	const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
	let pending = Buffer.alloc(0);
	let chunk = 0;
	let mediaId = '';
	const send = async (data: Buffer) => {
		const head =
			field('id', 'WU_FILE_0') +
			field('name', 'big.bin') +
			field('type', 'application/octet-stream') +
			field('lastModifiedDate', new Date().toString()) +
			field('size', String(size)) +
			field('chunks', String(chunks)) +
			field('chunk', String(chunk)) +
			field('mediatype', 'doc') +
			field('uploadmediarequest', request) +
			field('webwx_data_ticket', ticket) +
			field('pass_ticket', decodeURIComponent(s.tokens.passTicket)) +
			`--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
		const body = Buffer.concat([Buffer.from(head), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
		const res = (await (
			await fetch(`${origin}${CGI}/webwxuploadmedia?f=json`, { method: 'POST', body, headers: { cookie, 'x-wechat-host': s.hosts.file, 'content-type': `multipart/form-data; boundary=${boundary}` } })
		).json()) as { BaseResponse: { Ret: number; ErrMsg: string }; MediaId?: string };
		if (res.BaseResponse.Ret !== 0) throw new Error(`raw upload: ${res.BaseResponse.ErrMsg}`);
		mediaId = res.MediaId ?? mediaId;
		chunk++;
	};
	for (const piece of open()) {
		pending = pending.length ? Buffer.concat([pending, piece]) : Buffer.from(piece);
		while (pending.length >= CHUNK) {
			await send(pending.subarray(0, CHUNK));
			pending = pending.subarray(CHUNK);
		}
	}
	if (pending.length) await send(pending);
	return mediaId;
}
