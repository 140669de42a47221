/**
 * A raw `WeixinMessage` (ilink-protocol.md §4) → the route-neutral message,
 * shaped like lib/wechat's WeChatMessage where meanings match: id, type, text
 * (a voice note's transcript), sender, chat, media reference, quoted message,
 * timestamp, plus iLink's context token. Pure functions.
 */
import { idString } from './json';

export interface CdnMedia {
	encrypt_query_param?: string;
	aes_key?: string;
	encrypt_type?: number;
	full_url?: string;
}

export interface MessageItem {
	type?: number;
	msg_id?: string | number;
	create_time_ms?: number;
	is_completed?: boolean;
	ref_msg?: { message_item?: MessageItem; title?: string; svr_id?: string | number };
	text_item?: { text?: string };
	image_item?: { media?: CdnMedia; thumb_media?: CdnMedia; aeskey?: string; url?: string; mid_size?: number; hd_size?: number; thumb_size?: number };
	voice_item?: { media?: CdnMedia; encode_type?: number; sample_rate?: number; playtime?: number; text?: string };
	file_item?: { media?: CdnMedia; file_name?: string; md5?: string; len?: string | number };
	video_item?: { media?: CdnMedia; video_size?: number; play_length?: number; video_md5?: string; thumb_media?: CdnMedia };
	[k: string]: unknown;
}

export interface WeixinMessage {
	seq?: number | string;
	message_id?: number | string;
	from_user_id?: string;
	to_user_id?: string;
	client_id?: string;
	create_time_ms?: number;
	session_id?: string;
	group_id?: string;
	message_type?: number;
	message_state?: number;
	context_token?: string;
	item_list?: MessageItem[];
	[k: string]: unknown;
}

export const ITEM = { text: 1, image: 2, voice: 3, file: 4, video: 5 } as const;
export type IlinkMessageType = 'text' | 'image' | 'voice' | 'file' | 'video' | 'unknown';
export type IlinkMediaKind = 'image' | 'voice' | 'file' | 'video';

/** Everything needed to download the media later, in any process: plain data, no bot token. */
export interface IlinkMediaReference {
	route: 'ilink';
	kind: IlinkMediaKind;
	msgId: string;
	encryptQueryParam?: string;
	/** `CDNMedia.aes_key` as sent (base64 of 16 bytes or of 32 hex chars). */
	aesKey?: string;
	/** `image_item.aeskey` (32 hex), preferred for images. */
	aesKeyHex?: string;
	fullUrl?: string;
	fileName?: string;
	/** Bytes, when the message says (file: plaintext `len`; image/video: the CDN size). */
	size?: number;
	mimeType: string;
	/** Voice: codec number (6 = SILK) and length in ms. */
	encodeType?: number;
	durationMs?: number;
}

export interface IlinkQuote {
	id?: string;
	title?: string;
	text?: string;
	type?: IlinkMessageType;
	media?: IlinkMediaReference;
}

export interface IlinkMessage {
	route: 'ilink';
	id: string;
	type: IlinkMessageType;
	text: string;
	chat: { id: string; kind: 'user'; name: string };
	sender: { id: string; name: string };
	isGroup: false;
	/** message_type 2 (BOT): this bot's own message. */
	fromMe: boolean;
	mentions: string[];
	mentionsMe: false;
	/** Unix seconds. */
	timestamp: number;
	timestampMs: number;
	media?: IlinkMediaReference;
	quoted?: IlinkQuote;
	/** Echo on replies to this chat (budget.ts keeps the newest per chat). */
	contextToken?: string;
	details: Record<string, unknown>;
	raw: WeixinMessage;
}

const MIME: Record<IlinkMediaKind, string> = { image: 'image/jpeg', video: 'video/mp4', voice: 'audio/silk', file: 'application/octet-stream' };

