/**
 * Which route a node uses, chosen the way n8n nodes choose between two
 * authentication types: an `authentication` option that shows one credential.
 * (The credentials lists stay literal in the node files: the lint reads them.)
 * Its default is the Web route, so workflows saved before the iLink route
 * existed (no such parameter) keep working unchanged.
 */
import type { INodeProperties } from 'n8n-workflow';
import { CREDENTIAL_TYPE } from './credential-data';
import { ILINK_CREDENTIAL_TYPE } from './ilink-credential';

export type Route = 'web' | 'ilink';

export const routeProperty: INodeProperties = {
	displayName: 'Route',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'WeChat Web (Whole Account)',
			value: CREDENTIAL_TYPE,
			description: 'Your whole personal account over the Web/desktop protocol: every chat and group. WeChat refuses most accounts on it since 2025.',
		},
		{
			name: 'WeChat Bot (iLink, Official)',
			value: ILINK_CREDENTIAL_TYPE,
			description: "WeChat's official bot API: one bot contact that only you can message; it answers within 24 h of your last message. Works for every account.",
		},
	],
	default: CREDENTIAL_TYPE,
};

/** The route a node is set to (parameter `authentication`; absent → Web). */
export function routeOf(ctx: { getNodeParameter(name: string, index: number, fallback?: unknown): unknown }): Route {
	return ctx.getNodeParameter('authentication', 0, CREDENTIAL_TYPE) === ILINK_CREDENTIAL_TYPE ? 'ilink' : 'web';
}
