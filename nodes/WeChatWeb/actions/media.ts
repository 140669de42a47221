/** Media resource: download a message's media or an avatar as n8n binary data, streamed. */
import type { IDataObject } from 'n8n-workflow';
import type { ImageVariant, MediaStream } from '../../../lib/wechat/media';
import { InvalidInputError } from '../../../lib/wechat/errors';
import { mimeTypeForExtension } from '../../../lib/wechat/messages/media';
import type { MediaReference } from '../../../lib/wechat/types';
import { binaryStream } from '../../shared/binary';
import { chatRef, readLocator, resolveChat } from './chats';
import type { ActionContext, ItemOperation, ItemResult } from './context';
import { getPath } from './util';

const KINDS = new Set<MediaReference['kind']>(['image', 'voice', 'video', 'file', 'emoticon']);

const DEFAULT_MIME: Record<MediaReference['kind'], string> = {
	image: 'image/jpeg',
	voice: 'audio/mpeg',
	video: 'video/mp4',
	file: 'application/octet-stream',
	emoticon: 'image/gif',
};

/** Validates a media reference (as the trigger emits it) taken from item JSON. */
export function readMediaReference(value: unknown, where: string): MediaReference {
	if (!value || typeof value !== 'object') {
		throw new InvalidInputError(
			`The input item has no media reference in "${where}".`,
			'Only image, voice, video, file and sticker messages carry media. Filter the trigger output by type, or set "Source" to "By Message ID".',
		);
	}
	const v = value as IDataObject;
	const kind = String(v.kind ?? '') as MediaReference['kind'];
	if (!KINDS.has(kind)) throw new InvalidInputError(`"${where}" is not a media reference: its kind "${String(v.kind ?? '')}" is not image, voice, video, file or emoticon.`);
	const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
	const ref: MediaReference = { kind, msgId: text(v.msgId) ?? '', mimeType: text(v.mimeType) || DEFAULT_MIME[kind] };
	for (const key of ['sender', 'mediaId', 'encryFileName', 'fileName'] as const) {
		const s = text(v[key]);
		if (s) ref[key] = s;
	}
	const size = Number(v.size);
	if (Number.isFinite(size) && size > 0) ref.size = size;
	if (!ref.msgId && kind !== 'file') throw new InvalidInputError(`The media reference in "${where}" has no msgId.`);
	return ref;
}

function referenceFromFields(ctx: ActionContext, i: number): MediaReference {
	const p = (name: string) => String(ctx.fn.getNodeParameter(name, i, '') ?? '').trim();
	const kind = p('mediaKind') as MediaReference['kind'];
	const ref: MediaReference = { kind, msgId: p('messageId'), mimeType: DEFAULT_MIME[kind] ?? 'application/octet-stream' };
	if (!ref.msgId) throw new InvalidInputError('No message ID was given.', 'Enter the id of the received message.');
	if (kind === 'file') {
		ref.sender = p('fileSender');
		ref.mediaId = p('fileMediaId');
		const encry = p('fileEncryFileName');
		const name = p('fileName');
		if (encry) ref.encryFileName = encry;
		if (name) {
			ref.fileName = name;
			ref.mimeType = mimeTypeForExtension(name);
		}
	}
	return ref;
}

/** File names end up on disks: no directories, no control characters. */
function safeFileName(name: string, fallback: string): string {
	// eslint-disable-next-line no-control-regex
	const cleaned = name.replace(/[\\/\u0000-\u001f]/g, '_').trim();
	return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : fallback;
}

async function toBinaryItem(ctx: ActionContext, i: number, media: MediaStream, json: IDataObject, fileNameOverride?: string): Promise<ItemResult> {
	const prop = ctx.fn.getNodeParameter('binaryPropertyName', i) as string;
	const fileName = safeFileName(fileNameOverride || media.fileName, 'media');
	const binary = await ctx.fn.helpers.prepareBinaryData(binaryStream(media.stream, media.cancel), fileName, media.mimeType);
	return [{ json, binary: { [prop]: binary } }];
}

const download: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const source = ctx.fn.getNodeParameter('source', i) as string;
	const input = ctx.fn.getInputData()[i]?.json ?? {};
	let ref: MediaReference;
	if (source === 'fields') {
		ref = referenceFromFields(ctx, i);
	} else {
		const field = String(ctx.fn.getNodeParameter('mediaField', i, 'media') ?? 'media').trim() || 'media';
		ref = readMediaReference(getPath(input, field), field);
	}
	const options = ctx.fn.getNodeParameter('options', i, {}) as { fileName?: string; imageVariant?: ImageVariant };
	const media = await client.download(ref, { signal: ctx.signal, variant: options.imageVariant });
	const json: IDataObject = source === 'fields' ? { msgId: ref.msgId, kind: ref.kind } : { ...input };
	return toBinaryItem(ctx, i, media, json, options.fileName);
};

const getAvatar: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const chat = await resolveChat(ctx, client, readLocator(ctx, 'chat', i));
	const media = await client.avatar(chat.UserName, ctx.signal);
	return toBinaryItem(ctx, i, media, { chat: chatRef(chat) });
};

export const mediaOperations: Record<string, ItemOperation> = { download, getAvatar };
