/**
 * Raw webwxsync AddMsg → WeChatMessage. Pure; the hot path of the product:
 * no XML parsing for text, no Content work beyond what the type needs.
 */
import type { MessageType, PersonRef, RawAddMsg, WeChatMessage } from '../types';
import { parseApp } from './app';
import { chatRef, memberRef, selfNameIn } from './chat';
import { classify, MSG_TYPE } from './classify';
import type { NormalizeContext } from './context';
import { splitGroupSender } from './group';
import { parseLocation } from './location';
import { parseEmoticon, parseImage, parseVideo, parseVoice } from './mediaMessages';
import { extractMentions, mentionsName } from './mentions';
import { num, str, type ParseInput, type Parsed } from './parsed';
import { parseCard, parseFriendRequest } from './recommend';
import { parseStatusNotify } from './status';
import { parseRecalled, parseSystem } from './system';
import { cleanText } from './text';

const EMPTY_RAW = {} as RawAddMsg;

function parseText(input: ParseInput): Parsed {
	return { type: 'text', text: cleanText(input.body), details: {} };
}

function parseVoip(input: ParseInput): Parsed {
	return { type: 'voip', text: '', details: { msgType: input.msgType } };
}

function parseUnknown(input: ParseInput): Parsed {
	const { body } = input;
	// Keep readable text; XML-looking payloads stay in raw only.
	const plain = body.indexOf('<') === -1 && body.indexOf('&lt;') === -1;
	return { type: 'unknown', text: plain ? cleanText(body) : '', details: { msgType: input.msgType } };
}

const PARSERS: Record<MessageType, (input: ParseInput) => Parsed> = {
	text: parseText,
	location: parseLocation,
	image: parseImage,
	voice: parseVoice,
	video: parseVideo,
	microvideo: parseVideo,
	emoticon: parseEmoticon,
	app: parseApp,
	file: parseApp,
	link: parseApp,
	music: parseApp,
	miniProgram: parseApp,
	friendRequest: parseFriendRequest,
	card: parseCard,
	statusNotify: parseStatusNotify,
	system: parseSystem,
	revoke: parseRecalled,
	voip: parseVoip,
	unknown: parseUnknown,
};

/** System notices carry no author prefix; anything else in a group may. */
function mayHaveSenderPrefix(msgType: number): boolean {
	return msgType !== MSG_TYPE.SYS && msgType !== MSG_TYPE.SYS_NOTICE;
}

export function normalizeMessage(raw: RawAddMsg, ctx: NormalizeContext): WeChatMessage {
	const r = raw && typeof raw === 'object' ? raw : EMPTY_RAW;
	const id = str(r.MsgId);
	const msgType = num(r.MsgType);
	const from = str(r.FromUserName);
	const content = str(r.Content);
	const fromMe = from === '' || from === ctx.selfUserName;
	const chat = chatRef(fromMe ? str(r.ToUserName) : from, ctx);
	const isGroup = chat.kind === 'group';

	let body = content;
	let authorId = '';
	// My own messages are never prefixed; a text I typed may legitimately start with "x:\n".
	if (isGroup && !fromMe && mayHaveSenderPrefix(msgType)) {
		const split = splitGroupSender(content);
		if (split) {
			authorId = split.sender;
			body = split.body;
		}
	}

	let base = classify(msgType, num(r.SubMsgType), str(r.Url), body);
	// OFF: a text message with AppMsgType 2001 is a red packet app message.
	if (msgType === MSG_TYPE.TEXT && num(r.AppMsgType) === 2001) base = 'app';
	const parsed = PARSERS[base]({ raw: r, id, msgType, body, ctx });

	let sender: PersonRef;
	if (fromMe) sender = { id: ctx.selfUserName, name: selfNameIn(isGroup ? chat.id : undefined, ctx) };
	else if (parsed.sender) sender = parsed.sender;
	else if (isGroup) sender = authorId ? memberRef(chat.id, authorId, ctx) : { id: chat.id, name: chat.name };
	else sender = { id: from, name: chat.name };

	let mentions: string[] = [];
	let mentionsMe = false;
	if (isGroup && parsed.type === 'text' && parsed.text.indexOf('@') !== -1) {
		const me = selfNameIn(chat.id, ctx);
		mentions = extractMentions(parsed.text, [me]);
		mentionsMe = mentions.includes(me) || mentionsName(parsed.text, me);
	}

	const msg: WeChatMessage = {
		id,
		type: parsed.type,
		text: parsed.text,
		chat,
		sender,
		isGroup,
		fromMe,
		mentions,
		mentionsMe,
		timestamp: num(r.CreateTime),
		details: parsed.details,
		raw,
	};
	if (parsed.media) msg.media = parsed.media;
	return msg;
}
