/**
 * Remembering a refusal across n8n restarts. When WeChat ends a session right
 * after its login (the 2025 pattern, lib/wechat/errors.ts kickedRightAfterLogin)
 * the trigger marks the account (a session fingerprint, no token) in its static
 * data, saved with the loginRefused event's emit. After an n8n restart
 * (activation mode `init`, or a leader change) it then stays idle instead of
 * logging in again; a user's activation or manual run, or a new session in the
 * credential, clears the mark and tries once more.
 */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import { REFUSAL_KICK_HINT } from '../../lib/wechat';
import { sessionFingerprint } from '../shared/credential-data';

const REFUSED_KEY = 'refused';

export function markRefused(ctx: ITriggerFunctions, account: string, at: number): void {
	if (account) ctx.getWorkflowStaticData('node')[REFUSED_KEY] = { account, at };
}

/** True (and the reason logged) when the trigger must stay idle; otherwise any old mark is cleared. */
export function refusedBefore(ctx: ITriggerFunctions, manual: boolean, sessionJson: string): boolean {
	const staticData = ctx.getWorkflowStaticData('node');
	const mark = readMark(staticData);
	if (!mark) return false;
	const current = sessionJson ? sessionFingerprint(sessionJson) : '';
	if (manual || ctx.getActivationMode() === 'activate' || mark.account !== current) {
		delete staticData[REFUSED_KEY];
		return false;
	}
	ctx.logger.error(
		`WeChat Web Trigger: WeChat refused this account on the Web route at ${new Date(mark.at).toISOString()} (it ended the session right after the login); the trigger stays idle and does not log in by itself. ${REFUSAL_KICK_HINT} Deactivate and activate the workflow to try again.`,
	);
	return true;
}

function readMark(staticData: IDataObject): { account: string; at: number } | undefined {
	const m = staticData[REFUSED_KEY] as { account?: unknown; at?: unknown } | undefined;
	return m && typeof m.account === 'string' && typeof m.at === 'number' ? { account: m.account, at: m.at } : undefined;
}
