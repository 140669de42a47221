import type { INodeProperties } from 'n8n-workflow';
import { ROUTE_ILINK, ROUTE_WEB } from './fields';

export const sessionOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'], ...ROUTE_WEB } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get session status',
				description: 'Whether the account is logged in, as whom and since when',
			},
			{
				name: 'Log In',
				value: 'login',
				action: 'Log in with a QR code',
				description:
					'Start a login and return its QR code (PNG and link) to scan with WeChat; once confirmed on the phone the session is stored in the credential',
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
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'], ...ROUTE_ILINK } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get session status',
				description:
					'Whether the bot is logged in, its bot and owner IDs, until when the owner\'s reply window is open and how many sends are left',
			},
			{
				name: 'Log Out',
				value: 'logout',
				action: 'Log out of the session',
				description:
					'Forget the bot session stored in the credential; the next activation of a WeChat Web Trigger with this credential logs in again with a new QR code',
			},
		],
		default: 'getStatus',
	},
];

export const sessionFields: INodeProperties[] = [];
