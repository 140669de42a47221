/**
 * Sending: webwxsendmsg, webwxsendmsgimg, webwxsendvideomsg, webwxsendappmsg,
 * webwxsendemoticon (protocol.md §1.12-1.17) with the 1205 burst rule, and
 * webwxrevokemsg (own messages of this session, within 120 s of wall time).
 */

import type { Endpoint, SentRecord } from './api';
import type { SimContext, UploadedMedia } from './context';
import type { Exchange } from './exchange';
import type { MediaItem } from './media';
import { withJsonSession, type Session } from './sessions';
import { isRecord, newMsgId, num, str } from './util';

const REVOKE_WINDOW_MS = 120_000;
const BIG_FILE = 25 * 1024 * 1024;

/** Checks the type-specific part of `Msg`; returns an error text or the media to echo. */
type MsgCheck = (ctx: SimContext, msg: Record<string, unknown>) => { error?: string; media?: UploadedMedia };

function upload(ctx: SimContext, mediaId: string | undefined): UploadedMedia | undefined {
	return mediaId ? ctx.uploadsByMediaId.get(mediaId) : undefined;
}

const CHECKS: Partial<Record<Endpoint, MsgCheck>> = {
	webwxsendmsg: (_ctx, msg) => {
		const type = num(msg, 'Type');
		if (type !== 1 && type !== 48) return { error: 'Msg.Type must be 1' };
		if (!str(msg, 'Content')) return { error: 'Msg.Content is empty' };
		return {};
	},
	webwxsendmsgimg: (ctx, msg) => {
		if (num(msg, 'Type') !== 3) return { error: 'Msg.Type must be 3' };
		const media = upload(ctx, str(msg, 'MediaId'));
		return media ? { media } : { error: 'Msg.MediaId unknown' };
	},
	webwxsendvideomsg: (ctx, msg) => {
		const type = num(msg, 'Type');
		if (type !== 43 && type !== 62) return { error: 'Msg.Type must be 43' };
		const media = upload(ctx, str(msg, 'MediaId'));
		return media ? { media } : { error: 'Msg.MediaId unknown' };
	},
	webwxsendappmsg: (ctx, msg) => {
		// Files go out as Type 6 (the AppMsgType), never 49 (protocol.md §9.5).
		if (num(msg, 'Type') !== 6) return { error: 'Msg.Type must be 6 (the AppMsgType)' };
		const content = str(msg, 'Content') ?? '';
		if (!content.includes('<appmsg')) return { error: 'Msg.Content must be an <appmsg> document' };
		const attach = /<attachid>([^<]*)<\/attachid>/.exec(content)?.[1];
		const media = upload(ctx, attach);
		if (!media) return { error: 'appmsg attachid is not an uploaded MediaId' };
		const total = /<totallen>(\d+)<\/totallen>/.exec(content)?.[1];
		if (total !== undefined && Number(total) !== media.record.size) return { error: 'appmsg totallen does not match the upload' };
		if (media.record.size > BIG_FILE && !str(msg, 'Signature')) return { error: 'Msg.Signature required for files over 25 MB' };
		return { media };
	},
	webwxsendemoticon: (ctx, msg) => {
		if (num(msg, 'Type') !== 47 || num(msg, 'EmojiFlag') !== 2) return { error: 'Msg.Type must be 47 with EmojiFlag 2' };
		const md5 = str(msg, 'EMoticonMd5');
		if (md5) {
			const known = ctx.injector.emoticons.get(md5);
			if (!known) return { error: 'EMoticonMd5 unknown' };
			if (known.store) return { error: 'store stickers cannot be re-sent' };
			return {};
		}
		const media = upload(ctx, str(msg, 'MediaId'));
		return media ? { media } : { error: 'EMoticonMd5 or MediaId required' };
	},
};

