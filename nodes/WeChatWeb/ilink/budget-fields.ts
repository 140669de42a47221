/**
 * The send budget as it appears on every result item of a send (and on Session
 * → Get Status): when the owner's reply window closes and how many sends are
 * left in it. Token-free: the context token stays in the credential.
 */
import type { IDataObject } from 'n8n-workflow';
import type { IlinkClient } from '../../../lib/ilink';

function iso(ms: number | undefined): string | null {
	return ms === undefined ? null : new Date(ms).toISOString();
}

export function budgetFields(client: IlinkClient, chat: string): IDataObject {
	const status = client.budgetStatus(chat);
	return {
		route: 'ilink',
		windowExpiresAt: iso(status.windowExpiresAt),
		sendsLeft: status.sendsLeft,
		blockedUntil: iso(status.blockedUntil),
	};
}
