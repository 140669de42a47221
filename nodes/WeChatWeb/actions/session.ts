/** Session resource: who is logged in since when, and log out. */
import type { IDataObject } from 'n8n-workflow';
import type { WeChatClient } from '../../../lib/wechat';
import { LoggedOutError, NotLoggedInError, qrPng } from '../../../lib/wechat';
import { accountKey, forgetClient, liveClient } from '../../shared/session-store';
import { startQrLogin } from './qr-login';
import type { ItemOperation } from './context';
import { isoTime, settle } from './util';

function notLoggedIn(error: NotLoggedInError | LoggedOutError): IDataObject {
	return { loggedIn: false, reason: error.message, hint: error.hint, code: error.code };
}

/** Only what identifies the account and the session's age: never tokens, cookies or the uin. */
function statusJson(client: WeChatClient, key: string): IDataObject {
	const info = client.sessionInfo();
	const user = info.user;
	return {
		loggedIn: true,
		user: { id: user?.UserName ?? '', nickName: user?.NickName ?? '' },
		loginTime: info.loginTime ? isoTime(info.loginTime * 1000) : null,
		mode: info.mode,
		mainHost: info.mainHost,
		contacts: info.contactCount,
		receivingMessages: liveClient(key) !== undefined,
	};
}

/** Proves the session alive with a one-contact lookup of the account itself. */
const getStatus: ItemOperation = async (ctx) => {
	const key = accountKey(ctx.fn);
	const got = await settle(() => ctx.client());
	if (!got.ok) {
		if (got.error instanceof NotLoggedInError || got.error instanceof LoggedOutError) return [{ json: notLoggedIn(got.error) }];
		throw got.error;
	}
	const client = got.value;
	const self = client.user?.UserName;
	if (!client.hasSession() || !self) return [{ json: notLoggedIn(new NotLoggedInError('This WeChat session was logged out.')) }];
	const ping = await settle(() => client.fetchContacts([self], ctx.signal));
	if (!ping.ok) {
		if (ping.error instanceof LoggedOutError) {
			forgetClient(key, client);
			return [{ json: notLoggedIn(ping.error) }];
		}
		throw ping.error;
	}
	return [{ json: statusJson(client, key) }];
};

const logout: ItemOperation = async (ctx) => {
	const client = await ctx.client();
	const user = client.user;
	await client.logout(ctx.signal);
	// The shared client's session is dead now: the next execution reads the credential again.
	forgetClient(accountKey(ctx.fn));
	return [{ json: { loggedOut: true, user: user ? { id: user.UserName, nickName: user.NickName } : null } }];
};

/**
 * Returns the QR code at once (to mail or message it); the scan is awaited in
 * this n8n process for the QR's lifetime, then the session lands in the
 * credential. In a one-shot `n8n execute` process the wait ends with the process.
 */
const login: ItemOperation = async (ctx) => {
	const started = await startQrLogin(ctx.fn, ctx.fn.logger);
	const png = await qrPng(started.url);
	const binary = await ctx.fn.helpers.prepareBinaryData(png, 'qr.png', 'image/png');
	return [
		{
			json: {
				event: 'qr',
				url: started.url,
				uuid: started.uuid,
				expiresInMinutes: 4,
				hint: 'Scan with WeChat on the phone and confirm; the session is then stored in this credential.',
			},
			binary: { data: binary },
		},
	];
};

export const sessionOperations: Record<string, ItemOperation> = { getStatus, login, logout };