/** Chats this session may write to: friends, official/special accounts, saved or known groups, self. */
function canWriteTo(ctx: SimContext, s: Session, userName: string): boolean {
	const id = s.idOf(userName);
	if (!id) return false;
	if (id === ctx.account.selfId) return true;
	const c = ctx.account.byId(id);
	if (!c) return false;
	if (c.kind === 'group') return c.members.includes(ctx.account.selfId);
	return c.friend;
}

/** The 1205 rule: more than `max` sends within `windowMs`. */
function throttled(ctx: SimContext): boolean {
	const burst = ctx.opts.sendBurst;
	if (!burst) return false;
	const now = Date.now();
	while (ctx.sendTimes.length && now - ctx.sendTimes[0] > burst.windowMs) ctx.sendTimes.shift();
	return ctx.sendTimes.length >= burst.max;
}

function echoMedia(kind: MediaItem['kind'], media: UploadedMedia): MediaItem {
	return {
		msgId: '',
		kind,
		size: media.record.size,
		unavailable: false,
		fileName: media.record.fileName,
		mediaId: media.record.mediaId,
		encryFileName: media.encryFileName,
		fixed: media.bytes,
	};
}

export function send(ctx: SimContext, ex: Exchange, endpoint: Endpoint): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const msg = body.Msg;
		if (!isRecord(msg)) return ex.ret(1200, 'Msg missing');
		if (str(msg, 'FromUserName') !== s.selfUserName) return ex.ret(1, 'Msg.FromUserName must be self');
		const to = str(msg, 'ToUserName') ?? '';
		if (!canWriteTo(ctx, s, to)) return ex.ret(1204, 'ToUserName is not a chat of this session');
		const check = CHECKS[endpoint]?.(ctx, msg) ?? { error: 'not a send endpoint' };
		if (check.error) return ex.ret(1, check.error);
		if (throttled(ctx)) return ex.ret(1205, 'too many sends');
		ctx.sendTimes.push(Date.now());
		const clientMsgId = str(msg, 'ClientMsgId') ?? str(msg, 'LocalID') ?? '';
		const localId = str(msg, 'LocalID') ?? clientMsgId;
		const record: SentRecord = {
			endpoint,
			msgId: newMsgId(),
			localId,
			clientMsgId,
			type: num(msg, 'Type') ?? 0,
			from: s.selfUserName,
			to,
			content: str(msg, 'Content'),
			mediaId: str(msg, 'MediaId') ?? check.media?.record.mediaId,
			at: Date.now(),
		};
		ctx.sent.push(record);
		s.sentById.set(record.msgId, record);
		if (ctx.opts.echoSends) {
			const kind = endpoint === 'webwxsendmsgimg' ? 'image' : endpoint === 'webwxsendvideomsg' ? 'video' : endpoint === 'webwxsendemoticon' ? 'emoticon' : 'file';
			ctx.injector.echo(record, check.media ? echoMedia(kind, check.media) : undefined);
		}
		ctx.changed();
		ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, MsgID: record.msgId, LocalID: localId });
	});
}

export function revoke(ctx: SimContext, ex: Exchange): void {
	withJsonSession(ctx.sessions, ex, (s, body) => {
		const svrMsgId = str(body, 'SvrMsgId') ?? '';
		const sent = s.sentById.get(svrMsgId);
		const fail = (errMsg: string) => ex.json({ BaseResponse: { Ret: 1, ErrMsg: errMsg }, Introduction: '', SysWording: '' });
		if (!str(body, 'ClientMsgId')) return fail('ClientMsgId is required');
		if (!sent) return fail('SvrMsgId was not sent by this session');
		if (sent.to !== str(body, 'ToUserName')) return fail('ToUserName does not match the message');
		if (sent.revoked) return fail('already revoked');
		if (Date.now() - sent.at > REVOKE_WINDOW_MS) return fail('revoke time limit (120 s) exceeded');
		sent.revoked = true;
		ctx.changed();
		ex.json({ BaseResponse: { Ret: 0, ErrMsg: '' }, Introduction: '', SysWording: '' });
	});
}
