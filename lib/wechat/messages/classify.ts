/**
 * MsgType → MessageType (protocol.md §3.2). App messages (49) and system XML
 * are refined later by app.ts / system.ts; this is the first, cheap cut.
 */
import type { MessageType } from '../types';

export const MSG_TYPE = {
	TEXT: 1,
	IMAGE: 3,
	VOICE: 34,
	VERIFY: 37,
	POSSIBLE_FRIEND: 40,
	CARD: 42,
	VIDEO: 43,
	VIDEO_IPHONE: 44,
	EMOTICON: 47,
	LOCATION: 48,
	APP: 49,
	VOIP_MSG: 50,
	STATUS_NOTIFY: 51,
	VOIP_NOTIFY: 52,
	VOIP_INVITE: 53,
	MICRO_VIDEO: 62,
	SYS_NOTICE: 9999,
	SYS: 10000,
	RECALLED: 10002,
} as const;

/** SubMsgType of a text message that is a location share. */
export const SUB_MSG_TYPE_LOCATION = 48;

const BY_MSG_TYPE = new Map<number, MessageType>([
	[1, 'text'],
	[3, 'image'],
	[34, 'voice'],
	[37, 'friendRequest'],
	[42, 'card'],
	[43, 'video'],
	[44, 'video'],
	[47, 'emoticon'],
	[48, 'location'],
	[49, 'app'],
	[50, 'voip'],
	[51, 'statusNotify'],
	[52, 'voip'],
	[53, 'voip'],
	[62, 'microvideo'],
	[9999, 'system'],
	[10000, 'system'],
	[10002, 'revoke'],
	// 40 (possible friend) and the internal MM_DATA_* values fall through to 'unknown'.
]);

/**
 * The base type of a raw message. Text with SubMsgType 48 is a location (OFF);
 * IT also treats text with a `Url` as one — we require the map link in Content
 * too, because plain text never has a Url.
 */
export function classify(msgType: number, subMsgType: number, url: string, content: string): MessageType {
	if (msgType === MSG_TYPE.TEXT) {
		if (subMsgType === SUB_MSG_TYPE_LOCATION) return 'location';
		if (url && content.indexOf('pictype=location') !== -1) return 'location';
		return 'text';
	}
	return BY_MSG_TYPE.get(msgType) ?? 'unknown';
}
