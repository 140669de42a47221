/** Message resource: send text / image / video / file / emoticon, revoke, forward. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { FileInput, MediaReference, Mentions, RawContact, SendableKind, SentMedia, SentMessage, WeChatClient } from '../../../lib/wechat';
import { ApiError, InvalidInputError, isGroupUserName, mediaKindFor } from '../../../lib/wechat';
import { inputFile } from '../../shared/binary';
import { chatRef, findMember, groupWithMembers, mentionName, readLocator, resolveChat } from './chats';
import type { ActionContext, ItemOperation, ItemResult } from './context';
import { isRevokeRefusal, revokeRefused } from './errors';
import { readMediaReference } from './media';
import { getPath, isoTime, settle, splitNames, toMillis } from './util';

/** Events, not messages: there is nothing to forward. */
const NOT_FORWARDABLE = new Set(['system', 'statusNotify', 'revoke', 'friendRequest', 'voip']);

/** Largest media Forward holds in memory to re-upload (WeChat Web's own upload cap). */
const FORWARD_MAX_BYTES = 100 * 1024 * 1024;

function sentJson(sent: SentMessage | SentMedia, chat: RawContact, extra: IDataObject = {}): INodeExecutionData {
	return {
		json: {
			msgId: sent.msgId,
			clientMsgId: sent.clientMsgId,
			localId: sent.localId,
			toUserName: sent.toUserName,
			to: chatRef(chat),
			sentAt: isoTime(sent.sentAt),
			...('mediaId' in sent ? { kind: sent.kind, mediaId: sent.mediaId } : {}),
			...extra,
		},
	};
}

async function recipient(ctx: ActionContext, client: WeChatClient, i: number): Promise<RawContact> {
	return resolveChat(ctx, client, readLocator(ctx, 'recipient', i));
}

/** Resolves mention names against the group's members; returns the text (with @names added) and the MsgSource data. */
async function prepareMentions(
	ctx: ActionContext,
	client: WeChatClient,
	chat: RawContact,
	text: string,
	names: string[],
	addText: boolean,
): Promise<{ text: string; mentions: Mentions; mentioned: IDataObject[] }> {
	if (!isGroupUserName(chat.UserName)) {
		throw new InvalidInputError('Mentions only work in group chats.', 'Remove "Mention Members" or send to a group.');
	}
	let group = await groupWithMembers(client, chat, false, ctx.signal);
	const first = await settle(() => names.map((n) => findMember(client, group, n)));
	let members = first.ok ? first.value : undefined;
	if (!members) {
		// Someone may have joined since the member list was loaded.
		group = await groupWithMembers(client, chat, true, ctx.signal);
		members = names.map((n) => findMember(client, group, n));
	}
	const unique = [...new Map(members.map((m) => [m.UserName, m])).values()];
	let out = text;
	if (addText) {
		const missing = unique.map((m) => `@${mentionName(client, m)}`).filter((tag) => tag !== '@' && !out.includes(tag));
		if (missing.length) out = `${missing.join(' ')} ${out}`;
	}
	return {
		text: out,
		mentions: { userNames: unique.map((m) => m.UserName), chatRoom: chat.UserName },
		mentioned: unique.map((m) => ({ id: m.UserName, name: mentionName(client, m) })),
	};
}

const sendText: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const chat = await recipient(ctx, client, i);
	const text = ctx.fn.getNodeParameter('text', i) as string;
	if (!text) throw new InvalidInputError('The message text is empty.', 'Enter the text to send.');
	const options = ctx.fn.getNodeParameter('options', i, {}) as { mentions?: string; addMentionText?: boolean };
	const names = splitNames(options.mentions);
	if (!names.length) {
		const sent = await client.sendText(chat.UserName, text, ctx.signal);
		return [sentJson(sent, chat, { type: 'text', text })];
	}
	const prepared = await prepareMentions(ctx, client, chat, text, names, options.addMentionText !== false);
	const sent = await client.sendText(chat.UserName, prepared.text, ctx.signal, prepared.mentions);
	return [sentJson(sent, chat, { type: 'text', text: prepared.text, mentions: prepared.mentioned })];
};

function sendBinary(expected: 'image' | 'video' | 'file' | 'emoticon'): ItemOperation {
	return async (ctx, i) => {
		const client = await ctx.client();
		const chat = await recipient(ctx, client, i);
		const file = await inputFile(ctx.fn, i);
		const natural = mediaKindFor(file.fileName, file.mimeType);
		let kind: SendableKind = expected;
		if (expected === 'image') {
			// GIFs go out as stickers: sent as a picture WeChat shows a wrong image (protocol.md §1.14).
			if (natural === 'emoticon') kind = 'emoticon';
			else if (natural !== 'image') {
				throw new InvalidInputError(
					`"${file.fileName}" (${file.mimeType}) is not a JPEG, PNG or BMP image.`,
					'Use Send File for other files, or convert the picture first.',
				);
			}
		}
		if (expected === 'video' && natural !== 'video') {
			throw new InvalidInputError(`"${file.fileName}" (${file.mimeType}) is not an MP4 video; WeChat Web only sends MP4 as video.`, 'Use Send File instead.');
		}
		const input: FileInput = { ...file, kind };
		const sent = await client.sendFile(chat.UserName, input, ctx.signal);
		return [sentJson(sent, chat, { type: kind, fileName: file.fileName, mimeType: file.mimeType, fileSize: file.bytes.byteLength })];
	};
}

