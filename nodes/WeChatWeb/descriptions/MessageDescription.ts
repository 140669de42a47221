import type { INodeProperties } from 'n8n-workflow';
import { chatLocator, inputBinaryField, ROUTE_ILINK, ROUTE_WEB } from './fields';

export const messageOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], ...ROUTE_WEB } },
		options: [
			{
				name: 'Forward',
				value: 'forward',
				action: 'Forward a message',
				description: 'Send a received message (from the WeChat Web Trigger) to another chat',
			},
			{
				name: 'Revoke',
				value: 'revoke',
				action: 'Revoke a message',
				description: 'Recall a message this account sent in the last two minutes',
			},
			{
				name: 'Send Emoticon',
				value: 'sendEmoticon',
				action: 'Send an emoticon',
				description: 'Send a sticker: a GIF from binary data or the MD5 of a sticker WeChat knows',
			},
			{
				name: 'Send File',
				value: 'sendFile',
				action: 'Send a file',
				description: 'Send binary data as a file attachment',
			},
			{
				name: 'Send Image',
				value: 'sendImage',
				action: 'Send an image',
				description: 'Send a JPEG, PNG or BMP picture from binary data',
			},
			{
				name: 'Send Text',
				value: 'sendText',
				action: 'Send a text message',
				description: 'Send a text message to a contact or group',
			},
			{
				name: 'Send Video',
				value: 'sendVideo',
				action: 'Send a video',
				description: 'Send an MP4 video (under 20 MB) from binary data',
			},
		],
		default: 'sendText',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'], ...ROUTE_ILINK } },
		options: [
			{
				name: 'Send File',
				value: 'sendFile',
				action: 'Send a file',
				description: 'Send binary data to the owner as a file attachment',
			},
			{
				name: 'Send Image',
				value: 'sendImage',
				action: 'Send an image',
				description: 'Send a picture from binary data to the owner',
			},
			{
				name: 'Send Media',
				value: 'sendMedia',
				action: 'Send media',
				description: 'Send binary data to the owner as an image, video or file, chosen by its MIME type',
			},
			{
				name: 'Send Text',
				value: 'sendText',
				action: 'Send a text message',
				description: 'Send a text message to the owner (long text goes out in pieces of 4000 characters, each one send)',
			},
			{
				name: 'Send Typing',
				value: 'sendTyping',
				action: 'Show or stop typing',
				description: 'Show "typing…" in the owner\'s chat with the bot, or stop showing it (not a message: uses no send budget)',
			},
			{
				name: 'Send Video',
				value: 'sendVideo',
				action: 'Send a video',
				description: 'Send a video from binary data to the owner',
			},
		],
		default: 'sendText',
	},
];

const SENDS = ['sendText', 'sendImage', 'sendVideo', 'sendFile', 'sendEmoticon', 'forward'];
/** `sendMedia` exists on the iLink route only. */
const BINARY_SENDS = ['sendImage', 'sendVideo', 'sendFile', 'sendMedia'];
const ILINK_SENDS = ['sendText', 'sendImage', 'sendVideo', 'sendFile', 'sendMedia', 'sendTyping'];

export const messageFields: INodeProperties[] = [
	chatLocator('recipient', 'Recipient', 'The contact or group to send to', { resource: ['message'], operation: SENDS, ...ROUTE_WEB }),
	chatLocator('recipient', 'Recipient', 'The chat the message was sent to', {
		resource: ['message'],
		operation: ['revoke'],
		revokeSource: ['fields'],
		...ROUTE_WEB,
	}),
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		default: '',
		placeholder: 'e.g. o9cq80yy…@im.wechat',
		description:
			"Leave empty to send to the bot's owner, the only person an iLink bot can reach. Otherwise the owner's iLink user ID, as Session → Get Status or a trigger item (chat) shows it.",
		displayOptions: { show: { resource: ['message'], operation: ILINK_SENDS, ...ROUTE_ILINK } },
	},

	// Send Text
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description: 'The message text; new lines and emoji are kept. On the iLink route every 4000 characters are one send of the budget.',
		displayOptions: { show: { resource: ['message'], operation: ['sendText'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['message'], operation: ['sendText'], ...ROUTE_WEB } },
		options: [
			{
				displayName: 'Add Mention Text',
				name: 'addMentionText',
				type: 'boolean',
				default: true,
				description:
					'Whether to put "@name" at the start of the text for each mentioned member whose "@name" is not in the text yet',
			},
			{
				displayName: 'Mention Members',
				name: 'mentions',
				type: 'string',
				default: '',
				placeholder: 'e.g. Alice, Bob',
				description:
					'Group members to mention, comma-separated: group nickname, nickname, remark name or UserName. Only in group chats.',
			},
		],
	},

	// Send Image / Video / File
	inputBinaryField({ resource: ['message'], operation: BINARY_SENDS }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['message'], operation: BINARY_SENDS } },
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. report.pdf',
				description: 'Send under this name instead of the binary data\'s file name',
			},
		],
	},

	// Send Typing (iLink)
	{
		displayName: 'Typing',
		name: 'typing',
		type: 'boolean',
		default: true,
		description:
			'Whether to show "typing…" (on, e.g. while an AI agent works on the answer) or stop showing it (off, e.g. when the answer is sent). Typing uses no send budget.',
		displayOptions: { show: { resource: ['message'], operation: ['sendTyping'], ...ROUTE_ILINK } },
	},

	// Send Emoticon
	{
		displayName: 'Emoticon Source',
		name: 'emoticonSource',
		type: 'options',
		options: [
			{ name: 'Binary File (GIF)', value: 'binary', description: 'Upload a GIF from the input item' },
			{
				name: 'Sticker MD5',
				value: 'md5',
				description: 'Re-send a sticker WeChat already knows, by the md5 of a received sticker (details.md5)',
			},
		],
		default: 'binary',
		displayOptions: { show: { resource: ['message'], operation: ['sendEmoticon'] } },
	},
	inputBinaryField({ resource: ['message'], operation: ['sendEmoticon'], emoticonSource: ['binary'] }),
	{
		displayName: 'Sticker MD5',
		name: 'emoticonMd5',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. {{ $json.details.md5 }}',
		description: 'The md5 of a sticker received earlier; store stickers cannot be re-sent',
		displayOptions: { show: { resource: ['message'], operation: ['sendEmoticon'], emoticonSource: ['md5'] } },
	},

	// Revoke
	{
		displayName: 'Message to Revoke',
		name: 'revokeSource',
		type: 'options',
		options: [
			{
				name: 'By ID',
				value: 'fields',
				description: 'Enter the message ID and the chat',
			},
			{
				name: 'From Previous Send',
				value: 'previousSend',
				description: 'Use msgId, clientMsgId, toUserName and sentAt of the input item (the output of a send operation)',
			},
		],
		default: 'previousSend',
		displayOptions: { show: { resource: ['message'], operation: ['revoke'] } },
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 4827364519283746512',
		description: 'The msgId a send operation returned',
		displayOptions: { show: { resource: ['message'], operation: ['revoke'], revokeSource: ['fields'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['message'], operation: ['revoke'], revokeSource: ['fields'] } },
		options: [
			{
				displayName: 'Client Message ID',
				name: 'clientMsgId',
				type: 'string',
				default: '',
				description: 'The clientMsgId the send returned; a fresh one is used when empty',
			},
			{
				displayName: 'Sent At',
				name: 'sentAt',
				type: 'dateTime',
				default: '',
				description: 'When the message was sent, for a clearer message when the revoke window has passed',
			},
		],
	},
];
