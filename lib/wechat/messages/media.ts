/**
 * Media references (protocol.md §3.11): plain data that is enough to download
 * the bytes later, a MIME type guess and a file name that is safe to write.
 */
import type { MediaReference, RawAddMsg } from '../types';
import { defaultExtension, defaultMimeType, fileExtension, mimeTypeForExtension, nameExtension, safeFileName, type MediaKind } from '../media-vocabulary';
import { cleanText } from './text';

// The vocabulary, as the message model has always exported it.
export { defaultMimeType, fileExtension, mimeTypeForExtension, safeFileName, type MediaKind } from '../media-vocabulary';

/** The numeric value of a size field ('123', 123), or undefined. */
export function toSize(v: unknown): number | undefined {
	const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,15}\s*$/.test(v) ? Number(v) : NaN;
	return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export interface MediaOptions {
	fileName?: string;
	size?: number;
	/** Extension or file name used for the MIME guess of files. */
	ext?: string;
}

/** The MediaReference of a message (sender = raw FromUserName, webwxgetmedia's `sender`). */
export function mediaReference(kind: MediaKind, raw: RawAddMsg, id: string, opts: MediaOptions = {}): MediaReference {
	const rawName = opts.fileName ?? (typeof raw.FileName === 'string' ? cleanText(raw.FileName) : '');
	let mimeType = defaultMimeType(kind);
	let fileName: string;
	if (kind === 'file') {
		const ext = fileExtension(opts.ext ?? '') || nameExtension(rawName);
		if (ext) mimeType = mimeTypeForExtension(ext);
		fileName = safeFileName(rawName, ext ? `${id}.${ext}` : id || 'file');
	} else {
		// Images, voice, video and stickers: FileName is not meaningful; MsgId + the endpoint's type.
		fileName = safeFileName(`${id || 'media'}.${defaultExtension(kind)}`);
	}
	const ref: MediaReference = { kind, msgId: id, mimeType, fileName };
	if (typeof raw.FromUserName === 'string' && raw.FromUserName) ref.sender = raw.FromUserName;
	if (typeof raw.MediaId === 'string' && raw.MediaId) ref.mediaId = raw.MediaId;
	if (typeof raw.EncryFileName === 'string' && raw.EncryFileName) ref.encryFileName = raw.EncryFileName;
	if (opts.size !== undefined) ref.size = opts.size;
	return ref;
}

// Attributes read straight from escaped Content (no XML parse on the hot path):
// `name = "v"` or `name=&quot;v&quot;`, not preceded by a name character
// (so `md5` never matches `androidmd5`, `length` never `cdnthumblength`).
const ATTR_RES = new Map<string, RegExp>();
function attrRe(name: string): RegExp {
	let re = ATTR_RES.get(name);
	if (!re) {
		re = new RegExp(`(?<![A-Za-z0-9_])${name}\\s*=\\s*(?:"|&quot;)([^"&]*(?:&(?!quot;)[^"&]*)*)(?:"|&quot;)`);
		ATTR_RES.set(name, re);
	}
	return re;
}

/** An attribute's raw value found anywhere in (escaped) Content, else ''. */
export function contentAttr(content: string, name: string): string {
	const m = attrRe(name).exec(content);
	return m ? m[1] : '';
}
