/**
 * What the owner's phone shows of the bot (the page at `/__sim/`, phone-page.ts):
 * the QR login as the phone sees it (the pair code it displays), the chat with
 * the bot (the owner's messages and every send the bot attempted, refused ones
 * with the reason), and the budget as the service counts it (window, sends
 * left). Read-only: every action of the page goes through the existing controls
 * (`qr/scan`, `qr/verify-code`, `qr/confirm`, `owner-sends`, `clock/advance`).
 */

import type { QrStatus } from './api';
import { qrInfos } from './login';
import type { SimState } from './state';
import { isRecord } from './wire-json';

const DAY = 24 * 60 * 60 * 1000;
const KINDS: Record<number, ChatEntry['kind']> = { 1: 'text', 2: 'image', 3: 'voice', 4: 'file', 5: 'video' };
const MEDIA_FIELD: Record<number, string> = { 2: 'image_item', 3: 'voice_item', 4: 'file_item', 5: 'video_item' };

export interface ChatEntry {
	from: 'owner' | 'bot';
	/** Service clock. */
	at: number;
	kind: 'text' | 'image' | 'voice' | 'file' | 'video' | 'other';
	text?: string;
	fileName?: string;
	/** `/__sim/file/<param>`: the plaintext bytes, for a thumbnail or a download. */
	fileUrl?: string;
	/** Bot sends only: whether WeChat delivered it, and why not. */
	delivered?: boolean;
	reason?: string;
}

export interface PhoneView {
	/** Service clock, and how far it was advanced past the wall clock. */
	now: number;
	clockAdvancedMs: number;
	/** The newest QR code and what the phone shows for it. */
	login?: { qrcode: string; status: QrStatus; createdAt: number; expiresAt: number; pairCode?: string; wrongCodes: number };
	bot?: { botId: string; ownerId: string; stale: boolean; online: boolean };
	/** The owner's conversation as the service counts it (sendmessage's `ret -2` rules). */
	budget?: { lastOwnerAt?: number; windowClosesAt?: number; windowOpen: boolean; sendsPerOwnerMessage: number; sendsLeft: number; blockedUntil?: number };
	typing: boolean;
	chat: ChatEntry[];
}

function entryOf(item: Record<string, unknown>): Omit<ChatEntry, 'from' | 'at'> {
	const type = typeof item.type === 'number' ? item.type : 0;
	const out: Omit<ChatEntry, 'from' | 'at'> = { kind: KINDS[type] ?? 'other' };
	const textItem = item.text_item;
	if (isRecord(textItem) && typeof textItem.text === 'string') out.text = textItem.text;
	const field = item[MEDIA_FIELD[type] ?? ''];
	if (isRecord(field)) {
		if (typeof field.file_name === 'string') out.fileName = field.file_name;
		if (type === 3 && typeof field.text === 'string') out.text = field.text;
		const media = field.media;
		if (isRecord(media) && typeof media.encrypt_query_param === 'string' && type !== 3) out.fileUrl = `/__sim/file/${encodeURIComponent(media.encrypt_query_param)}`;
	}
	return out;
}

export function phoneView(state: SimState): PhoneView {
	const now = state.now();
	const view: PhoneView = { now, clockAdvancedMs: state.clockOffset, typing: false, chat: [] };
	const qrs = [...state.qrs.values()];
	const newest = qrs[qrs.length - 1];
	if (newest) {
		const status = qrInfos(state).find((q) => q.qrcode === newest.qrcode)?.status ?? newest.status;
		view.login = {
			qrcode: newest.qrcode,
			status,
			createdAt: newest.createdAt,
			expiresAt: newest.createdAt + (state.opts.qrLifetimeMs ?? 300_000),
			// The phone shows the number the client must type in (P§2.2 need_verifycode).
			pairCode: status === 'need_verifycode' ? newest.verifyCode : undefined,
			wrongCodes: newest.wrongCodes,
		};
	}
	const bot = state.bot;
	if (!bot) return view;
	view.bot = { botId: bot.botId, ownerId: bot.ownerId, stale: bot.stale, online: bot.online };
	const conv = bot.conversations.get(bot.ownerId);
	const quota = state.opts.sendsPerOwnerMessage ?? 10;
	const windowMs = state.opts.replyWindowMs ?? DAY;
	const closes = conv?.lastOwnerAt === undefined ? undefined : conv.lastOwnerAt + windowMs;
	view.budget = {
		lastOwnerAt: conv?.lastOwnerAt,
		windowClosesAt: closes,
		windowOpen: closes !== undefined && now - (conv?.lastOwnerAt ?? 0) <= windowMs,
		sendsPerOwnerMessage: quota,
		sendsLeft: Math.max(0, quota - (conv?.sendsSinceOwner ?? 0)),
		blockedUntil: conv?.blockedUntil !== undefined && conv.blockedUntil > now ? conv.blockedUntil : undefined,
	};
	view.typing = conv?.typing ?? false;

	const owner: ChatEntry[] = [];
	for (const m of conv?.messages.values() ?? []) {
		if (m.from_user_id !== bot.ownerId) continue;
		const at = typeof m.create_time_ms === 'number' ? m.create_time_ms : 0;
		for (const item of (m.item_list as unknown[]) ?? []) if (isRecord(item)) owner.push({ from: 'owner', at, ...entryOf(item) });
	}
	const sent: ChatEntry[] = state.sent
		.filter((s) => s.toUserId === bot.ownerId)
		.map((s) => {
			const e: ChatEntry = { from: 'bot', at: s.at, ...entryOf(s.item), delivered: s.delivered };
			if (!s.delivered) {
				delete e.fileUrl;
				e.reason = s.reason;
			}
			return e;
		});
	// Both lists are in order; merged by time, the owner's message first at the same millisecond.
	let i = 0;
	let j = 0;
	while (i < owner.length || j < sent.length) {
		if (j >= sent.length || (i < owner.length && owner[i].at <= sent[j].at)) view.chat.push(owner[i++]);
		else view.chat.push(sent[j++]);
	}
	return view;
}

/** The plaintext of a CDN file for the page: images as themselves (never sniffed), the rest as a download. */
export function phoneFile(state: SimState, param: string): { bytes: Buffer; contentType: string } | undefined {
	const obj = state.cdn.get(param);
	if (!obj) return undefined;
	const b = obj.plain;
	const type =
		b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
			? 'image/png'
			: b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff
				? 'image/jpeg'
				: b.subarray(0, 4).toString('latin1') === 'GIF8'
					? 'image/gif'
					: b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'
						? 'image/webp'
						: 'application/octet-stream';
	return { bytes: b, contentType: type };
}
