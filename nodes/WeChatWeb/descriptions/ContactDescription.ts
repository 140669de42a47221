import type { INodeProperties } from 'n8n-workflow';
import { chatLocator } from './fields';

export const contactOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['contact'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a contact',
				description: 'Fetch current details of a contact or group (all input items in one batched lookup)',
			},
			{
				name: 'Get Group Members',
				value: 'getGroupMembers',
				action: 'Get group members',
				description: 'List the members of a group',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many contacts',
				description: 'List contacts, groups and official accounts',
			},
			{
				name: 'Set Remark',
				value: 'setRemark',
				action: 'Set a remark name',
				description: 'Set or clear the remark name of a friend',
			},
		],
		default: 'get',
	},
];

export const contactFields: INodeProperties[] = [
	chatLocator('contact', 'Contact', 'The contact or group to look up', { resource: ['contact'], operation: ['get'] }),
	chatLocator('group', 'Group', 'The group whose members to list', { resource: ['contact'], operation: ['getGroupMembers'] }, 'searchGroups'),
	chatLocator('contact', 'Contact', 'The friend to give a remark name', { resource: ['contact'], operation: ['setRemark'] }, 'searchFriends'),
	{
		displayName: 'Remark Name',
		name: 'remarkName',
		type: 'string',
		default: '',
		description: 'The new remark name (at most 18 characters); empty clears it',
		displayOptions: { show: { resource: ['contact'], operation: ['setRemark'] } },
	},

	// Get Many
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { resource: ['contact'], operation: ['getAll', 'getGroupMembers'] } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: ['contact'], operation: ['getAll', 'getGroupMembers'], returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['contact'], operation: ['getAll'] } },
		options: [
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. ali',
				description: 'Only contacts whose remark name, nickname or WeChat ID contains this text (case-insensitive)',
			},
			{
				displayName: 'Types',
				name: 'types',
				type: 'multiOptions',
				options: [
					{ name: 'Friends', value: 'friend' },
					{ name: 'Groups', value: 'group' },
					{ name: 'Official Accounts', value: 'official' },
					{ name: 'Special Accounts', value: 'special', description: 'Built-in accounts such as File Transfer' },
				],
				default: [],
				description: 'Only these kinds of chats; all kinds when empty',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { resource: ['contact'], operation: ['getAll', 'getGroupMembers'] } },
		options: [
			{
				displayName: 'Reload From WeChat',
				name: 'refresh',
				type: 'boolean',
				default: false,
				description:
					'Whether to fetch the list from WeChat first instead of using the session\'s cache (kept current by a running trigger, otherwise up to 10 minutes old)',
			},
		],
	},
];
