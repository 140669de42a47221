/**
 * getconfig / sendtyping (ilink-protocol.md §6) and notifystart / notifystop (§7).
 */

import { checkBotCall, PARAM_ERROR, refuse } from './checks';
import type { Exchange } from './exchange';
import type { SimState } from './state';

export function getConfig(state: SimState, ex: Exchange): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	const user = call.body.ilink_user_id;
	if (typeof user !== 'string' || !user) return void refuse(ex, 'ilink_user_id missing', PARAM_ERROR);
	const conv = state.conversation(call.bot, user);
	const token = call.body.context_token;
	if (token !== undefined && (typeof token !== 'string' || !conv.contextTokens.has(token))) ex.record.warnings.push('context_token is not one of this conversation');
	ex.json({ ret: 0, typing_ticket: conv.typingTicket });
}

export function sendTyping(state: SimState, ex: Exchange): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	const { ilink_user_id: user, typing_ticket: ticket, status } = call.body;
	if (typeof user !== 'string' || !user) return void refuse(ex, 'ilink_user_id missing', PARAM_ERROR);
	if (status !== 1 && status !== 2) return void refuse(ex, 'status is not 1 (typing) or 2 (cancel)', PARAM_ERROR);
	const conv = call.bot.conversations.get(user);
	if (!conv || typeof ticket !== 'string' || ticket !== conv.typingTicket) {
		return void refuse(ex, 'typing_ticket is not the one getconfig gave for this user', { ret: -1, errmsg: 'invalid typing_ticket' });
	}
	conv.typing = status === 1;
	ex.json({ ret: 0 });
}

export function notify(state: SimState, ex: Exchange, online: boolean): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	call.bot.online = online;
	ex.json({ ret: 0, errmsg: '' });
}
