/**
 * Session → Get Status and Session → Log Out on the iLink route. Status proves
 * the bot token with a read (getconfig; nothing is sent) and shows the send
 * budget; Log Out forgets the session stored in the credential (iLink has no
 * logout call): the next trigger activation logs in again with a new QR code.
 */
import type { IDataObject } from 'n8n-workflow';
import { NotLoggedInError, SessionStaleError } from '../../../lib/ilink';
import { settle } from '../actions/util';
import { budgetFields } from './budget-fields';
import type { IlinkItemOperation } from './context';

function notLoggedIn(error: NotLoggedInError | SessionStaleError): IDataObject {
	return { route: 'ilink', loggedIn: false, reason: error.message, hint: error.hint, code: error.code };
}

export const getStatus: IlinkItemOperation = async (ctx) => {
	const opened = await settle(() => ctx.open());
	if (!opened.ok) {
		if (opened.error instanceof NotLoggedInError) return [{ json: notLoggedIn(opened.error) }];
		throw opened.error;
	}
	const { client } = opened.value;
	const verified = await settle(() => client.verify(ctx.signal));
	if (!verified.ok) {
		const error = verified.error;
		if (error instanceof SessionStaleError) return [{ json: { ...notLoggedIn(error), botId: client.botId ?? null, ownerId: client.ownerId ?? null } }];
		throw error;
	}
	const owner = client.ownerId ?? '';
	return [{ json: { loggedIn: true, botId: client.botId ?? null, ownerId: owner, ...budgetFields(client, owner) } }];
};

export const logout: IlinkItemOperation = async (ctx) => {
	const { client, transport } = await ctx.open();
	const botId = client.botId ?? null;
	const ownerId = client.ownerId ?? null;
	transport.forgetSession();
	await transport.flush();
	return [
		{
			json: {
				route: 'ilink',
				loggedOut: true,
				botId,
				ownerId,
				hint: 'The bot session is no longer stored in the credential. The next activation of a WeChat Web Trigger with this credential logs in again with a new QR code; a trigger that is running now keeps its session until it is deactivated.',
			},
		},
	];
};
