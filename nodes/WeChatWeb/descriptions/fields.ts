import type { INodeProperties } from 'n8n-workflow';

type Show = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

/** displayOptions parts: a field or operation list of one route only (the `authentication` parameter picks the route). */
export const ROUTE_WEB = { authentication: ['weChatWebApi'] };
export const ROUTE_ILINK = { authentication: ['weChatIlinkApi'] };

/**
 * A contact or group picker: a searchable list, the session UserName, or a name
 * resolved at run time (UserNames change at every login, names do not).
 */
export function chatLocator(
	name: string,
	displayName: string,
	description: string,
	show: Show,
	searchListMethod: 'searchChats' | 'searchFriends' | 'searchGroups' = 'searchChats',
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. Alice',
				hint: 'Remark name, nickname or WeChat ID, looked up when the workflow runs',
			},
			{
				displayName: 'By UserName',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. @0f3c…',
				hint: 'The session UserName (starts with @, groups with @@); it changes at every login',
			},
		],
	};
}

export function inputBinaryField(show: Show): INodeProperties {
	return {
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field containing the file to be sent',
		displayOptions: { show },
	};
}

export function outputBinaryField(show: Show): INodeProperties {
	return {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show },
	};
}
