/**
 * Sending and recalling messages (protocol.md §1.12–1.14, §1.17): one function per
 * endpoint, bodies shaped like the official client's `_postMessage` (Msg then
 * Scene, FromUserName/ToUserName/LocalID/ClientMsgId last in Msg). Optional pacing
 * goes through a SendPacer. A send whose answer never arrived is not retried: the
 * caller learns the message may or may not have been delivered.
 */
import { nameExtension } from './media-vocabulary';
import { AbortedError, InvalidInputError, NetworkError, NotLoggedInError, ProtocolError } from './errors';
import type { WeChatHttp } from './http';
import { CGI } from './http';
import { clientMsgId as newClientMsgId } from './ids';
import type { SendPacer } from './pacing';
import type { Session } from './session';
import type { BaseResponse } from './types';

export interface SendOptions {
	signal?: AbortSignal;
	/** Serializes and spaces this send with the client's other sends (and retries Ret 1205). */
	pacer?: SendPacer;
	timeoutMs?: number;
}

export interface SentMessage {
	/** The server's MsgID (keep it to revoke). */
	msgId: string;
	localId: string;
	clientMsgId: string;
	toUserName: string;
	/** Unix ms when the accepted request was sent. */
	sentAt: number;
}

export interface RevokeResult {
	msgId: string;
	toUserName: string;
	revokedAt: number;
}

export interface Mentions {
	/** Session UserNames of the mentioned group members. */
	userNames: string[];
	/** The `@@` group the text goes to. */
	chatRoom: string;
}

export interface AttachmentInfo {
	fileName: string;
	/** Total bytes of the uploaded file. */
	size: number;
	/** Extension without the dot; derived from fileName when omitted. */
	ext?: string;
	/** From webwxcheckupload, for files over 25 MB. */
	signature?: string;
}

export type EmoticonSource = { md5: string } | { mediaId: string };

export const MSG_TYPE_TEXT = 1;
export const MSG_TYPE_IMAGE = 3;
export const MSG_TYPE_EMOTICON = 47;
export const MSG_TYPE_VIDEO = 43;
/** webwxsendappmsg takes the AppMsgType (6 = attachment) in Msg.Type, not 49 (§1.17, §9.5). */
export const APP_MSG_TYPE_ATTACH = 6;
/** The official web client's appid for file messages; desktop (UOS) mode sends it empty. */
export const WEB_APP_ID = 'wxeb7ec651dd0aefa9';

interface SendResponse {
	BaseResponse: BaseResponse;
	MsgID?: string | number;
	LocalID?: string | number;
}

/**
 * Thrown when a send's request failed in a way that leaves its fate unknown
 * (timeout, connection lost, 5xx, unreadable answer). Not retryable on purpose:
 * sending again could deliver the message twice.
 */
export class DeliveryUnknownError extends NetworkError {
	readonly deliveryUnknown = true;
	readonly endpoint: string;
	constructor(endpoint: string, status?: number) {
		super(
			`${endpoint} did not confirm the send${status ? ` (HTTP ${status})` : ''}; the message may or may not have been delivered. Check the chat before sending it again.`,
			status,
		);
		this.name = 'DeliveryUnknownError';
		this.endpoint = endpoint;
		(this as { retryable: boolean }).retryable = false;
	}
}

/** webwxsendmsg: a text, optionally with OFF's mention MsgSource (§3.6). */
export async function sendText(
	http: WeChatHttp,
	session: Session,
	to: string,
	text: string,
	opts: SendOptions & { mentions?: Mentions } = {},
): Promise<SentMessage> {
	if (typeof text !== 'string' || text.length === 0) throw new InvalidInputError('The message text is empty.');
	const msg: Record<string, unknown> = { Type: MSG_TYPE_TEXT, Content: text };
	const mentioned = opts.mentions?.userNames.filter((u) => !!u) ?? [];
	if (opts.mentions && mentioned.length) msg.MsgSource = mentionSource(mentioned, opts.mentions.chatRoom);
	return postMessage(http, session, 'webwxsendmsg', {}, to, msg, opts);
}

