/**
 * sendmessage (ilink-protocol.md §5): one item per request, `from_user_id:""`,
 * message_type 2 (BOT), message_state 2 (FINISH), the chat's context_token,
 * a client_id `openclaw-weixin:<ms>-<8 hex>`. `{}` is success; a non-zero
 * `ret` or `errcode` is an error (-14 stale, -2 throttled until …).
 */
import type { Clock } from '../wechat/clock';
import { InvalidInputError } from './errors';
import type { IlinkHttp } from './http';
import { API_TIMEOUT_MS, checkEnvelope } from './http';
import { idString } from './json';
import type { MessageItem } from './messages';
import type { IlinkSession } from './session';

/** Outbound text is cut into pieces of at most this many characters (§5). */
export const TEXT_CHUNK = 4000;
export const CLIENT_ID_PREFIX = 'openclaw-weixin';

export interface SentMessage {
	clientId: string;
	/** The server's message_id (exact uint64 string) when it answered one. */
	messageId?: string;
}

export function clientId(clock: Clock, prefix = CLIENT_ID_PREFIX): string {
	let hex = '';
	for (let i = 0; i < 4; i++) hex += Math.floor(clock.random() * 256).toString(16).padStart(2, '0');
	return `${prefix}:${Math.floor(clock.now())}-${hex}`;
}

/** Text in pieces of ≤ 4000 characters (code points; a surrogate pair is never split). */
export function chunkText(text: string, size = TEXT_CHUNK): string[] {
	const chars = Array.from(text);
	const out: string[] = [];
	for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
	return out;
}

export function textItem(text: string): MessageItem {
	return { type: 1, text_item: { text } };
}

export interface SendItemOptions {
	signal?: AbortSignal;
	contextToken?: string;
	/** ms a ret -2 blocks further sends (budget.ts). */
	throttleMs: number;
	clientId?: string;
}

/** POST sendmessage with one item. */
export async function sendItem(http: IlinkHttp, session: IlinkSession, to: string, item: MessageItem, opts: SendItemOptions): Promise<SentMessage> {
	if (!to) throw new InvalidInputError('No recipient given.', 'Use the ilink_user_id of the chat (…@im.wechat).');
	const id = opts.clientId ?? clientId(http.clock);
	const body = {
		msg: {
			from_user_id: '',
			to_user_id: to,
			client_id: id,
			message_type: 2,
			message_state: 2,
			context_token: opts.contextToken,
			item_list: [item],
		},
	};
	const data = await http.post<{ ret?: unknown; errcode?: unknown; errmsg?: unknown; message_id?: unknown }>(session.baseUrl, 'ilink/bot/sendmessage', body, {
		token: session.botToken,
		signal: opts.signal,
		timeoutMs: API_TIMEOUT_MS,
		secrets: opts.contextToken ? [opts.contextToken] : [],
	});
	checkEnvelope('sendmessage', data, { now: http.clock.now(), throttleMs: opts.throttleMs });
	const messageId = idString(data.message_id);
	return messageId ? { clientId: id, messageId } : { clientId: id };
}