const sendEmoticon: ItemOperation = async (ctx, i) => {
	const source = ctx.fn.getNodeParameter('emoticonSource', i) as string;
	if (source !== 'md5') return sendBinary('emoticon')(ctx, i);
	const client = await ctx.client();
	const chat = await recipient(ctx, client, i);
	const md5 = String(ctx.fn.getNodeParameter('emoticonMd5', i) ?? '').trim();
	if (!md5) throw new InvalidInputError('No sticker MD5 was given.', 'Use details.md5 of a received sticker message.');
	const sent = await client.sendEmoticon(chat.UserName, { md5 }, ctx.signal);
	return [sentJson(sent, chat, { type: 'emoticon', md5 })];
};

const revoke: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const source = ctx.fn.getNodeParameter('revokeSource', i) as string;
	let msgId: string;
	let to: string;
	let clientMsgId: string;
	let sentAt: number | undefined;
	let chat: IDataObject | undefined;
	if (source === 'fields') {
		msgId = String(ctx.fn.getNodeParameter('messageId', i) ?? '').trim();
		const contact = await recipient(ctx, client, i);
		to = contact.UserName;
		chat = chatRef(contact);
		const options = ctx.fn.getNodeParameter('options', i, {}) as { clientMsgId?: string; sentAt?: unknown };
		clientMsgId = String(options.clientMsgId ?? '').trim();
		sentAt = toMillis(options.sentAt);
	} else {
		const json = ctx.fn.getInputData()[i]?.json ?? {};
		msgId = String(json.msgId ?? '').trim();
		to = String(json.toUserName ?? getPath(json, 'to.id') ?? '').trim();
		clientMsgId = String(json.clientMsgId ?? '').trim();
		sentAt = toMillis(json.sentAt);
		if (!msgId || !to) {
			throw new InvalidInputError(
				'The input item has no msgId and toUserName of a sent message.',
				'Connect this node to the output of a WeChat Web send operation, or set "Message to Revoke" to "By ID".',
			);
		}
		const contact = client.cachedContact(to);
		chat = contact ? chatRef(contact) : { id: to };
	}
	if (!msgId) throw new InvalidInputError('No message ID was given.', 'Use the msgId a send operation returned.');
	const outcome = await settle(() => client.revoke(to, msgId, clientMsgId, ctx.signal));
	if (!outcome.ok) {
		if (isRevokeRefusal(outcome.error)) throw revokeRefused(outcome.error, msgId, sentAt, Date.now());
		throw outcome.error;
	}
	return [{ json: { revoked: true, msgId, toUserName: to, to: chat, revokedAt: isoTime(outcome.value.revokedAt) } }];
};

/** Forward: text-like messages are sent as text, media re-uploaded from a download of the original. */
const forward: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const chat = await recipient(ctx, client, i);
	const json = ctx.fn.getInputData()[i]?.json ?? {};
	const type = String(json.type ?? '');
	const original = { forwardedFrom: { msgId: json.id ?? null, type } };
	if (NOT_FORWARDABLE.has(type)) {
		throw new InvalidInputError(`A "${type}" event cannot be forwarded.`, 'Forward messages people wrote: text, links, locations, images, videos, files, stickers or voice notes.');
	}
	const media = json.media ? readMediaReference(json.media, 'media') : undefined;
	if (!media) {
		const text = forwardText(json);
		if (!text) {
			throw new InvalidInputError(
				`The input item is not a message that can be forwarded${type ? ` (type "${type}")` : ''}.`,
				'Forward works on message items of the WeChat Web Trigger: text, links, locations, images, videos, files, stickers and voice notes.',
			);
		}
		const sent = await client.sendText(chat.UserName, text, ctx.signal);
		return [sentJson(sent, chat, { type: 'text', text, ...original })];
	}
	if (media.kind === 'emoticon') {
		const md5 = typeof getPath(json, 'details.md5') === 'string' ? String(getPath(json, 'details.md5')) : '';
		if (md5) {
			const byMd5 = await settle(() => client.sendEmoticon(chat.UserName, { md5 }, ctx.signal));
			if (byMd5.ok) return [sentJson(byMd5.value, chat, { type: 'emoticon', md5, ...original })];
			// Rejected (unknown md5): fall back to re-uploading the GIF.
			if (!(byMd5.error instanceof ApiError)) throw byMd5.error;
		}
	}
	const data = await client.downloadBuffer(media, { signal: ctx.signal, maxBytes: FORWARD_MAX_BYTES });
	const kind = forwardKind(media, data.mimeType);
	const fileName = kind === 'file' && media.kind === 'voice' ? data.fileName.replace(/\.[^.]*$/, '') + '.mp3' : data.fileName;
	const sent = await client.sendFile(chat.UserName, { bytes: data.data, fileName, mimeType: data.mimeType, kind }, ctx.signal);
	return [sentJson(sent, chat, { type: kind, fileName, mimeType: data.mimeType, fileSize: data.size, ...original })];
};

function forwardKind(ref: MediaReference, mimeType: string): SendableKind {
	switch (ref.kind) {
		case 'image':
			return mimeType === 'image/gif' ? 'emoticon' : 'image';
		case 'video':
			return 'video';
		case 'emoticon':
			return 'emoticon';
		default:
			// Files stay files; voice notes cannot be sent as voice over the Web protocol, so they go as an MP3 file.
			return 'file';
	}
}

function forwardText(json: IDataObject): string {
	const text = typeof json.text === 'string' ? json.text : '';
	const url = getPath(json, 'details.url');
	if (typeof url === 'string' && url && !text.includes(url)) return text ? `${text}\n${url}` : url;
	return text;
}

export const messageOperations: Record<string, ItemOperation> = {
	sendText,
	sendImage: sendBinary('image'),
	sendVideo: sendBinary('video'),
	sendFile: sendBinary('file'),
	sendEmoticon,
	revoke,
	forward,
};

export type { ItemResult };
