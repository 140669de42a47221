/**
 * Remembering a stale session (-14) across n8n restarts, like ../refusal.ts on
 * the Web route: the trigger marks the session (a token-free fingerprint) in
 * static data, saved with the sessionStale event's emit. After an n8n restart
 * (activation `init`) it stays idle instead of logging in; a user's activation
 * or manual run logs in again (a new QR), and a new session in the credential
 * clears the mark.
 */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';

const STALE_KEY = 'ilinkStale';

export type StaleVerdict = 'none' | 'idle' | 'login';

export function markStale(ctx: ITriggerFunctions, account: string, at: number): void {
	if (account) ctx.getWorkflowStaticData('node')[STALE_KEY] = { account, at };
}

/** `idle`: stay idle (logged); `login`: the user asked again, log in with a new QR; `none`: no mark for this session. */
export function staleBefore(ctx: ITriggerFunctions, manual: boolean, account: string): StaleVerdict {
	const staticData = ctx.getWorkflowStaticData('node');
	const mark = readMark(staticData);
	if (!mark) return 'none';
	if (!account || mark.account !== account) {
		delete staticData[STALE_KEY];
		return 'none';
	}
	if (manual || ctx.getActivationMode() === 'activate') {
		delete staticData[STALE_KEY];
		return 'login';
	}
	ctx.logger.error(
		`WeChat Web Trigger (iLink): WeChat ended this bot session at ${new Date(mark.at).toISOString()} (errcode -14); the trigger stays idle and does not log in by itself. Deactivate and activate the workflow to log in again with a new QR code.`,
	);
	return 'idle';
}

function readMark(staticData: IDataObject): { account: string; at: number } | undefined {
	const m = staticData[STALE_KEY] as { account?: unknown; at?: unknown } | undefined;
	return m && typeof m.account === 'string' && typeof m.at === 'number' ? { account: m.account, at: m.at } : undefined;
}
