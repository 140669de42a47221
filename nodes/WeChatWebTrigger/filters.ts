/**
 * The trigger's options, read once at activation, and the message filter they
 * make. Filters run after the client's de-duplication.
 */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import type { ChatKind, MessageType, WeChatMessage } from '../../lib/wechat';
import type { AdvanceMode } from './delivery';
import { ALL_MESSAGE_TYPES } from './description';


export interface TriggerSettings {
	messageTypes: Set<string>;
	chatTypes: Set<string>;
	onlyWhenMentioned: boolean;
	ignoreOwnMessages: boolean;
	includeSystemEvents: boolean;
	downloadMedia: boolean;
	binaryPropertyName: string;
	maxMediaBytes: number;
	advance: AdvanceMode;
}

/** Emitted only with "Include System Events". */
export const SYSTEM_EVENT_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['system', 'revoke', 'friendRequest']);

/** Never emitted: the phone telling the web client which chat it opened (§3.7). */
const NEVER_EMITTED: ReadonlySet<MessageType> = new Set<MessageType>(['statusNotify']);

const CHAT_TYPE_OF_KIND: Record<ChatKind, string> = {
	user: 'private',
	special: 'private',
	group: 'group',
	official: 'official',
};

export function readSettings(ctx: Pick<ITriggerFunctions, 'getNodeParameter'>): TriggerSettings {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const downloadMedia = ctx.getNodeParameter('downloadMedia', false) as boolean;
	const maxMb = downloadMedia ? Number(ctx.getNodeParameter('maxMediaSizeMb', 25)) : 25;
	return {
		messageTypes: new Set(ctx.getNodeParameter('messageTypes', ALL_MESSAGE_TYPES) as string[]),
		chatTypes: new Set(ctx.getNodeParameter('chatTypes', ['private', 'group']) as string[]),
		onlyWhenMentioned: options.onlyWhenMentioned === true,
		ignoreOwnMessages: options.ignoreOwnMessages !== false,
		includeSystemEvents: options.includeSystemEvents === true,
		downloadMedia,
		binaryPropertyName: downloadMedia ? String(ctx.getNodeParameter('binaryPropertyName', 'data') || 'data') : 'data',
		maxMediaBytes: Math.round((Number.isFinite(maxMb) && maxMb > 0 ? maxMb : 25) * 1024 * 1024),
		advance: options.advanceSyncPosition === 'afterFinish' || options.advanceSyncPosition === 'afterSuccess' ? options.advanceSyncPosition : 'onHandOff',
	};
}

/** A predicate over normalized messages that applies every option. */
export function messageFilter(settings: TriggerSettings): (message: WeChatMessage) => boolean {
	return (m) => {
		if (NEVER_EMITTED.has(m.type)) return false;
		const systemEvent = SYSTEM_EVENT_TYPES.has(m.type);
		if (systemEvent ? !settings.includeSystemEvents : !settings.messageTypes.has(m.type)) return false;
		if (!settings.chatTypes.has(CHAT_TYPE_OF_KIND[m.chat.kind] ?? 'private')) return false;
		if (settings.ignoreOwnMessages && m.fromMe) return false;
		// Mentions only matter for what people write in groups; system events have none.
		if (settings.onlyWhenMentioned && m.isGroup && !systemEvent && !m.mentionsMe) return false;
		return true;
	};
}
