/**
 * App messages, MsgType 49, by AppMsgType (protocol.md §3.4).
 */
import type { MessageType } from '../types';
import { decodeXmlEntities, parseXml, xmlAttr, xmlChild, xmlList, xmlText } from '../xml';
import { mediaReference, toSize } from './media';
import { num, put, str, type ParseInput, type Parsed } from './parsed';
import { cleanText, unescapeXmlContent } from './text';

export const APP_MSG_TYPE = {
	NOTE: 0,
	TEXT: 1,
	IMG: 2,
	MUSIC: 3,
	VIDEO: 4,
	URL: 5,
	ATTACH: 6,
	OPEN: 7,
	EMOJI: 8,
	VOICE_REMIND: 9,
	SCAN_GOOD: 10,
	GOOD: 13,
	EMOTION: 15,
	CARD_TICKET: 16,
	REALTIME_SHARE_LOCATION: 17,
	CHAT_HISTORY: 19,
	MINI_PROGRAM: 33,
	MINI_PROGRAM_APP: 36,
	CHANNELS: 51,
	GROUP_NOTE: 53,
	QUOTE: 57,
	TRANSFERS: 2000,
	RED_ENVELOPES: 2001,
	READER_TYPE: 100001,
} as const;

/** AppMsgType → [MessageType, details.appKind]. */
const APP_KINDS = new Map<number, readonly [MessageType, string]>([
	[0, ['app', 'note']],
	[1, ['app', 'text']],
	[2, ['app', 'image']],
	[3, ['music', 'music']],
	[4, ['link', 'video']],
	[5, ['link', 'link']],
	[6, ['file', 'file']],
	[7, ['link', 'open']],
	[8, ['emoticon', 'sticker']],
	[9, ['app', 'voiceRemind']],
	[10, ['app', 'product']],
	[13, ['app', 'product']],
	[15, ['app', 'emotionShare']],
	[16, ['app', 'coupon']],
	[17, ['app', 'locationShare']],
	[19, ['app', 'chatHistory']],
	[33, ['miniProgram', 'miniProgram']],
	[36, ['miniProgram', 'miniProgram']],
	[51, ['app', 'channels']],
	[53, ['app', 'groupNote']],
	// A reply is a text message that quotes another one.
	[57, ['text', 'quote']],
	[2000, ['app', 'transfer']],
	[2001, ['app', 'redPacket']],
	[100001, ['link', 'reader']],
]);

