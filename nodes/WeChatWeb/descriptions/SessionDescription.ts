import type { INodeProperties } from 'n8n-workflow';

export const sessionOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get session status',
				description: 'Whether the account is logged in, as whom and since when',
			},
			{
				name: 'Log Out',
				value: 'logout',
				action: 'Log out of the session',
				description: 'End the WeChat Web session (the trigger stops receiving until the next login)',
			},
		],
		default: 'getStatus',
	},
];

export const sessionFields: INodeProperties[] = [];
