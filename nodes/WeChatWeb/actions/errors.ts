/**
 * Node-level wording for protocol errors whose meaning depends on what the
 * user was doing (a refused revoke, a rate limit after the client's retries).
 * Everything stays a WeChatError so nodes/shared maps it and "Continue On Fail"
 * items carry its code and hint.
 */
import type { WeChatClient } from '../../../lib/wechat';
import { ApiError, RateLimitedError, WeChatError } from '../../../lib/wechat';
import { durationText } from './util';

/** WeChat only lets the sender recall a message within 2 minutes (protocol.md §1.13). */
export const REVOKE_WINDOW_MS = 2 * 60 * 1000;

export function revokeRefused(err: ApiError, msgId: string, sentAtMs: number | undefined, now: number): WeChatError {
	const server = `Ret ${err.ret}${err.serverMessage ? ` (${err.serverMessage})` : ''}`;
	const age = sentAtMs !== undefined ? now - sentAtMs : undefined;
	if (age !== undefined && age > REVOKE_WINDOW_MS) {
		return new WeChatError(
			'API',
			`Message ${msgId} can no longer be revoked: it was sent ${durationText(age)} ago and WeChat only allows revoking within 2 minutes (server: ${server}).`,
			'Revoke right after sending (within 2 minutes), e.g. directly after the send node.',
		);
	}
	return new WeChatError(
		'API',
		`WeChat refused to revoke message ${msgId} (${server}). Most likely the 2-minute revoke window has passed, or the message was not sent by this session to that chat.`,
		'Only messages this account sent in this login session, less than 2 minutes ago, can be revoked; use the msgId, clientMsgId and toUserName the send returned.',
	);
}

export function isRevokeRefusal(err: unknown): err is ApiError {
	return err instanceof ApiError && err.endpoint === 'webwxrevokemsg';
}

/** Says how long to wait and what to change, with the account's pacing settings. */
export function rateLimited(err: RateLimitedError, client: WeChatClient | undefined): WeChatError {
	const pacing = client?.pacingSettings();
	const retries = pacing?.rateLimitRetries ?? 0;
	const wait = Math.max(5 * 60 * 1000, pacing?.rateLimitBackoffCapMs ?? 0);
	const settings = pacing
		? ` Then send less often: raise "Minimum Seconds Between Sends" (now ${pacing.minIntervalMs / 1000} s) or lower "Maximum Sends per Minute" (now ${pacing.maxPerMinute}) in the WeChat Web credential.`
		: ' Then raise "Minimum Seconds Between Sends" in the WeChat Web credential.';
	return new WeChatError(
		'RATE_LIMITED',
		`${err.message.replace(/\.$/, '')}${retries ? `, still after ${retries} automatic retries with back-off` : ''}. Wait about ${durationText(wait)} before trying again.`,
		`WeChat is rate limiting this account. Pause for at least ${durationText(wait)}.${settings} If it continues WeChat logs the session out.`,
		true,
	);
}

/** The wording users see for an error raised while running an operation. */
export function explainError(err: unknown, client: WeChatClient | undefined): unknown {
	if (err instanceof RateLimitedError) return rateLimited(err, client);
	return err;
}
