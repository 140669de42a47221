/**
 * Media downloads (protocol.md §1.18-1.22, §3.11): images/stickers, voice, video
 * (only with `Range`), file attachments on the file host (exact parameter set,
 * data ticket in query and cookie) and avatars. Refusals are 200 with an empty
 * body, as the real server does.
 */

import type { SimContext } from './context';
import type { Exchange } from './exchange';
import { mediaBytesFor } from './media';
import { authCookieQuery, type Session } from './sessions';
import { queryParam, tokensEqual } from './util';

/**
 * The session behind the cookies, or undefined after answering the refusal.
 * Message media also needs the `webwx_data_ticket` cookie (avatars do not).
 */
function session(ctx: SimContext, ex: Exchange, requireSkey: boolean, contentType: string, needsDataTicket = true): Session | undefined {
	const auth = authCookieQuery(ctx.sessions, ex, requireSkey);
	if (!auth.ok) {
		ex.emptyMedia(contentType, auth.reason);
		return undefined;
	}
	if (needsDataTicket && !tokensEqual(ex.cookies['webwx_data_ticket'], auth.session.dataTicket)) {
		ex.emptyMedia(contentType, 'cookie webwx_data_ticket missing or wrong');
		return undefined;
	}
	return auth.session;
}

export function getMsgImg(ctx: SimContext, ex: Exchange): void {
	if (!session(ctx, ex, true, 'image/jpeg')) return;
	const msgId = queryParam(ex.query, 'MsgID') ?? '';
	const item = ctx.media.get(msgId);
	if (!item || (item.kind !== 'image' && item.kind !== 'emoticon' && item.kind !== 'video')) return ex.emptyMedia('image/jpeg', 'no image for this MsgID');
	const type = ex.query.type;
	// Video covers and thumbnails are small JPEGs; stickers are GIFs (store ones are withheld).
	if (item.kind === 'video' || (item.kind === 'image' && type === 'slave')) return ex.send(200, { 'Content-Type': 'image/jpeg' }, ctx.media.thumb(msgId));
	if (item.unavailable) return ex.emptyMedia('image/gif', 'sticker not available on web');
	ex.send(200, { 'Content-Type': item.kind === 'emoticon' ? 'image/gif' : 'image/jpeg' }, ctx.media.bytes(msgId));
}

export function getVoice(ctx: SimContext, ex: Exchange): void {
	if (!session(ctx, ex, true, 'audio/mpeg')) return;
	const msgId = queryParam(ex.query, 'msgid') ?? '';
	const item = ctx.media.get(msgId);
	if (!item || item.kind !== 'voice') return ex.emptyMedia('audio/mpeg', 'no voice for this msgid');
	ex.send(200, { 'Content-Type': 'audio/mpeg' }, ctx.media.bytes(msgId));
}

export function getVideo(ctx: SimContext, ex: Exchange): void {
	if (!session(ctx, ex, true, 'video/mp4')) return;
	const msgId = queryParam(ex.query, 'msgid') ?? '';
	const item = ctx.media.get(msgId);
	if (!item || item.kind !== 'video') return ex.emptyMedia('video/mp4', 'no video for this msgid');
	if (item.unavailable) return ex.emptyMedia('video/mp4', 'video not available on web');
	const range = /^bytes=(\d+)-(\d*)$/.exec(ex.header('range')?.trim() ?? '');
	// Without Range the server sends nothing (protocol.md §1.20).
	if (!range) return ex.emptyMedia('video/mp4', 'Range header required');
	const bytes = ctx.media.bytes(msgId);
	const start = Number(range[1]);
	const end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
	if (start >= bytes.length || end < start) {
		return ex.send(416, { 'Content-Type': 'video/mp4', 'Content-Range': `bytes */${bytes.length}` }, '');
	}
	ex.send(206, { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${start}-${end}/${bytes.length}` }, bytes.subarray(start, end + 1));
}

export function getMedia(ctx: SimContext, ex: Exchange): void {
	const type = 'application/octet-stream';
	const s = session(ctx, ex, false, type);
	if (!s) return;
	const q = ex.query;
	const missing = ['sender', 'mediaid', 'encryfilename', 'fromuser', 'pass_ticket', 'webwx_data_ticket'].filter((k) => q[k] === undefined);
	if (missing.length) return ex.emptyMedia(type, `missing ${missing.join(', ')}`);
	if (q.fromuser !== s.uin) return ex.emptyMedia(type, 'fromuser must be the numeric uin');
	if (!tokensEqual(q.webwx_data_ticket, s.dataTicket)) return ex.emptyMedia(type, 'query webwx_data_ticket wrong');
	const item = ctx.media.files().find((m) => tokensEqual(q.mediaid, m.mediaId ?? ''));
	if (!item) return ex.emptyMedia(type, 'unknown mediaid');
	if (!tokensEqual(q.encryfilename, item.encryFileName ?? '')) return ex.emptyMedia(type, 'encryfilename does not match');
	if (item.senderId === undefined || s.idOf(q.sender) !== item.senderId) return ex.emptyMedia(type, 'sender must be the message FromUserName');
	if (item.unavailable) return ex.emptyMedia(type, 'file not available on web');
	const name = encodeURIComponent(item.fileName ?? 'file');
	ex.send(200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename*=UTF-8''${name}` }, ctx.media.bytes(item.msgId));
}

/** webwxgeticon (users) and webwxgetheadimg (groups). */
export function getIcon(ctx: SimContext, ex: Exchange): void {
	const s = session(ctx, ex, true, 'image/jpeg', false);
	if (!s) return;
	const id = s.idOf(ex.query.username ?? '');
	if (!id) return ex.emptyMedia('image/jpeg', 'unknown username');
	const c = ctx.account.byId(id);
	ex.send(200, { 'Content-Type': 'image/jpeg' }, mediaBytesFor(ctx.opts.mediaSeed, `avatar/${id}/${c?.headSeq ?? 0}`, 'image', 3_072));
}
