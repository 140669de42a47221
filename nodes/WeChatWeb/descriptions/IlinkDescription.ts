import type { INodeProperties } from 'n8n-workflow';
import { ROUTE_ILINK } from './fields';

/** What the iLink route can do, where a user picks its operations. */
export const ilinkRouteNotice: INodeProperties = {
	displayName:
		"The WeChat bot (iLink) reaches only its owner, within 24 hours of the owner's last message and about 10 sends per message of theirs: each send's output says how many are left (sendsLeft) and until when (windowExpiresAt). Groups, contacts, revoke, forward and link cards need the WeChat Web route.",
	name: 'ilinkNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: ROUTE_ILINK },
};
