/** Media resource: download a message's media or an avatar as n8n binary data, streamed. */
import type { IDataObject } from 'n8n-workflow';
import type { ImageVariant, MediaReference, MediaStream } from '../../../lib/wechat';
import { defaultMimeType, InvalidInputError, isMediaKind, MediaTooLargeError, mimeTypeForExtension, safeFileName, safeMimeType } from '../../../lib/wechat';
import { binaryStream, megabytes } from '../../shared/binary';
import { chatRef, readLocator, resolveChat } from './chats';
import type { ActionContext, ItemOperation, ItemResult } from './context';
import { getPath } from './util';

/** The "Maximum Size (MB)" option's default: the trigger's, and WeChat Web's own file limit. */
export const DEFAULT_MAX_SIZE_MB = 25;

/** Validates a media reference (as the trigger emits it) taken from item JSON. */
export function readMediaReference(value: unknown, where: string): MediaReference {
	if (!value || typeof value !== 'object') {
		throw new InvalidInputError(
			`The input item has no media reference in "${where}".`,
			'Only image, voice, video, file and sticker messages carry media. Filter the trigger output by type, or set "Source" to "By Message ID".',
		);
	}
	const v = value as IDataObject;
	const kind = String(v.kind ?? '');
	if (!isMediaKind(kind)) throw new InvalidInputError(`"${where}" is not a media reference: its kind "${String(v.kind ?? '')}" is not image, voice, video, file or emoticon.`);
	const text = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? String(x) : undefined);
	// The item's type is only a fallback for the client, and passes the allow-list there too.
	const ref: MediaReference = { kind, msgId: text(v.msgId) ?? '', mimeType: safeMimeType(text(v.mimeType) || defaultMimeType(kind)) };
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
	const kind = p('mediaKind');
	if (!isMediaKind(kind)) throw new InvalidInputError(`"${kind}" is not a media type: use image, voice, video, file or emoticon.`);
	const ref: MediaReference = { kind, msgId: p('messageId'), mimeType: defaultMimeType(kind) };
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

async function toBinaryItem(ctx: ActionContext, i: number, media: MediaStream, json: IDataObject, fileNameOverride?: string): Promise<ItemResult> {
	const prop = ctx.fn.getNodeParameter('binaryPropertyName', i) as string;
	// File names end up on disks: the vocabulary's rules (no directories, controls, `..`).
	const fileName = safeFileName(fileNameOverride || media.fileName, 'media');
	const binary = await ctx.fn.helpers.prepareBinaryData(binaryStream(media.stream, media.cancel), fileName, media.mimeType);
	return [{ json, binary: { [prop]: binary } }];
}

/** The "Maximum Size (MB)" option (default 25). */
function maxSizeMb(value: unknown): number {
	const mb = value === undefined || value === null || value === '' ? DEFAULT_MAX_SIZE_MB : Number(value);
	if (!Number.isFinite(mb) || mb <= 0) throw new InvalidInputError(`"Maximum Size (MB)" must be a number above 0, not "${String(value)}".`);
	return mb;
}

/** The client's refusal in the words of this node's option. */
function tooLarge(err: MediaTooLargeError, kind: string, maxMb: number): InvalidInputError {
	const size = err.size !== undefined ? `is ${megabytes(err.size)}, more than` : 'grew past';
	return new InvalidInputError(
		`The ${kind} ${size} the "Maximum Size (MB)" of ${maxMb} MB; it was not downloaded.`,
		`Raise "Maximum Size (MB)" under Options (now ${maxMb} MB) to download larger media.`,
	);
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
	const options = ctx.fn.getNodeParameter('options', i, {}) as { fileName?: string; imageVariant?: ImageVariant; maxSizeMb?: number };
	const maxMb = maxSizeMb(options.maxSizeMb);
	const maxBytes = Math.floor(maxMb * 1024 * 1024);
	const json: IDataObject = source === 'fields' ? { msgId: ref.msgId, kind: ref.kind } : { ...input };
	try {
		const media = await client.download(ref, { signal: ctx.signal, variant: options.imageVariant, maxBytes });
		return await toBinaryItem(ctx, i, media, json, options.fileName);
	} catch (err) {
		throw err instanceof MediaTooLargeError ? tooLarge(err, ref.kind, maxMb) : err;
	}
};

const getAvatar: ItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const chat = await resolveChat(ctx, client, readLocator(ctx, 'chat', i));
	const media = await client.avatar(chat.UserName, ctx.signal);
	return toBinaryItem(ctx, i, media, { chat: chatRef(chat) });
};

export const mediaOperations: Record<string, ItemOperation> = { download, getAvatar };
