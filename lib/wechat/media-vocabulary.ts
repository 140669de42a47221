/**
 * The media vocabulary: the kinds of media, safe file names, extension ↔ MIME
 * type, and which MIME types may reach n8n at all. Pure functions, no I/O; the
 * normalizer, the downloads, the uploads and the nodes all name media this way.
 *
 * Every file name and MIME type here may come from the other side (a friend
 * names the file, the server sets Content-Type), so:
 * - file names are cut to a bounded length before any other work, and trimmed
 *   with loops, never with a backtracking pattern;
 * - only allow-listed MIME types come out. Active types that a browser would
 *   run (HTML, XHTML, SVG, XML, JavaScript …) become application/octet-stream:
 *   older n8n versions serve binary data inline in the editor's origin.
 */
import type { MediaReference } from './types';

/** The five kinds of media a message can carry. */
export type MediaKind = MediaReference['kind'];
/** What WeChat Web can send (no voice notes). */
export type SendableKind = Exclude<MediaKind, 'voice'>;

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'voice', 'video', 'file', 'emoticon'];

export function isMediaKind(value: unknown): value is MediaKind {
	return typeof value === 'string' && (MEDIA_KINDS as readonly string[]).includes(value);
}

export const OCTET_STREAM = 'application/octet-stream';

/** What each download endpoint returns when nothing else is known. */
const KIND_DEFAULTS: Record<MediaKind, { mimeType: string; ext: string }> = {
	image: { mimeType: 'image/jpeg', ext: 'jpg' },
	emoticon: { mimeType: 'image/gif', ext: 'gif' },
	voice: { mimeType: 'audio/mpeg', ext: 'mp3' },
	video: { mimeType: 'video/mp4', ext: 'mp4' },
	file: { mimeType: OCTET_STREAM, ext: '' },
};

export function defaultMimeType(kind: MediaKind): string {
	return (isMediaKind(kind) && KIND_DEFAULTS[kind].mimeType) || OCTET_STREAM;
}

/** The extension (without dot) the endpoint's bytes have, '' for files. */
export function defaultExtension(kind: MediaKind): string {
	return isMediaKind(kind) ? KIND_DEFAULTS[kind].ext : '';
}

/**
 * Safe types by extension. Active types are absent on purpose, so they map to
 * application/octet-stream: html, htm, xhtml, svg, xml, xsl, js, mjs …
 */
const MIME_BY_EXT: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	heic: 'image/heic',
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

/** Other spellings servers use for allowed types (webwxgetvoice says audio/mp3). */
const MIME_ALIASES: Record<string, string> = {
	'audio/mp3': 'audio/mpeg',
	'audio/x-mp3': 'audio/mpeg',
	'audio/mpeg3': 'audio/mpeg',
	'audio/x-mpeg': 'audio/mpeg',
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'image/x-ms-bmp': 'image/bmp',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/x-m4a': 'audio/mp4',
	'application/x-zip-compressed': 'application/zip',
	'application/x-gzip': 'application/gzip',
	'application/x-rar-compressed': 'application/vnd.rar',
};

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The allow-list: every type the table above gives, plus the generic one. */
const SAFE_TYPES = new Set([...Object.values(MIME_BY_EXT), OCTET_STREAM]);

/** Preferred extension per safe type (the first in the table wins: jpg, mp3 …). */
const EXT_BY_MIME = new Map<string, string>();
for (const [ext, mime] of Object.entries(MIME_BY_EXT)) if (!EXT_BY_MIME.has(mime)) EXT_BY_MIME.set(mime, ext);

/** A Content-Type value → lower case, without parameters, aliases resolved ('' when absent). */
export function canonicalMimeType(value: string | undefined): string {
	if (typeof value !== 'string') return '';
	const semi = value.indexOf(';');
	const base = (semi === -1 ? value : value.slice(0, semi)).slice(0, 200).trim().toLowerCase();
	return hasOwn(MIME_ALIASES, base) ? MIME_ALIASES[base] : base;
}

/** The type when it is on the allow-list (canonical form), else application/octet-stream. */
export function safeMimeType(value: string | undefined): string {
	const mime = canonicalMimeType(value);
	return SAFE_TYPES.has(mime) ? mime : OCTET_STREAM;
}

/** Lower-case extension without the dot ('' when none) of a file name or a bare extension. */
export function fileExtension(nameOrExt: string): string {
	if (typeof nameOrExt !== 'string') return '';
	const dot = nameOrExt.lastIndexOf('.');
	const ext = dot === -1 ? nameOrExt : nameOrExt.slice(dot + 1);
	return /^[A-Za-z0-9]{1,10}$/.test(ext) ? ext.toLowerCase() : '';
}

/** The extension of a file name only: after the last dot of the last path segment, never a leading dot ('' when none). */
export function nameExtension(fileName: string): string {
	if (typeof fileName !== 'string') return '';
	const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
	const dot = base.lastIndexOf('.');
	return dot > 0 ? fileExtension(base.slice(dot)) : '';
}

/** Safe MIME type for an extension (`pdf`, `.pdf` or `a.pdf`); active or unknown → application/octet-stream. */
export function mimeTypeForExtension(nameOrExt: string): string {
	const ext = typeof nameOrExt !== 'string' ? '' : nameOrExt.indexOf('.') === -1 ? nameOrExt.toLowerCase() : fileExtension(nameOrExt);
	return hasOwn(MIME_BY_EXT, ext) ? MIME_BY_EXT[ext] : OCTET_STREAM;
}

