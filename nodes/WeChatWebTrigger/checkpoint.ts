/**
 * The sync position lives in the workflow's static data (`getWorkflowStaticData('node')`):
 * the client's whole session JSON — tokens, SyncKey/SyncCheckKey and the recent
 * MsgIds used for de-duplication. n8n saves static data when the trigger emits,
 * which makes "position saved" and "item handed over" one step.
 */
import type { IDataObject } from 'n8n-workflow';
import { sessionTokens } from '../shared/credential-data';

export const STATIC_SESSION_KEY = 'session';

export function storedSession(staticData: IDataObject): string {
	const value = staticData[STATIC_SESSION_KEY];
	return typeof value === 'string' ? value : '';
}

/**
 * Where to start: the static data when it continues the credential's login
 * (same `sid`: it carries the newer position and seen MsgIds) or the credential
 * has none; otherwise the credential's session (a newer login, e.g. pasted from
 * the command line or done by another process).
 */
export function startingSession(staticData: IDataObject, credentialSession: string): { json: string; source: 'staticData' | 'credential' | 'none' } {
	const fromStatic = storedSession(staticData);
	if (fromStatic && (!credentialSession || sessionTokens(fromStatic).sid === sessionTokens(credentialSession).sid)) return { json: fromStatic, source: 'staticData' };
	if (credentialSession) return { json: credentialSession, source: 'credential' };
	return { json: '', source: 'none' };
}

export function saveSession(staticData: IDataObject, json: string): void {
	if (staticData[STATIC_SESSION_KEY] !== json) staticData[STATIC_SESSION_KEY] = json;
}
