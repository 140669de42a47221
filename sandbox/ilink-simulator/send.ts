/**
 * `ilink/bot/sendmessage` (ilink-protocol.md §5, §10): one item per request,
 * the context_token of that conversation, the 24 h window, the per-owner-
 * message quota, the opt-in cumulative limiter, media that must be on the CDN
 * and decrypt with the item's aes_key, voice accepted and dropped.
 */

import type { SentMessage } from './api';
import { checkBotCall, PARAM_ERROR, refuse } from './checks';
import { decodeAesKey } from './crypto';
import type { Exchange } from './exchange';
import type { Bot, Conversation, SimState } from './state';
import { isRecord, plainJson } from './wire-json';

const DAY = 24 * 60 * 60 * 1000;
const MEDIA_FIELD: Record<number, string> = { 2: 'image_item', 4: 'file_item', 5: 'video_item' };
/** `ret:-2` with an empty errmsg, as in Tencent/openclaw-weixin#204 and #225. */
const REFUSED = { ret: -2, errmsg: '' };

type Verdict = { ok: true; media?: Buffer } | { ok: false; reason: string; answer: Record<string, unknown> };

/** The conversation policy (§10 rows `-2`): never wrote, foreign token, window, quota, limiter. */
function policy(state: SimState, conv: Conversation | undefined, token: string): Verdict {
	const now = state.now();
	const no = (reason: string, answer: Record<string, unknown> = REFUSED): Verdict => ({ ok: false, reason, answer });
	if (!conv || conv.lastOwnerAt === undefined) return no('the user never wrote to the bot');
	if (!conv.contextTokens.has(token)) return no('context_token was not issued to this conversation');
	if (now - conv.lastOwnerAt > (state.opts.replyWindowMs ?? DAY)) return no('24-hour window since the last owner message is over');
	if (conv.sendsSinceOwner >= (state.opts.sendsPerOwnerMessage ?? 10)) return no('send quota per owner message used up');
	const limit = state.opts.rateLimit;
	if (limit) {
		if (conv.blockedUntil !== undefined && now < conv.blockedUntil) return no('rate limited (penalty)', { ret: -2, errmsg: 'rate limited' });
		conv.sendTimes = conv.sendTimes.filter((t) => now - t < limit.windowMs);
		if (conv.sendTimes.length >= limit.max) {
			conv.blockedUntil = now + limit.penaltyMs;
			return no('rate limited', { ret: -2, errmsg: 'rate limited' });
		}
	}
	return { ok: true };
}

/** Image/file/video: the CDN object named by encrypt_query_param, decrypted with the item's aes_key. */
function mediaOf(state: SimState, item: Record<string, unknown>, type: number): Verdict {
	const field = item[MEDIA_FIELD[type]];
	const media = isRecord(field) ? field.media : undefined;
	if (!isRecord(media) || typeof media.encrypt_query_param !== 'string') return { ok: false, reason: `${MEDIA_FIELD[type]}.media.encrypt_query_param missing`, answer: REFUSED };
	const obj = state.cdn.get(media.encrypt_query_param);
	if (!obj) return { ok: false, reason: 'encrypt_query_param names no uploaded file', answer: REFUSED };
	const key = typeof media.aes_key === 'string' ? decodeAesKey(media.aes_key) : undefined;
	if (!key || !obj.key || !key.equals(obj.key)) return { ok: false, reason: 'aes_key does not decode to the key the file was uploaded with', answer: REFUSED };
	return { ok: true, media: obj.plain };
}

function successAnswer(state: SimState, id: bigint): Record<string, unknown> {
	if (state.opts.sendAnswer === 'withId') return { ret: 0, message_id: id };
	return state.opts.sendAnswer === 'ret0' ? { ret: 0 } : {};
}

function warnShape(ex: Exchange, msg: Record<string, unknown>): void {
	const w = ex.record.warnings;
	if (msg.from_user_id !== '') w.push('msg.from_user_id is not "" (the official client sends "")');
	if (msg.message_type !== 2) w.push('msg.message_type is not 2 (BOT)');
	if (msg.message_state !== 2) w.push('msg.message_state is not 2 (FINISH)');
	if (typeof msg.client_id !== 'string' || !msg.client_id) w.push('msg.client_id missing');
}

export function sendMessage(state: SimState, ex: Exchange): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	const msg = call.body.msg;
	if (!isRecord(msg)) return void refuse(ex, 'msg missing', PARAM_ERROR);
	const to = msg.to_user_id;
	if (typeof to !== 'string' || !to) return void refuse(ex, 'msg.to_user_id missing', PARAM_ERROR);
	const list = msg.item_list;
	if (!Array.isArray(list) || list.length !== 1 || !isRecord(list[0]) || typeof list[0].type !== 'number') {
		return void refuse(ex, 'msg.item_list must hold exactly one item with a numeric type', PARAM_ERROR);
	}
	warnShape(ex, msg);
	const item = list[0];
	const type = item.type as number;
	const token = typeof msg.context_token === 'string' ? msg.context_token : '';
	const record: SentMessage = {
		at: state.now(),
		toUserId: to,
		contextToken: token || undefined,
		clientId: typeof msg.client_id === 'string' ? msg.client_id : undefined,
		item: plainJson(item),
		itemType: type,
		answer: {},
		delivered: false,
	};
	state.sent.push(record);
	const text = isRecord(item.text_item) && typeof item.text_item.text === 'string' ? item.text_item.text : undefined;
	if (type === 1 && !text) return void finish(ex, record, { ok: false, reason: 'text_item.text missing', answer: PARAM_ERROR });
	if (text !== undefined && text.length > 4000) ex.record.warnings.push('text longer than 4000 chars (the official client splits at 4000)');
	record.text = text;
	if (isRecord(item.file_item) && typeof item.file_item.file_name === 'string') record.fileName = item.file_item.file_name;

	const bot = call.bot;
	const conv = bot.conversations.get(to);
	if (!token) return void finish(ex, record, { ok: false, reason: 'no context_token: accepted and silently discarded (openclaw-weixin#247)', answer: successAnswer(state, state.messageId()) });
	const verdict = policy(state, conv, token);
	if (!verdict.ok) return void finish(ex, record, verdict);
	if (type === 3) return void finish(ex, record, { ok: false, reason: 'voice: accepted and silently dropped (openclaw-weixin#78)', answer: successAnswer(state, state.messageId()) });
	if (MEDIA_FIELD[type]) {
		const m = mediaOf(state, item, type);
		if (!m.ok) return void finish(ex, record, m);
		record.media = m.media;
	}
	deliver(state, bot, conv!, record);
	finish(ex, record, { ok: true });
}

function deliver(state: SimState, bot: Bot, conv: Conversation, record: SentMessage): void {
	const id = state.messageId();
	record.messageId = id.toString();
	record.delivered = true;
	record.answer = successAnswer(state, id);
	conv.sendsSinceOwner++;
	conv.sendTimes.push(record.at);
	conv.messages.set(id.toString(), { message_id: id, from_user_id: bot.botId, to_user_id: conv.userId, message_type: 2, item_list: [record.item] });
}

function finish(ex: Exchange, record: SentMessage, verdict: Verdict): void {
	if (!verdict.ok) {
		record.reason = verdict.reason;
		record.answer = verdict.answer;
		if (verdict.answer.ret !== undefined && verdict.answer.ret !== 0) ex.record.rejection = verdict.reason;
	}
	ex.json(record.answer);
	record.answer = plainJson(record.answer);
}
