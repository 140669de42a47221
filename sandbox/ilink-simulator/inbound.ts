/**
 * What the owner writes to the bot (`ownerSends`): a WeixinMessage as in
 * ilink-protocol.md §4 — text, image, voice (+ transcript), file, video, a
 * quote — with a fresh context_token, queued for getupdates.
 */

import type { InjectedMessage, OwnerMedia, OwnerMessageSpec } from './api';
import { encodeAesKey, md5Hex, opaque, randomHex, randomKey } from './crypto';
import { cdnPut, downloadUrl } from './media';
import type { Conversation, SimState } from './state';

interface Built {
	item: Record<string, unknown>;
	param?: string;
	key?: Buffer;
}

function cdnMedia(state: SimState, m: OwnerMedia, defaultEncoding: 'raw' | 'hex'): { media: Record<string, unknown>; key?: Buffer; param: string; size: number } {
	const key = m.plain ? undefined : randomKey();
	const param = cdnPut(state, m.bytes, key ?? null);
	const size = state.cdn.get(param)!.cipher.length;
	const media: Record<string, unknown> = { encrypt_query_param: param, encrypt_type: 1 };
	if (key) media.aes_key = encodeAesKey(key, m.keyEncoding ?? defaultEncoding);
	if (state.opts.fullUrls) media.full_url = downloadUrl(state, param);
	return { media, key, param, size };
}

function items(state: SimState, spec: OwnerMessageSpec): Built[] {
	const out: Built[] = [];
	if (spec.text !== undefined) out.push({ item: { type: 1, text_item: { text: spec.text } } });
	if (spec.image) {
		const c = cdnMedia(state, spec.image, 'raw');
		const image: Record<string, unknown> = { media: c.media, mid_size: c.size };
		if (c.key && spec.image.imageHexKey !== false) image.aeskey = c.key.toString('hex');
		out.push({ item: { type: 2, image_item: image }, param: c.param, key: c.key });
	}
	if (spec.voice) {
		const c = cdnMedia(state, spec.voice, 'hex');
		const voice: Record<string, unknown> = { media: c.media, encode_type: 6, bits_per_sample: 16, sample_rate: 24000, playtime: spec.voice.playtimeMs ?? 3000 };
		if (spec.voice.transcript !== undefined) voice.text = spec.voice.transcript;
		out.push({ item: { type: 3, voice_item: voice }, param: c.param, key: c.key });
	}
	if (spec.file) {
		const c = cdnMedia(state, spec.file, 'hex');
		const file = { media: c.media, file_name: spec.file.fileName, md5: md5Hex(spec.file.bytes), len: String(spec.file.bytes.length) };
		out.push({ item: { type: 4, file_item: file }, param: c.param, key: c.key });
	}
	if (spec.video) {
		const c = cdnMedia(state, spec.video, 'hex');
		const video = { media: c.media, video_size: c.size, play_length: spec.video.playLengthS ?? 5, video_md5: md5Hex(spec.video.bytes) };
		out.push({ item: { type: 5, video_item: video }, param: c.param, key: c.key });
	}
	if (out.length === 0) throw new Error('ownerSends needs text, image, voice, file or video');
	return out;
}

function refMsg(conv: Conversation, spec: NonNullable<OwnerMessageSpec['quote']>): Record<string, unknown> {
	const id = spec.messageId ?? conv.lastMessageId;
	const quoted = id === undefined ? undefined : conv.messages.get(id);
	if (!id || !quoted) throw new Error(`Nothing to quote${id ? ` (no message ${id} in this conversation)` : ''}`);
	const svrId = BigInt(id);
	if (spec.idOnly) return { svr_id: svrId };
	const first = { ...((quoted.item_list as Array<Record<string, unknown>>)[0] ?? {}) };
	delete first.ref_msg;
	const text = (first.text_item as { text?: string } | undefined)?.text;
	return { message_item: first, title: spec.title ?? text ?? '', svr_id: svrId };
}

export function ownerSends(state: SimState, input: OwnerMessageSpec | string): InjectedMessage {
	const spec: OwnerMessageSpec = typeof input === 'string' ? { text: input } : input;
	const bot = state.bot;
	if (!bot) throw new Error('No bot is bound (confirm a QR login or call bind() first)');
	const from = spec.from ?? bot.ownerId;
	const conv = state.conversation(bot, from);
	const now = state.now();
	const messageId = state.messageId();
	const built = items(state, spec);
	for (const b of built) Object.assign(b.item, { create_time_ms: now, update_time_ms: now, is_completed: true, msg_id: messageId });
	if (spec.quote) built[0].item.ref_msg = refMsg(conv, spec.quote);
	const contextToken = opaque('AARzJW', 30);
	const seq = ++bot.seq;
	const message: Record<string, unknown> = {
		seq,
		message_id: messageId,
		from_user_id: from,
		to_user_id: bot.botId,
		client_id: randomHex(16),
		create_time_ms: now,
		update_time_ms: now,
		session_id: '',
		group_id: '',
		message_type: 1,
		message_state: 2,
		context_token: contextToken,
		item_list: built.map((b) => b.item),
	};
	conv.lastOwnerAt = now;
	conv.sendsSinceOwner = 0;
	conv.contextTokens.add(contextToken);
	conv.messages.set(messageId.toString(), message);
	conv.lastMessageId = messageId.toString();
	bot.queue.push({ seq, message });
	state.holds.notify();
	const media = built.find((b) => b.param);
	return { messageId: messageId.toString(), seq, contextToken, encryptQueryParam: media?.param, aesKey: media?.key };
}
