/**
 * Who an iLink send goes to: the "User ID" parameter, empty → the bot's owner
 * (the only person an iLink bot can reach). Any other id is refused before a
 * request, unless the owner's conversation under that id is known.
 */
import type { IlinkClient } from '../../../lib/ilink';
import { NotOnRouteError } from '../../../lib/route-errors';
import type { IlinkActionContext } from './context';

export function recipientOf(ctx: IlinkActionContext, client: IlinkClient, i: number): string {
	const given = String(ctx.fn.getNodeParameter('userId', i, '') ?? '').trim();
	const owner = client.ownerId ?? '';
	if (!given || given === owner) return owner;
	if (client.budget().chats[given]) return given;
	throw new NotOnRouteError(
		'iLink',
		`Sending to "${given}"`,
		`An iLink bot can only message its owner (${owner}). Leave "User ID" empty to message the owner, or use the WeChat Web route to message other people.`,
	);
}
