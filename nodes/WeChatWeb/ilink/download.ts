/**
 * Media → Download on the iLink route: the media reference the trigger emits
 * (`$json.media`, an IlinkMediaReference; a whole message item works too) →
 * n8n binary data, decrypted, with its real file name and MIME type. The
 * output item is the input item without the reference's AES key and CDN
 * parameters.
 */
import type { IDataObject } from 'n8n-workflow';
import type { IlinkMediaKind, IlinkMediaReference } from '../../../lib/ilink';
import { InvalidInputError } from '../../../lib/ilink';
import { mimeTypeForExtension, safeFileName, safeMimeType } from '../../../lib/wechat';
import { megabytes } from '../../shared/binary';
import { getPath } from '../actions/util';
import { ILINK_DEFAULT_MAX_SIZE_MB } from '../descriptions/MediaDescription';
import type { IlinkItemOperation } from './context';

const KINDS: readonly IlinkMediaKind[] = ['image', 'video', 'voice', 'file'];
/** What a download needs and no output item may carry. */
const KEY_FIELDS = ['aesKey', 'aesKeyHex', 'encryptQueryParam', 'fullUrl'] as const;
/** File extensions of the types iLink media comes in (lib/ilink sniffMime and its defaults). */
const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/gif': 'gif',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'audio/silk': 'silk',
	'application/pdf': 'pdf',
};
const DEFAULT_EXTENSION: Record<IlinkMediaKind, string> = { image: 'jpg', video: 'mp4', voice: 'silk', file: 'bin' };

function isObject(v: unknown): v is IDataObject {
	return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The reference at `field`, or in a message item found there. */
export function readIlinkReference(input: IDataObject, field: string): IlinkMediaReference {
	let value = getPath(input, field);
	if (isObject(value) && !('kind' in value) && isObject(value.media)) value = value.media;
	if (!isObject(value)) {
		throw new InvalidInputError(
			`The input item has no media reference in "${field}".`,
			'Only image, voice, video and file messages carry media. Filter the trigger output by type (e.g. an If node on {{ $json.media }}), and connect this node to a WeChat Web Trigger on the iLink route.',
		);
	}
	const kind = String(value.kind ?? '') as IlinkMediaKind;
	if (!KINDS.includes(kind)) {
		throw new InvalidInputError(`"${field}" is not a media reference: its kind "${String(value.kind ?? '')}" is not image, voice, video or file.`);
	}
	const text = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
	const ref: IlinkMediaReference = {
		route: 'ilink',
		kind,
		msgId: text(value.msgId) ?? (typeof value.msgId === 'number' ? String(value.msgId) : ''),
		encryptQueryParam: text(value.encryptQueryParam),
		aesKey: text(value.aesKey),
		aesKeyHex: text(value.aesKeyHex),
		fullUrl: text(value.fullUrl),
		fileName: text(value.fileName),
		mimeType: safeMimeType(text(value.mimeType)),
	};
	const size = Number(value.size);
	if (Number.isFinite(size) && size > 0) ref.size = size;
	if (!ref.encryptQueryParam && !ref.fullUrl) {
		throw new InvalidInputError(
			`The media reference in "${field}" has no iLink download parameter.`,
			value.route === 'web' || !value.route
				? 'It comes from the WeChat Web route: download it with a WeChat Web credential.'
				: 'Use the media reference of a WeChat Web Trigger item on the iLink route as it was emitted.',
		);
	}
	return ref;
}

/** A copy of the input without the keys of any media reference in it, at any depth (a message item may sit under any field). */
function withoutKeys(value: unknown, depth = 0): unknown {
	if (depth > 20) return value;
	if (Array.isArray(value)) return value.map((v) => withoutKeys(v, depth + 1));
	if (!isObject(value)) return value;
	const out: IDataObject = {};
	for (const [k, v] of Object.entries(value)) if (!(KEY_FIELDS as readonly string[]).includes(k)) out[k] = withoutKeys(v, depth + 1) as IDataObject[string];
	return out;
}

function maxSizeMb(value: unknown): number {
	const mb = value === undefined || value === null || value === '' ? ILINK_DEFAULT_MAX_SIZE_MB : Number(value);
	if (!Number.isFinite(mb) || mb <= 0) throw new InvalidInputError(`"Maximum Size (MB)" must be a number above 0, not "${String(value)}".`);
	return mb;
}

export const download: IlinkItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const input = ctx.fn.getInputData()[i]?.json ?? {};
	const field = String(ctx.fn.getNodeParameter('mediaField', i, 'media') ?? 'media').trim() || 'media';
	const ref = readIlinkReference(input, field);
	const options = ctx.fn.getNodeParameter('options', i, {}) as { fileName?: string; maxSizeMb?: number };
	const maxMb = maxSizeMb(options.maxSizeMb);
	if (ref.size !== undefined && ref.size > maxMb * 1024 * 1024 + 16) {
		throw new InvalidInputError(
			`The ${ref.kind} is ${megabytes(ref.size)}, more than the "Maximum Size (MB)" of ${maxMb} MB; it was not downloaded.`,
			`Raise "Maximum Size (MB)" under Options (now ${maxMb} MB) to download larger media.`,
		);
	}
	const media = await client.download(ref, { signal: ctx.signal, maxBytes: Math.floor(maxMb * 1024 * 1024) });
	const named = options.fileName || media.fileName;
	let mimeType = safeMimeType(media.mimeType);
	if (named && mimeType === 'application/octet-stream') mimeType = mimeTypeForExtension(named);
	const fallback = `${ref.msgId || 'media'}.${EXTENSIONS[mimeType] ?? DEFAULT_EXTENSION[ref.kind]}`;
	const fileName = safeFileName(named || fallback, fallback);
	const prop = ctx.fn.getNodeParameter('binaryPropertyName', i) as string;
	const binary = await ctx.fn.helpers.prepareBinaryData(media.data, fileName, mimeType);
	return [{ json: withoutKeys(input) as IDataObject, binary: { [prop]: binary } }];
};
