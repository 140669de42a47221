/**
 * Media references (protocol.md §3.11): plain data that is enough to download
 * the bytes later, a MIME type guess and a file name that is safe to write.
 */
import type { MediaReference, RawAddMsg } from '../types';
import { cleanText } from './text';

export type MediaKind = MediaReference['kind'];

/** What each download endpoint returns (PW's extensions by type). */
const KIND_DEFAULTS: Record<MediaKind, { mimeType: string; ext: string }> = {
	image: { mimeType: 'image/jpeg', ext: '.jpg' },
	emoticon: { mimeType: 'image/gif', ext: '.gif' },
	voice: { mimeType: 'audio/mpeg', ext: '.mp3' },
	video: { mimeType: 'video/mp4', ext: '.mp4' },
	file: { mimeType: 'application/octet-stream', ext: '' },
};

const MIME_BY_EXT: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	heic: 'image/heic',
	svg: 'image/svg+xml',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	mp3: 'audio/mpeg',
	amr: 'audio/amr',
	silk: 'audio/silk',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
	ogg: 'audio/ogg',
	flac: 'audio/flac',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	m4v: 'video/x-m4v',
	avi: 'video/x-msvideo',
	mkv: 'video/x-matroska',
	webm: 'video/webm',
	pdf: 'application/pdf',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	ppt: 'application/vnd.ms-powerpoint',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	txt: 'text/plain',
	log: 'text/plain',
	md: 'text/markdown',
	csv: 'text/csv',
	json: 'application/json',
	xml: 'application/xml',
	html: 'text/html',
	htm: 'text/html',
	rtf: 'application/rtf',
	zip: 'application/zip',
	rar: 'application/vnd.rar',
	'7z': 'application/x-7z-compressed',
	gz: 'application/gzip',
	tgz: 'application/gzip',
	tar: 'application/x-tar',
	apk: 'application/vnd.android.package-archive',
	epub: 'application/epub+zip',
};

/** Lower-case extension without the dot ('' when none) of a file name or a bare extension. */
export function fileExtension(nameOrExt: string): string {
	const dot = nameOrExt.lastIndexOf('.');
	const ext = dot === -1 ? nameOrExt : nameOrExt.slice(dot + 1);
	return /^[A-Za-z0-9]{1,10}$/.test(ext) ? ext.toLowerCase() : '';
}

/** MIME type for an extension (`pdf`, `.pdf` or `a.pdf`), else application/octet-stream. */
export function mimeTypeForExtension(nameOrExt: string): string {
	const ext = nameOrExt.indexOf('.') === -1 ? nameOrExt.toLowerCase() : fileExtension(nameOrExt);
	return (Object.prototype.hasOwnProperty.call(MIME_BY_EXT, ext) && MIME_BY_EXT[ext]) || 'application/octet-stream';
}

export function defaultMimeType(kind: MediaKind): string {
	return KIND_DEFAULTS[kind].mimeType;
}

const MAX_FILE_NAME = 200;
const MAX_EXT = 16;
/** C0/C1 controls, bidi marks/overrides/isolates (the `evil\u202Efdp.exe` trick), BOM. */
function isUnsafeChar(c: number): boolean {
	return (
		c < 0x20 ||
		(c >= 0x7f && c <= 0x9f) ||
		c === 0x200e ||
		c === 0x200f ||
		(c >= 0x202a && c <= 0x202e) ||
		(c >= 0x2066 && c <= 0x2069) ||
		c === 0xfeff
	);
}

function stripUnsafeChars(s: string): string {
	let out = '';
	let last = 0;
	for (let i = 0; i < s.length; i++) {
		if (isUnsafeChar(s.charCodeAt(i))) {
			out += s.slice(last, i);
			last = i + 1;
		}
	}
	return last === 0 ? s : out + s.slice(last);
}
const SEPARATORS_RE = /[/\\:*?"<>|]/g;
const DOTS_RE = /\.{2,}/g;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WINDOWS_RESERVED_RE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/**
 * A file name safe to write anywhere: no path separators or `..`, no control
 * or bidi characters, no lone surrogates, not a Windows device name, at most
 * 200 characters (the extension is kept). Empty results become `fallback`.
 */
export function safeFileName(name: string, fallback = 'file'): string {
	let s = typeof name === 'string' ? name : '';
	s = stripUnsafeChars(s)
		.replace(LONE_SURROGATE_RE, '\uFFFD')
		.replace(SEPARATORS_RE, '_')
		.replace(DOTS_RE, '.')
		.replace(/^[\s._]+|[\s.]+$/g, '');
	if (!s) return fallback === name ? 'file' : safeFileName(fallback, 'file');
	if (WINDOWS_RESERVED_RE.test(s)) s = '_' + s;
	if (s.length <= MAX_FILE_NAME) return s;
	const dot = s.lastIndexOf('.');
	const ext = dot > 0 && s.length - dot <= MAX_EXT ? s.slice(dot) : '';
	let base = s.slice(0, MAX_FILE_NAME - ext.length);
	// Do not cut a surrogate pair in half.
	const last = base.charCodeAt(base.length - 1);
	if (last >= 0xd800 && last <= 0xdbff) base = base.slice(0, -1);
	return base + ext;
}

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
	const defaults = KIND_DEFAULTS[kind];
	const rawName = opts.fileName ?? (typeof raw.FileName === 'string' ? cleanText(raw.FileName) : '');
	let mimeType = defaults.mimeType;
	let fileName: string;
	if (kind === 'file') {
		const ext = fileExtension(opts.ext ?? '') || fileExtension(rawName);
		if (ext) mimeType = mimeTypeForExtension(ext);
		fileName = safeFileName(rawName, ext ? `${id}.${ext}` : id || 'file');
	} else {
		// Images, voice, video and stickers: FileName is not meaningful; MsgId + the endpoint's type.
		fileName = safeFileName(`${id || 'media'}${defaults.ext}`);
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
