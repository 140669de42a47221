/**
 * Login Events of the iLink route: the Web route's shape (`event`, `message`,
 * `date`, the QR as PNG binary plus its link) with `route: 'ilink'` and the
 * bot and owner ids once known. Never a bot token or context token.
 */
import type { IDataObject, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';
import type { IlinkLoginEvent } from '../../../lib/ilink';
import { qrPng, qrTerminal } from '../../../lib/wechat';

export type IlinkEventName =
	| 'qr'
	| 'scanned'
	| 'verifyCodeRequired'
	| 'verifyCodeAccepted'
	| 'verifyCodeBlocked'
	| 'loggedIn'
	| 'sessionRestored'
	| 'sessionStale'
	| 'loginTimeout'
	| 'loginFailed'
	| 'windowExpiring';

export interface BotRef {
	botId?: string;
	ownerId?: string;
}

const LOG = 'WeChat Web Trigger (iLink)';

export const PAIR_CODE_MESSAGE =
	"WeChat shows a number on your phone; type it into the credential's Pair Code field and save.";

export function ilinkEvent(event: IlinkEventName, fields: IDataObject, bot?: BotRef): INodeExecutionData {
	const json: IDataObject = { event, route: 'ilink', ...fields };
	if (bot?.botId) json.botId = bot.botId;
	if (bot?.ownerId) json.ownerId = bot.ownerId;
	json.date = new Date().toISOString();
	return { json };
}

async function qrEventItem(ctx: ITriggerFunctions, e: Extract<IlinkLoginEvent, { type: 'qr' }>): Promise<INodeExecutionData> {
	const item = ilinkEvent('qr', {
		message: 'Scan this QR code with WeChat on the phone (it adds the bot to your WeChat) and confirm.',
		url: e.url,
		attempt: e.attempt,
	});
	item.binary = { data: await ctx.helpers.prepareBinaryData(await qrPng(e.url), 'qr.png', 'image/png') };
	let terminal: string;
	try {
		terminal = await qrTerminal(e.url);
	} catch {
		terminal = '(the QR code could not be drawn as text)';
	}
	ctx.logger.info(`${LOG}: scan this QR code with WeChat to bind the bot (${e.url}):\n${terminal}`);
	return item;
}

/** A step of client.login as an item (null: only logged). */
export async function loginStepItem(ctx: ITriggerFunctions, e: IlinkLoginEvent): Promise<INodeExecutionData | null> {
	const log = ctx.logger;
	switch (e.type) {
		case 'qr':
			return await qrEventItem(ctx, e);
		case 'scanned':
			log.info(`${LOG}: QR code scanned; waiting for the confirmation on the phone.`);
			return ilinkEvent('scanned', { message: 'The QR code was scanned; confirm on the phone.' });
		case 'verifyCodeNeeded': {
			const message = e.retry ? `That number was not accepted. ${PAIR_CODE_MESSAGE}` : PAIR_CODE_MESSAGE;
			log.warn(`${LOG}: ${message}`);
			return ilinkEvent('verifyCodeRequired', { message, retry: e.retry, field: 'pairCode' });
		}
		case 'verifyCodeAccepted':
			log.info(`${LOG}: the number was accepted; confirm on the phone.`);
			return ilinkEvent('verifyCodeAccepted', { message: 'The number was accepted; confirm the login on the phone.' });
		case 'verifyCodeBlocked':
			log.warn(`${LOG}: the number was entered wrong too often; a new QR code follows.`);
			return ilinkEvent('verifyCodeBlocked', { message: 'The number was entered wrong too often; WeChat blocked this QR code. A new one follows.' });
		case 'qrExpired':
			log.info(`${LOG}: the QR code expired; a new one follows.`);
			return null;
		case 'redirected':
			log.info(`${LOG}: WeChat moved the login to another host; following it.`);
			return null;
		case 'alreadyBound':
			log.info(`${LOG}: WeChat says this bot is already bound; continuing with it.`);
			return null;
		case 'confirmed':
		default:
			return null;
	}
}

export function loggedInEvent(bot: BotRef): INodeExecutionData {
	return ilinkEvent('loggedIn', { message: 'The bot is bound to your WeChat; messages you send it start the workflow.', how: 'qr' }, bot);
}

export function restoredEvent(bot: BotRef): INodeExecutionData {
	return ilinkEvent('sessionRestored', { message: 'Continued the stored bot session; no login needed.' }, bot);
}

export const STALE_MESSAGE =
	'WeChat ended the bot session (errcode -14): the bot was bound elsewhere (a newer QR login) or the session timed out. The trigger stays idle; deactivate and activate the workflow (or run it by hand) to log in again with a new QR code.';

export function staleEvent(bot: BotRef): INodeExecutionData {
	return ilinkEvent('sessionStale', { message: STALE_MESSAGE, reason: 'sessionStale', errcode: -14 }, bot);
}

export function windowExpiringEvent(bot: BotRef, chatId: string, expiresAt: number, now: number): INodeExecutionData {
	const minutes = Math.max(0, Math.round((expiresAt - now) / 60_000));
	const at = new Date(expiresAt).toISOString();
	return ilinkEvent(
		'windowExpiring',
		{
			message: `The bot can reply until ${at} (in about ${minutes} min); after that it cannot send until the owner writes to the bot again. Write to the bot in WeChat to reopen the window.`,
			chatId,
			windowExpiresAt: at,
			minutesLeft: minutes,
		},
		bot,
	);
}