/** webwxsendmsgimg with the MediaId of an uploaded picture. */
export async function sendImage(http: WeChatHttp, session: Session, to: string, mediaId: string, opts: SendOptions = {}): Promise<SentMessage> {
	requireMediaId(mediaId);
	return postMessage(http, session, 'webwxsendmsgimg', { fun: 'async', f: 'json' }, to, { Type: MSG_TYPE_IMAGE, MediaId: mediaId }, opts);
}

/** webwxsendvideomsg (OFF's config key is misspelled `sendmsgvedio`; the path is this). */
export async function sendVideo(http: WeChatHttp, session: Session, to: string, mediaId: string, opts: SendOptions = {}): Promise<SentMessage> {
	requireMediaId(mediaId);
	return postMessage(http, session, 'webwxsendvideomsg', { fun: 'async', f: 'json' }, to, { Type: MSG_TYPE_VIDEO, MediaId: mediaId }, opts);
}

/** webwxsendappmsg: a file attachment as OFF's `<appmsg>` document. */
export async function sendFile(
	http: WeChatHttp,
	session: Session,
	to: string,
	mediaId: string,
	file: AttachmentInfo,
	opts: SendOptions = {},
): Promise<SentMessage> {
	requireMediaId(mediaId);
	if (!file?.fileName) throw new InvalidInputError('A file message needs a file name.');
	const desktop = session.mode === 'desktop';
	const msg: Record<string, unknown> = {};
	if (file.signature) msg.Signature = file.signature;
	msg.Type = APP_MSG_TYPE_ATTACH;
	msg.Content = appMsgXml({ appId: desktop ? '' : WEB_APP_ID, fileName: file.fileName, size: file.size, mediaId, ext: file.ext ?? nameExtension(file.fileName) });
	const query: Record<string, string> = desktop ? { fun: 'async', f: 'json', mod: 'desktop' } : { fun: 'async', f: 'json' };
	return postMessage(http, session, 'webwxsendappmsg', query, to, msg, opts);
}

/** webwxsendemoticon: a sticker the server knows (md5) or an uploaded GIF (MediaId). */
export async function sendEmoticon(http: WeChatHttp, session: Session, to: string, source: EmoticonSource, opts: SendOptions = {}): Promise<SentMessage> {
	const msg: Record<string, unknown> = { Type: MSG_TYPE_EMOTICON, EmojiFlag: 2 };
	if ('md5' in source && source.md5) msg.EMoticonMd5 = source.md5;
	else if ('mediaId' in source && source.mediaId) msg.MediaId = source.mediaId;
	else throw new InvalidInputError('A sticker needs its md5 or the MediaId of an uploaded GIF.', 'Store stickers without an md5 cannot be re-sent.');
	return postMessage(http, session, 'webwxsendemoticon', { fun: 'sys' }, to, msg, opts);
}

/**
 * webwxrevokemsg: recalls an own message (the server allows about 2 minutes).
 * `clientMsgId` should be the original send's; OFF calls it mandatory. An empty
 * value gets a fresh one, which the server also accepts (W4/IT).
 */
export async function revoke(
	http: WeChatHttp,
	session: Session,
	to: string,
	svrMsgId: string,
	clientMsgId: string,
	opts: SendOptions = {},
): Promise<RevokeResult> {
	requireRecipient(to);
	if (!svrMsgId) throw new InvalidInputError('Revoking needs the MsgID returned by the send.');
	const body = { SvrMsgId: String(svrMsgId), ToUserName: to, ClientMsgId: clientMsgId || newClientMsgId(http.clock) };
	const call = async (): Promise<RevokeResult> => {
		await http.postJson<{ BaseResponse: BaseResponse }>(session, `${CGI}/webwxrevokemsg`, withTokens(session, {}), body, {
			signal: opts.signal,
			timeoutMs: opts.timeoutMs,
		});
		return { msgId: String(svrMsgId), toUserName: to, revokedAt: http.clock.now() };
	};
	return opts.pacer ? opts.pacer.run(call, { signal: opts.signal }) : call();
}

