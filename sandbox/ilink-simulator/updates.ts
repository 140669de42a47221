/**
 * `ilink/bot/getupdates` (ilink-protocol.md §3): a long poll with the opaque
 * `get_updates_buf` cursor. Default `consume` mode: a message is gone once it
 * has been written to a poll's answer, so an old cursor re-delivers nothing
 * (Tencent/openclaw-weixin#164). `replay` mode: a cursor re-delivers what came
 * after it (zts212653/clowder-ai#998).
 */

import { checkBotCall, PARAM_ERROR, refuse, SESSION_TIMEOUT } from './checks';
import { opaque } from './crypto';
import type { Exchange } from './exchange';
import type { Bot, PendingMessage, SimState } from './state';

const DEFAULT_HOLD = 35_000;

function pendingFor(state: SimState, bot: Bot, cursor: string): { msgs: PendingMessage[]; from: number } {
	if (state.opts.cursorMode === 'replay') {
		const from = bot.cursors.get(cursor) ?? 0;
		return { msgs: bot.queue.filter((m) => m.seq > from), from };
	}
	return { msgs: bot.queue.filter((m) => m.seq > bot.consumedSeq), from: bot.consumedSeq };
}

function issueCursor(bot: Bot, acked: number): string {
	const c = opaque('', 36);
	bot.cursors.set(c, acked);
	return c;
}

export function getUpdates(state: SimState, ex: Exchange): void {
	const call = checkBotCall(state, ex);
	if (!call) return;
	const { bot, body } = call;
	let cursor = body.get_updates_buf;
	if (cursor === undefined && typeof body.sync_buf === 'string') {
		ex.record.warnings.push('sync_buf is the deprecated alias of get_updates_buf');
		cursor = body.sync_buf;
	}
	if (cursor === undefined) cursor = '';
	if (typeof cursor !== 'string') return void refuse(ex, 'get_updates_buf is not a string', PARAM_ERROR);
	if (cursor !== '' && !bot.cursors.has(cursor)) ex.record.warnings.push('get_updates_buf was not issued to this bot');
	const hold = state.opts.updatesHoldMs ?? DEFAULT_HOLD;
	const buf = cursor;

	const write = (msgs: PendingMessage[], from: number) => {
		const top = msgs.reduce((max, m) => Math.max(max, m.seq), from);
		const next = issueCursor(bot, top);
		const written = ex.json({ ret: 0, msgs: msgs.map((m) => m.message), get_updates_buf: next, longpolling_timeout_ms: hold });
		if (written && state.opts.cursorMode !== 'replay' && msgs.length) {
			bot.consumedSeq = Math.max(bot.consumedSeq, top);
			bot.queue = bot.queue.filter((m) => m.seq > bot.consumedSeq);
		}
	};
	const gone = () => state.bot !== bot || bot.stale;

	state.holds.hold(
		ex,
		hold,
		() => {
			if (gone()) {
				ex.record.rejection = 'session ended while held';
				ex.json(SESSION_TIMEOUT);
				return true;
			}
			const { msgs, from } = pendingFor(state, bot, buf);
			if (msgs.length === 0) return false;
			write(msgs, from);
			return true;
		},
		() => {
			if (gone()) return void ex.json(SESSION_TIMEOUT);
			const { from } = pendingFor(state, bot, buf);
			write([], from);
		},
	);
}

export function pendingCount(state: SimState): number {
	const bot = state.bot;
	return bot ? bot.queue.filter((m) => m.seq > bot.consumedSeq).length : 0;
}
