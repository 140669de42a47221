/**
 * Items for the "Login Events" output: what happened to the session, in a shape
 * a workflow can mail or message (the QR code as a PNG, the login URL), plus the
 * terminal QR in n8n's log for people watching the console.
 */
import type { IDataObject, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';
import type { LoggedOutError, LoginEvent, LoginRefusedError, RawUser } from '../../lib/wechat';
import { qrPng, qrTerminal, REFUSAL_KICK_HINT } from '../../lib/wechat';

export type LoginEventName =
	| 'qr'
	| 'pushSent'
	| 'scanned'
	| 'loggedIn'
	| 'sessionRestored'
	| 'loggedOut'
	| 'loginRefused'
	| 'loginTimeout'
	| 'loginCancelled';

export interface AccountRef {
	nickName: string;
	userName: string;
}

export function accountOf(user: RawUser | null | undefined): AccountRef | undefined {
	return user ? { nickName: String(user.NickName ?? ''), userName: String(user.UserName ?? '') } : undefined;
}

/** The account of a serialized session (its `user`), if it has one. */
export function accountOfJson(json: string): AccountRef | undefined {
	if (!json) return undefined;
	try {
		return accountOf((JSON.parse(json) as { user?: RawUser | null }).user);
	} catch {
		return undefined;
	}
}

export function eventItem(event: LoginEventName, fields: IDataObject, account?: AccountRef): INodeExecutionData {
	const json: IDataObject = { event, ...fields };
	if (account) json.account = { ...account };
	json.date = new Date().toISOString();
	return { json };
}

/** The QR item: PNG under `data`, the link as `url`, and the terminal rendering in the log. */
export async function qrItem(ctx: ITriggerFunctions, event: Extract<LoginEvent, { type: 'qr' }>): Promise<INodeExecutionData> {
	const item = eventItem('qr', {
		message: 'Scan this QR code with WeChat on the phone and confirm the login.',
		url: event.url,
		uuid: event.uuid,
		attempt: event.attempt,
	});
	const png = await qrPng(event.url);
	item.binary = { data: await ctx.helpers.prepareBinaryData(png, 'qr.png', 'image/png') };
	let terminal = '';
	try {
		terminal = await qrTerminal(event.url);
	} catch {
		terminal = '(the QR code could not be drawn as text)';
	}
	ctx.logger.info(`WeChat Web Trigger: scan this QR code with WeChat to log in (${event.url}):\n${terminal}`);
	return item;
}

/**
 * The client's login progress as an item, or null for steps that need no
 * item (`confirmed` is followed by `loggedIn`; an expired QR by a new `qr`).
 */
export async function loginEventItem(ctx: ITriggerFunctions, event: LoginEvent, account?: AccountRef): Promise<INodeExecutionData | null> {
	switch (event.type) {
		case 'qr':
			return await qrItem(ctx, event);
		case 'pushSent':
			ctx.logger.info('WeChat Web Trigger: asked the phone to confirm the login (push login).');
			return eventItem('pushSent', { message: 'Confirm the login on the phone.', uuid: event.uuid }, account);
		case 'scanned':
			ctx.logger.info('WeChat Web Trigger: QR code scanned; waiting for the confirmation on the phone.');
			return eventItem('scanned', { message: 'The QR code was scanned; confirm the login on the phone.' });
		case 'qrExpired':
			ctx.logger.info('WeChat Web Trigger: the QR code expired; a new one follows.');
			return null;
		case 'pushFailed':
			ctx.logger.info(`WeChat Web Trigger: push login not possible (${event.reason}); falling back to a QR code.`);
			return null;
		case 'confirmed':
		default:
			return null;
	}
}

export function loggedInItem(account: AccountRef | undefined, how: 'qr' | 'push' | 'login'): INodeExecutionData {
	return eventItem('loggedIn', { message: `Logged in${account?.nickName ? ` as ${account.nickName}` : ''}.`, how }, account);
}

/** A restart (or a hand-over) continued a stored session without a login: no QR, no phone. */
export function restoredItem(account: AccountRef | undefined): INodeExecutionData {
	return eventItem('sessionRestored', { message: `Continued the stored session${account?.nickName ? ` of ${account.nickName}` : ''}; no login needed.` }, account);
}

export function loggedOutItem(error: LoggedOutError, account?: AccountRef): INodeExecutionData {
	return eventItem('loggedOut', { message: error.message, reason: error.reason, retcode: error.retcode ?? null }, account);
}

/** A 1102 seconds after a fresh login: WeChat refused the account (lib/wechat/errors.ts, kickedRightAfterLogin). */
export function kickedAfterLoginItem(error: LoggedOutError, secondsAfterLogin: number, account?: AccountRef): INodeExecutionData {
	return eventItem(
		'loginRefused',
		{
			message: `WeChat ended the session ${secondsAfterLogin} s after the login (retcode ${error.retcode ?? 1102}): it refuses this account on the Web route. The trigger stays idle and will not log in again by itself.`,
			reason: 'kickedAfterLogin',
			retcode: error.retcode ?? 1102,
			secondsAfterLogin,
			hint: REFUSAL_KICK_HINT,
		},
		account,
	);
}

export function refusedItem(error: LoginRefusedError, account?: AccountRef): INodeExecutionData {
	return eventItem(
		'loginRefused',
		{ message: error.serverMessage || error.message, reason: 'refused', ret: error.ret, hint: error.hint },
		account,
	);
}