function num(v: unknown): number | undefined {
	const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
	return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function cdn(m: CdnMedia | undefined): Pick<IlinkMediaReference, 'encryptQueryParam' | 'aesKey' | 'fullUrl'> {
	const s = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
	return { encryptQueryParam: s(m?.encrypt_query_param), aesKey: s(m?.aes_key), fullUrl: s(m?.full_url) };
}

function hasMedia(m: CdnMedia | undefined): boolean {
	return !!(m && (m.encrypt_query_param || m.full_url));
}

/** The media of one item, or undefined when it has none. */
export function mediaOf(item: MessageItem, msgId: string): IlinkMediaReference | undefined {
	const base = { route: 'ilink' as const, msgId };
	if (item.type === ITEM.image && hasMedia(item.image_item?.media)) {
		const i = item.image_item ?? {};
		const hex = typeof i.aeskey === 'string' && /^[0-9a-f]{32}$/i.test(i.aeskey) ? i.aeskey : undefined;
		return { ...base, kind: 'image', ...cdn(i.media), aesKeyHex: hex, size: num(i.hd_size) ?? num(i.mid_size), mimeType: MIME.image };
	}
	if (item.type === ITEM.video && hasMedia(item.video_item?.media)) {
		const v = item.video_item ?? {};
		return { ...base, kind: 'video', ...cdn(v.media), size: num(v.video_size), mimeType: MIME.video, durationMs: num(v.play_length) };
	}
	if (item.type === ITEM.file && hasMedia(item.file_item?.media)) {
		const f = item.file_item ?? {};
		const name = typeof f.file_name === 'string' && f.file_name ? f.file_name : undefined;
		return { ...base, kind: 'file', ...cdn(f.media), fileName: name, size: num(f.len), mimeType: MIME.file };
	}
	if (item.type === ITEM.voice && hasMedia(item.voice_item?.media)) {
		const v = item.voice_item ?? {};
		return { ...base, kind: 'voice', ...cdn(v.media), mimeType: MIME.voice, encodeType: num(v.encode_type), durationMs: num(v.playtime) };
	}
	return undefined;
}

const PRIORITY: IlinkMediaKind[] = ['image', 'video', 'file', 'voice'];

function kindOf(item: MessageItem): IlinkMessageType {
	switch (item.type) {
		case ITEM.text:
			return 'text';
		case ITEM.image:
			return 'image';
		case ITEM.voice:
			return 'voice';
		case ITEM.file:
			return 'file';
		case ITEM.video:
			return 'video';
		default:
			return 'unknown';
	}
}

/** Text of an item: text items and voice transcripts. */
function itemText(item: MessageItem): string {
	if (item.type === ITEM.text) return typeof item.text_item?.text === 'string' ? item.text_item.text : '';
	if (item.type === ITEM.voice) return typeof item.voice_item?.text === 'string' ? item.voice_item.text : '';
	return '';
}

function quoteOf(items: MessageItem[], msgId: string): IlinkQuote | undefined {
	const ref = items.find((i) => i.ref_msg && typeof i.ref_msg === 'object')?.ref_msg;
	if (!ref) return undefined;
	const inner = ref.message_item && typeof ref.message_item === 'object' ? ref.message_item : undefined;
	const quote: IlinkQuote = { id: idString(ref.svr_id) ?? idString(inner?.msg_id) };
	if (typeof ref.title === 'string' && ref.title) quote.title = ref.title;
	if (inner) {
		quote.type = kindOf(inner);
		const text = itemText(inner);
		if (text) quote.text = text;
		const media = mediaOf(inner, quote.id ?? msgId);
		if (media) quote.media = media;
	}
	return quote;
}

export function normalizeMessage(raw: WeixinMessage): IlinkMessage {
	const items = Array.isArray(raw.item_list) ? raw.item_list.filter((i): i is MessageItem => !!i && typeof i === 'object') : [];
	const from = typeof raw.from_user_id === 'string' ? raw.from_user_id : '';
	const to = typeof raw.to_user_id === 'string' ? raw.to_user_id : '';
	const fromMe = raw.message_type === 2;
	const id = idString(raw.message_id) ?? idString(items[0]?.msg_id) ?? (raw.client_id ? String(raw.client_id) : `${from}:${idString(raw.seq) ?? idString(raw.create_time_ms) ?? ''}`);
	const timestampMs = num(raw.create_time_ms) ?? 0;
	const medias = items.map((i) => mediaOf(i, id)).filter((m): m is IlinkMediaReference => !!m);
	const media = PRIORITY.map((k) => medias.find((m) => m.kind === k)).find((m) => !!m);
	const text = items.map(itemText).filter(Boolean).join('\n');
	let type: IlinkMessageType = media ? media.kind : 'unknown';
	if (!media) {
		const kinds = items.map(kindOf);
		type = kinds.includes('voice') ? 'voice' : kinds.includes('text') ? 'text' : (kinds.find((k) => k !== 'unknown') ?? 'unknown');
	}
	const peer = fromMe ? to : from;
	const message: IlinkMessage = {
		route: 'ilink',
		id,
		type,
		text,
		chat: { id: peer, kind: 'user', name: '' },
		sender: { id: from, name: '' },
		isGroup: false,
		fromMe,
		mentions: [],
		mentionsMe: false,
		timestamp: Math.floor(timestampMs / 1000),
		timestampMs,
		details: {},
		raw,
	};
	if (media) message.media = media;
	const quoted = quoteOf(items, id);
	if (quoted) message.quoted = quoted;
	if (typeof raw.context_token === 'string' && raw.context_token) message.contextToken = raw.context_token;
	if (raw.group_id) message.details.groupId = raw.group_id;
	if (raw.session_id) message.details.sessionId = raw.session_id;
	if (raw.seq !== undefined) message.details.seq = idString(raw.seq);
	if (media?.kind === 'file' && media.fileName) message.details.fileName = media.fileName;
	return message;
}

/**
 * The message as output may show it (command line, n8n items): without the
 * conversation's context_token, which authorizes replies and stays with the
 * session (the send budget keeps it), neither on the message nor in `raw`.
 */
export function publicMessage(message: IlinkMessage): Omit<IlinkMessage, 'contextToken'> {
	const rest: Partial<IlinkMessage> = { ...message };
	delete rest.contextToken;
	const raw: Partial<WeixinMessage> = { ...message.raw };
	delete raw.context_token;
	// The media keys are on `media` (what a download needs); raw need not carry them a second time.
	if (Array.isArray(raw.item_list)) raw.item_list = raw.item_list.map(withoutKeys) as WeixinMessage['item_list'];
	return { ...(rest as Omit<IlinkMessage, 'contextToken'>), raw: raw as WeixinMessage };
}

const KEY_FIELDS = new Set(['aes_key', 'aeskey', 'encrypt_query_param']);

/** A copy of a raw item without AES keys or CDN parameters, at any depth. */
function withoutKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutKeys);
	if (!value || typeof value !== 'object') return value;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(value)) if (!KEY_FIELDS.has(k)) out[k] = withoutKeys(v);
	return out;
}