/** Parse an app message. XML is parsed here only (and capped by parseXml's length limit). */
export function parseApp(input: ParseInput): Parsed {
	const { raw, id, body } = input;
	const doc = body ? parseXml(unescapeXmlContent(body)) : null;
	const msg = xmlChild(doc, 'msg') ?? doc;
	const appmsg = xmlChild(msg, 'appmsg');
	const rawAppType = num(raw.AppMsgType);
	const xmlType = num(xmlText(appmsg, 'type'));
	let appType = rawAppType > 0 ? rawAppType : xmlType;
	// A link share that carries mmreader items is a public-account push (OFF renders it as 100001).
	if (appType === APP_MSG_TYPE.URL && xmlChild(appmsg, 'mmreader', 'category') !== undefined) {
		appType = APP_MSG_TYPE.READER_TYPE;
	}
	const [type, appKind] = APP_KINDS.get(appType) ?? (['app', 'unknown'] as const);

	const title = xmlText(appmsg, 'title') || cleanText(str(raw.FileName));
	const description = xmlText(appmsg, 'des');
	const url = xmlText(appmsg, 'url') || decodeXmlEntities(str(raw.Url));
	const details: Record<string, unknown> = { appType, appKind };
	put(details, 'title', title);
	put(details, 'description', description);
	put(details, 'url', url);
	put(details, 'thumbUrl', xmlText(appmsg, 'thumburl'));
	put(details, 'appId', xmlAttr(appmsg, 'appid') || str(raw.AppInfo?.AppID));
	put(details, 'appName', xmlText(msg, 'appinfo', 'appname') || xmlText(appmsg, 'sourcedisplayname'));

	const out: Parsed = { type, text: title, details };
	switch (appType) {
		case APP_MSG_TYPE.ATTACH: {
			const fileExt = xmlText(appmsg, 'appattach', 'fileext');
			const totalLen = toSize(xmlText(appmsg, 'appattach', 'totallen'));
			put(details, 'fileExt', fileExt);
			put(details, 'totalLen', totalLen);
			put(details, 'attachId', xmlText(appmsg, 'appattach', 'attachid'));
			const fileName = cleanText(str(raw.FileName)) || title;
			out.media = mediaReference('file', raw, id, {
				fileName,
				size: toSize(raw.FileSize) ?? totalLen,
				ext: fileExt,
			});
			out.text = fileName;
			break;
		}
		case APP_MSG_TYPE.EMOJI:
			out.media = mediaReference('emoticon', raw, id, { size: toSize(xmlText(appmsg, 'appattach', 'totallen')) });
			break;
		case APP_MSG_TYPE.MUSIC:
			Object.assign(details, texts(appmsg, { dataUrl: 'dataurl', lowUrl: 'lowurl', lowDataUrl: 'lowdataurl' }));
			break;
		case APP_MSG_TYPE.MINI_PROGRAM:
		case APP_MSG_TYPE.MINI_PROGRAM_APP: {
			const mp = texts(xmlChild(appmsg, 'weappinfo'), { userName: 'username', appId: 'appid', pagePath: 'pagepath', iconUrl: 'weappiconurl' });
			put(mp, 'sourceName', xmlText(appmsg, 'sourcedisplayname'));
			details.miniProgram = mp;
			break;
		}
		case APP_MSG_TYPE.QUOTE: {
			const ref = xmlChild(appmsg, 'refermsg');
			const refer: Record<string, unknown> = {};
			put(refer, 'type', num(xmlText(ref, 'type')) || undefined);
			// svrid is the quoted message's MsgId: kept as a string (64-bit).
			details.refer = { ...refer, ...texts(ref, { msgId: 'svrid', fromUser: 'fromusr', chatUser: 'chatusr', displayName: 'displayname', content: 'content' }) };
			break;
		}
		case APP_MSG_TYPE.TRANSFERS: {
			const pay = xmlChild(appmsg, 'wcpayinfo');
			put(details, 'feeDesc', xmlText(pay, 'feedesc'));
			put(details, 'payMemo', xmlText(pay, 'pay_memo'));
			put(details, 'paySubType', num(xmlText(pay, 'paysubtype')) || undefined);
			put(details, 'transferId', xmlText(pay, 'transferid'));
			// IT: the description up to the first 。 ("收到转账0.01元。如需收钱…").
			const cut = description.indexOf('。');
			out.text = (cut === -1 ? description : description.slice(0, cut)) || title;
			break;
		}
		case APP_MSG_TYPE.RED_ENVELOPES: {
			const pay = xmlChild(appmsg, 'wcpayinfo');
			put(details, 'senderTitle', xmlText(pay, 'sendertitle'));
			put(details, 'receiverTitle', xmlText(pay, 'receivertitle'));
			out.text = description || title;
			break;
		}
		case APP_MSG_TYPE.READER_TYPE: {
			const items = xmlList(appmsg, 'mmreader', 'category', 'item').map((item) => {
				const o: Record<string, unknown> = {};
				put(o, 'title', xmlText(item, 'title'));
				put(o, 'url', xmlText(item, 'url'));
				put(o, 'cover', xmlText(item, 'cover'));
				put(o, 'digest', xmlText(item, 'digest'));
				put(o, 'pubTime', num(xmlText(item, 'pub_time')) || undefined);
				return o;
			});
			put(details, 'items', items);
			if (!title && items.length > 0 && typeof items[0].title === 'string') out.text = items[0].title;
			break;
		}
		case APP_MSG_TYPE.CHANNELS: {
			const feed = xmlChild(appmsg, 'finderFeed');
			put(details, 'finderNickName', xmlText(feed, 'nickname'));
			put(details, 'finderDescription', xmlText(feed, 'desc'));
			if (!title) out.text = xmlText(feed, 'desc');
			break;
		}
		default:
			break;
	}
	return out;
}

/** The non-empty texts of `node`'s children, under our names: `{ ourName: 'xmltag' }`. */
function texts(node: unknown, names: Record<string, string>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, tag] of Object.entries(names)) put(out, key, xmlText(node, tag));
	return out;
}
