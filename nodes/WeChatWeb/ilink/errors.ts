/**
 * The send budget's refusals in words a workflow author (or an AI agent) can
 * act on: what was refused, why, and when sends reopen — the owner writing
 * anything to the bot reopens them; a ret -2 block ends at a fixed time. The
 * code stays (QUOTA_EXHAUSTED, WINDOW_CLOSED, THROTTLED) so nodes/shared/errors.ts
 * maps it and "Continue On Fail" items carry it.
 */
import type { IlinkClient } from '../../../lib/ilink';
import { IlinkError, QuotaExhaustedError, ThrottledError, WindowClosedError } from '../../../lib/ilink';

const REOPEN = 'Sends reopen as soon as the owner writes anything to the bot in WeChat.';

function iso(ms: number | undefined): string | undefined {
	return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function explainIlinkError(err: unknown, client: IlinkClient | undefined, chat: string | undefined): unknown {
	const status = client && chat ? client.budgetStatus(chat) : undefined;
	if (err instanceof QuotaExhaustedError) {
		const until = iso(status?.windowExpiresAt);
		return new IlinkError(
			'QUOTA_EXHAUSTED',
			`Not sent: the bot's send budget is used up (${err.limit} sends per owner message; this send needs ${err.needed}, ${err.left} left). ${REOPEN}`,
			`iLink lets a bot send about ${err.limit} messages per message of its owner${until ? `, until ${until}` : ''}. Have the owner message the bot, or send less (fewer items, shorter text: every 4000 characters are one send).`,
		);
	}
	if (err instanceof WindowClosedError) {
		const closed = iso(status?.windowExpiresAt);
		return new IlinkError(
			'WINDOW_CLOSED',
			`Not sent: ${err.message.replace(/^No send to this chat is possible: /, '').replace(/\.$/, '')}${closed ? ` (the reply window closed at ${closed})` : ''}. ${REOPEN}`,
			'iLink bots may only answer within 24 hours of the owner\'s last message. Ask the owner to write to the bot, then run again.',
		);
	}
	if (err instanceof ThrottledError) {
		return new IlinkError(
			'THROTTLED',
			`${err.message} Nothing is sent or retried before then.`,
			err.hint,
			true,
		);
	}
	return err;
}
