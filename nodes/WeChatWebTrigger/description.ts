import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Message types a user sees in a chat; system events have their own switch. */
export const MESSAGE_TYPE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Call', value: 'voip', description: 'Voice or video call notices' },
	{ name: 'Contact Card', value: 'card', description: 'A shared contact or official account' },
	{ name: 'File', value: 'file', description: 'A file attachment' },
	{ name: 'Image', value: 'image' },
	{ name: 'Link', value: 'link', description: 'A shared article or web page' },
	{ name: 'Location', value: 'location' },
	{ name: 'Mini Program', value: 'miniProgram' },
	{ name: 'Music', value: 'music' },
	{ name: 'Other App Message', value: 'app', description: 'App messages of any other kind (transfers, red packets, chat histories …)' },
	{ name: 'Short Video', value: 'microvideo' },
	{ name: 'Sticker', value: 'emoticon' },
	{ name: 'Text', value: 'text' },
	{ name: 'Unknown', value: 'unknown', description: 'Message kinds this node does not recognize' },
	{ name: 'Video', value: 'video' },
	{ name: 'Voice', value: 'voice', description: 'A voice note' },
];

export const ALL_MESSAGE_TYPES = MESSAGE_TYPE_OPTIONS.map((o) => o.value as string);

/** When a batch counts as done (both routes read it as `options.advanceSyncPosition`). */
const advanceOption: INodeProperties = {
	displayName: 'Advance Sync Position',
	name: 'advanceSyncPosition',
	type: 'options',
	options: [
		{
			name: 'When Handed Over to the Workflow',
			value: 'onHandOff',
			description:
				'Exactly once: the position is saved together with the hand-off, so a restart neither repeats nor skips messages. A crash while the workflow runs loses that run.',
		},
		{
			name: 'After the Workflow Finished',
			value: 'afterFinish',
			description:
				'At least once: messages are handed over one batch at a time and the position is saved only after the workflow run ended, so a crash repeats the unfinished batch',
		},
		{
			name: 'After the Workflow Succeeded',
			value: 'afterSuccess',
			description:
				'At least once, retried: like "After the Workflow Finished", but a run that failed gets the same batch again (back-off from 1 s up to 5 min) until a run succeeds; later messages wait behind it',
		},
	],
	default: 'onHandOff',
	description: 'When the position in the message stream is saved',
	};

/** The trigger's parameters on the Web route (the node description itself is in WeChatWebTrigger.node.ts). */
const webTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Without a valid session, activating the workflow starts a login: the QR code arrives on the Login Events output (as a PNG) and in the n8n log. Scan it with WeChat on the phone and confirm; messages then flow on the Messages output.',
		name: 'loginNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['weChatWebApi'] } },
	},
	{
		displayName: 'Message Types',
		name: 'messageTypes',
		type: 'multiOptions',
		displayOptions: { show: { authentication: ['weChatWebApi'] } },
		options: MESSAGE_TYPE_OPTIONS,
		default: ['voip', 'card', 'file', 'image', 'link', 'location', 'miniProgram', 'music', 'app', 'microvideo', 'emoticon', 'text', 'unknown', 'video', 'voice'],
		description: 'Which kinds of messages start the workflow. System notices, recalls and friend requests are controlled by "Include System Events" under Options.',
	},
	{
		displayName: 'Chat Types',
		name: 'chatTypes',
		type: 'multiOptions',
		displayOptions: { show: { authentication: ['weChatWebApi'] } },
		options: [
			{ name: 'Group Chats', value: 'group' },
			{ name: 'Official Accounts', value: 'official', description: 'Articles and notices from subscribed official accounts' },
			{ name: 'Private Chats', value: 'private', description: 'One-to-one chats, including File Transfer' },
		],
		default: ['private', 'group'],
		description: 'Which chats to listen to',
	},
	{
		displayName: 'Download Media',
		name: 'downloadMedia',
		type: 'boolean',
		displayOptions: { show: { authentication: ['weChatWebApi'] } },
		default: false,
		description:
			'Whether to download images, voice notes, videos, stickers and files and attach them to the item as binary data. Media that cannot be downloaded or is too large gives an item without binary data and a "mediaError" field.',
	},
	{
		displayName: 'Put Media in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { authentication: ['weChatWebApi'], downloadMedia: [true] } },
		description: 'Name of the binary property to put the downloaded media in',
	},
	{
		displayName: 'Max Media Size (MB)',
		name: 'maxMediaSizeMb',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 1 },
		default: 25,
		displayOptions: { show: { authentication: ['weChatWebApi'], downloadMedia: [true] } },
		description: 'Larger media is not downloaded; the item says so in "mediaError". WeChat Web serves at most 25 MB.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { authentication: ['weChatWebApi'] } },
		options: [
			advanceOption,
			{
				displayName: 'Ignore My Own Messages',
				name: 'ignoreOwnMessages',
				type: 'boolean',
				default: true,
				description: 'Whether to skip messages sent by this account (from the phone or by n8n). On unless turned off here.',
			},
			{
				displayName: 'Include System Events',
				name: 'includeSystemEvents',
				type: 'boolean',
				default: false,
				description:
					'Whether to also emit system notices (joins, renames, "tickled"), recalled-message notices and friend requests, whatever "Message Types" says',
			},
			{
				displayName: 'Only When I Am Mentioned in Groups',
				name: 'onlyWhenMentioned',
				type: 'boolean',
				default: false,
				description: 'Whether group messages must @mention this account to start the workflow; private chats are not affected',
			},
		],
	},
];

/** The trigger's parameters on the iLink route (authentication = weChatIlinkApi). */
const ILINK = { show: { authentication: ['weChatIlinkApi'] } };

const ilinkTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'WeChat Bot (iLink): messages you (the owner) send the bot in WeChat start the workflow — text, images, voice notes (with transcript), files, videos and quotes. No groups, no other chats. The bot can answer within 24 h of your last message, about 10 times per message. Without a session, activating the workflow emits a QR code on the Login Events output (and in the n8n log); if WeChat then asks for a number, type it into the credential\'s Pair Code field and save.',
		name: 'ilinkNotice',
		type: 'notice',
		default: '',
		displayOptions: ILINK,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: ILINK,
		options: [
			advanceOption,
			{
				displayName: 'Warn Before Reply Window Closes (Minutes)',
				name: 'windowWarningMinutes',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 2 },
				default: 60,
				description:
					'A "windowExpiring" Login Event this many minutes before the bot can no longer answer (until you write to it again); once per message of yours. 0 turns it off.',
			},
		],
	},
];

/** Both routes' parameters; each shows only for its `authentication` (route) value. */
export const triggerProperties: INodeProperties[] = [...webTriggerProperties, ...ilinkTriggerProperties];
