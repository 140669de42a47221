import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_MAX_SIZE_MB } from '../actions/media';

/** iLink's own inbound media cap (the official client's 100 MB). */
export const ILINK_DEFAULT_MAX_SIZE_MB = 100;
import { chatLocator, outputBinaryField, ROUTE_ILINK, ROUTE_WEB } from './fields';

export const mediaOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'], ...ROUTE_WEB } },
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download media',
				description: 'Download the image, voice note, video, file or sticker of a message as binary data',
			},
			{
				name: 'Get Avatar',
				value: 'getAvatar',
				action: 'Get an avatar',
				description: 'Download the profile picture of a contact or group as binary data',
			},
		],
		default: 'download',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['media'], ...ROUTE_ILINK } },
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download media',
				description: 'Download the image, voice note, video or file of a message to the bot as binary data, decrypted',
			},
		],
		default: 'download',
	},
];

const DOWNLOAD = { resource: ['media'], operation: ['download'], ...ROUTE_WEB };
const ILINK_DOWNLOAD = { resource: ['media'], operation: ['download'], ...ROUTE_ILINK };
const BY_ID = { ...DOWNLOAD, source: ['fields'] };

export const mediaFields: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'By Message ID',
				value: 'fields',
				description: 'Enter the message ID and the kind of media',
			},
			{
				name: 'From Input Item',
				value: 'item',
				description: 'A message item of the WeChat Web Trigger, which carries a media reference',
			},
		],
		default: 'item',
		displayOptions: { show: DOWNLOAD },
	},
	{
		displayName: 'Media Reference Field',
		name: 'mediaField',
		type: 'string',
		default: 'media',
		required: true,
		description: 'The input field holding the media reference; use dots for nested fields',
		displayOptions: { show: { ...DOWNLOAD, source: ['item'] } },
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 4827364519283746512',
		description: 'The ID of the received message',
		displayOptions: { show: BY_ID },
	},
	{
		displayName: 'Media Type',
		name: 'mediaKind',
		type: 'options',
		options: [
			{ name: 'Emoticon', value: 'emoticon' },
			{ name: 'File', value: 'file' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
			{ name: 'Voice', value: 'voice' },
		],
		default: 'image',
		displayOptions: { show: BY_ID },
	},
	{
		displayName: 'Sender UserName',
		name: 'fileSender',
		type: 'string',
		default: '',
		required: true,
		description: 'FromUserName of the message (the group in group chats)',
		displayOptions: { show: { ...BY_ID, mediaKind: ['file'] } },
	},
	{
		displayName: 'Media ID',
		name: 'fileMediaId',
		type: 'string',
		default: '',
		required: true,
		description: 'MediaId of the file message',
		displayOptions: { show: { ...BY_ID, mediaKind: ['file'] } },
	},
	{
		displayName: 'Encrypted File Name',
		name: 'fileEncryFileName',
		type: 'string',
		default: '',
		description: 'EncryFileName of the file message',
		displayOptions: { show: { ...BY_ID, mediaKind: ['file'] } },
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		description: 'FileName of the file message',
		displayOptions: { show: { ...BY_ID, mediaKind: ['file'] } },
	},
	{
		displayName: 'Media Reference Field',
		name: 'mediaField',
		type: 'string',
		default: 'media',
		required: true,
		description:
			'The input field holding the media reference the WeChat Web Trigger emits for a message to the bot (default "media"); use dots for nested fields. A whole message item works too.',
		displayOptions: { show: ILINK_DOWNLOAD },
	},
	chatLocator('chat', 'Contact or Group', 'Whose profile picture to download', { resource: ['media'], operation: ['getAvatar'], ...ROUTE_WEB }),
	outputBinaryField({ resource: ['media'] }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: DOWNLOAD },
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. photo.jpg',
				description: 'Name the binary data this way instead of the name WeChat gives',
			},
			{
				displayName: 'Image Size',
				name: 'imageVariant',
				type: 'options',
				options: [
					{ name: 'Large', value: 'big' },
					{ name: 'Original', value: 'original' },
					{ name: 'Thumbnail', value: 'slave' },
				],
				default: 'original',
				description: 'Which version of an image or sticker to download',
			},
			{
				displayName: 'Maximum Size (MB)',
				name: 'maxSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: DEFAULT_MAX_SIZE_MB,
				description: 'Refuse media larger than this; the download stops as soon as it passes the limit',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: ILINK_DOWNLOAD },
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. photo.jpg',
				description: 'Name the binary data this way instead of the name WeChat gives',
			},
			{
				displayName: 'Maximum Size (MB)',
				name: 'maxSizeMb',
				type: 'number',
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				default: ILINK_DEFAULT_MAX_SIZE_MB,
				description: 'Refuse media larger than this; the download stops as soon as it passes the limit',
			},
		],
	},
];