/** `<msgsource>` exactly as OFF's postTextMessage builds it. */
export function mentionSource(userNames: string[], chatRoom: string): string {
	return `<msgsource><atusername>${xmlEscape(userNames.join(','))}</atusername><atchatroomname>${xmlEscape(chatRoom)}</atchatroomname></msgsource>`;
}

/** OFF's postAppMessage document; child order matters to the server (§1.17). */
export function appMsgXml(a: { appId: string; fileName: string; size: number; mediaId: string; ext: string }): string {
	return (
		`<appmsg appid='${a.appId}' sdkver=''>` +
		`<title>${xmlEscape(a.fileName)}</title>` +
		'<des></des><action></action>' +
		`<type>${APP_MSG_TYPE_ATTACH}</type>` +
		'<content></content><url></url><lowurl></lowurl>' +
		`<appattach><totallen>${Math.floor(a.size)}</totallen><attachid>${xmlEscape(a.mediaId)}</attachid><fileext>${xmlEscape(a.ext)}</fileext></appattach>` +
		'<extinfo></extinfo>' +
		'</appmsg>'
	);
}

export function xmlEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Shared tail of every send: ids, body, pacing, and the unknown-outcome rule. */
async function postMessage(
	http: WeChatHttp,
	session: Session,
	endpoint: string,
	query: Record<string, string>,
	to: string,
	content: Record<string, unknown>,
	opts: SendOptions,
): Promise<SentMessage> {
	requireRecipient(to);
	const self = session.selfUserName;
	if (!self) throw new NotLoggedInError('The session does not know its own UserName yet (webwxinit has not run); log in again.');
	// One id per message, kept across 1205 retries so the server can tell they are the same message.
	const id = newClientMsgId(http.clock);
	const body = { Msg: { ...content, FromUserName: self, ToUserName: to, LocalID: id, ClientMsgId: id }, Scene: 0 };
	const attempt = async (): Promise<SentMessage> => {
		const sentAt = http.clock.now();
		let res: SendResponse;
		try {
			res = await http.postJson<SendResponse>(session, `${CGI}/${endpoint}`, withTokens(session, query), body, {
				signal: opts.signal,
				timeoutMs: opts.timeoutMs,
			});
		} catch (err) {
			throw outcomeError(endpoint, err, opts.signal);
		}
		const msgId = res.MsgID === undefined || res.MsgID === null ? '' : String(res.MsgID);
		if (!msgId || msgId === '0') {
			const err = new ProtocolError(`${endpoint} accepted the message but returned no MsgID; it was probably delivered but cannot be revoked.`);
			// Sending again would most likely duplicate it.
			(err as { retryable: boolean }).retryable = false;
			throw err;
		}
		return { msgId, localId: res.LocalID ? String(res.LocalID) : id, clientMsgId: id, toUserName: to, sentAt };
	};
	return opts.pacer ? opts.pacer.run(attempt, { signal: opts.signal }) : attempt();
}

/** OFF's interceptor appends pass_ticket and lang to every $http call (§1.0). */
function withTokens(session: Session, query: Record<string, string>): Record<string, string> {
	return { ...query, pass_ticket: session.tokens.passTicket, lang: 'zh_CN' };
}

/**
 * Errors where the server may have acted before the answer got lost become
 * DeliveryUnknownError; explicit rejections (Ret ≠ 0, 4xx) pass through, aborts become AbortedError.
 */
function outcomeError(endpoint: string, err: unknown, signal: AbortSignal | undefined): unknown {
	if (signal?.aborted) return new AbortedError();
	if (err instanceof NetworkError && (err.status === undefined || err.status >= 500)) return new DeliveryUnknownError(endpoint, err.status);
	if (err instanceof ProtocolError) return new DeliveryUnknownError(endpoint);
	return err;
}

function requireRecipient(to: string): void {
	if (typeof to !== 'string' || !to.trim()) throw new InvalidInputError('The recipient UserName is empty.');
}

function requireMediaId(mediaId: string): void {
	if (typeof mediaId !== 'string' || !mediaId) throw new InvalidInputError('A media message needs the MediaId returned by the upload.');
}