/** Extension (without dot) for a MIME type; `bin` when it is not an allowed, known one. */
export function extensionForMimeType(mimeType: string): string {
	return EXT_BY_MIME.get(safeMimeType(mimeType)) ?? 'bin';
}

/** The magic bytes of the formats WeChat serves, or undefined. */
export function sniffMimeType(b: Uint8Array): string | undefined {
	const at = (i: number) => (i < b.byteLength ? b[i] : -1);
	const ascii = (i: number, s: string) => [...s].every((c, k) => at(i + k) === c.charCodeAt(0));
	if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
	if (at(0) === 0x89 && ascii(1, 'PNG')) return 'image/png';
	if (ascii(0, 'GIF8')) return 'image/gif';
	if (ascii(0, 'ID3')) return 'audio/mpeg';
	if (ascii(4, 'ftyp')) return 'video/mp4';
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
	if (ascii(0, '#!AMR')) return 'audio/amr';
	// A bare MPEG audio frame (voice notes without an ID3 tag).
	if (at(0) === 0xff && (at(1) & 0xe0) === 0xe0 && at(1) !== -1) return 'audio/mpeg';
	return undefined;
}

/** Types that say nothing about the bytes (servers send them for any file). */
const UNINFORMATIVE_TYPES = new Set(['', OCTET_STREAM, 'binary/octet-stream', 'application/x-download', 'application/force-download', 'application/download', 'text/plain']);

/**
 * The MIME type of downloaded bytes: the server's Content-Type when it is
 * informative and allow-listed, else the magic bytes, else `fallback` (what the
 * message said) when allowed, else application/octet-stream.
 */
export function pickMimeType(contentType: string | undefined, first: Uint8Array, fallback: string | undefined): string {
	const ct = canonicalMimeType(contentType);
	if (!UNINFORMATIVE_TYPES.has(ct) && SAFE_TYPES.has(ct)) return ct;
	return sniffMimeType(first) ?? safeMimeType(fallback);
}

// ---- File names ----

const MAX_FILE_NAME = 200;
const MAX_EXT = 16;
/** Work on at most this much of a name: its head and its last MAX_EXT characters. */
const MAX_INPUT = 4 * MAX_FILE_NAME;

/** C0/C1 controls, bidi marks/overrides/isolates (the `evil\u202Efdp.exe` trick), BOM. */
function isUnsafeChar(c: number): boolean {
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0xfeff;
}

/** What `\s` matches, as a char-code test. */
function isSpace(c: number): boolean {
	return (
		c === 0x20 ||
		(c >= 0x09 && c <= 0x0d) ||
		c === 0xa0 ||
		c === 0x1680 ||
		(c >= 0x2000 && c <= 0x200a) ||
		c === 0x2028 ||
		c === 0x2029 ||
		c === 0x202f ||
		c === 0x205f ||
		c === 0x3000 ||
		c === 0xfeff
	);
}

/** Leading spaces, dots and underscores (no hidden files) and trailing spaces and dots (Windows drops them), by index. */
function trimName(s: string): string {
	let start = 0;
	let end = s.length;
	while (start < end) {
		const c = s.charCodeAt(start);
		if (!(isSpace(c) || c === 0x2e || c === 0x5f)) break;
		start++;
	}
	while (end > start) {
		const c = s.charCodeAt(end - 1);
		if (!(isSpace(c) || c === 0x2e)) break;
		end--;
	}
	return start === 0 && end === s.length ? s : s.slice(start, end);
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

/** Does not end inside a surrogate pair. */
function cutAt(s: string, n: number): string {
	if (s.length <= n) return s;
	const last = s.charCodeAt(n - 1);
	return s.slice(0, last >= 0xd800 && last <= 0xdbff ? n - 1 : n);
}

function clean(name: string): string {
	let s = name;
	// Cut first: everything below is linear, and stays cheap on a 1 MB name.
	if (s.length > MAX_INPUT) s = cutAt(s, MAX_INPUT - MAX_EXT) + s.slice(-MAX_EXT);
	s = trimName(stripUnsafeChars(s).replace(LONE_SURROGATE_RE, '\uFFFD').replace(SEPARATORS_RE, '_').replace(DOTS_RE, '.'));
	if (!s) return '';
	if (WINDOWS_RESERVED_RE.test(s)) s = '_' + s;
	if (s.length <= MAX_FILE_NAME) return s;
	const dot = s.lastIndexOf('.');
	const ext = dot > 0 && s.length - dot <= MAX_EXT ? s.slice(dot) : '';
	// The cut may leave trailing spaces or dots in front of the extension's place.
	return trimName(cutAt(s, MAX_FILE_NAME - ext.length)) + ext;
}

/**
 * A file name safe to write anywhere: no path separators or `..`, no control
 * or bidi characters, no lone surrogates, not a Windows device name, no
 * leading dot, at most 200 characters (the extension is kept). Linear in the
 * input whatever it holds. Empty results become `fallback` (made safe too).
 */
export function safeFileName(name: string, fallback = 'file'): string {
	return clean(typeof name === 'string' ? name : '') || clean(typeof fallback === 'string' ? fallback : '') || 'file';
}
