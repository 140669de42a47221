/** Normalized messages as n8n items: the client's message as JSON, with a readable date. */
import type { IDataObject } from 'n8n-workflow';
import type { WeChatMessage } from '../../lib/wechat';

export function messageJson(message: WeChatMessage): IDataObject {
	return {
		id: message.id,
		type: message.type,
		text: message.text,
		chat: { ...message.chat },
		sender: { ...message.sender },
		isGroup: message.isGroup,
		fromMe: message.fromMe,
		mentions: [...message.mentions],
		mentionsMe: message.mentionsMe,
		timestamp: message.timestamp,
		date: new Date(message.timestamp * 1000).toISOString(),
		media: message.media ? { ...message.media } : null,
		details: message.details as IDataObject,
		raw: message.raw as unknown as IDataObject,
	};
}
