/**
 * Session → Log In: a QR login started by the action node. Resolves as soon as
 * the QR exists (so the execution can hand it on), while scan polling
 * continues in this n8n process. On confirmation the session reaches the
 * credential (the write-back transport) and becomes this process's client.
 */
import type { Logger } from '../../../lib/wechat';
import { InvalidInputError } from '../../../lib/wechat';
import { deferred } from '../../shared/deferred';
import type { RequestContext } from '../../shared/n8n-runtime';
import { accountKey, adoptClient, openClient } from '../../shared/session-store';

/** QR logins that still wait for the phone, by account. */
const pendingLogins = new Map<string, Promise<unknown>>();

export interface StartedLogin {
	uuid: string;
	url: string;
	/** Settles when the phone confirmed (session stored) or the QR expired. */
	done: Promise<void>;
}

export async function startQrLogin(ctx: RequestContext, logger?: Logger): Promise<StartedLogin> {
	const key = accountKey(ctx);
	if (pendingLogins.has(key)) {
		throw new InvalidInputError(
			'A login for this account is already waiting for the phone.',
			'Scan the QR code returned earlier, or wait until it expires (about 4 minutes) and run this again.',
		);
	}
	const { client } = await openClient(ctx, logger);
	const first = deferred<{ uuid: string; url: string }>();
	// One QR, no push login: nobody would see a second QR or know to look at the phone.
	const login = client.login({
		previous: null,
		push: false,
		maxQrRefreshes: 0,
		onEvent: (e) => {
			if (e.type === 'qr') first.resolve({ uuid: e.uuid, url: e.url });
			else if (e.type === 'scanned') logger?.info('WeChat Web: QR code scanned; confirm on the phone.');
		},
	});
	const done = login.then(
		() => {
			adoptClient(key, client);
			logger?.info(`WeChat Web: logged in as ${client.user?.NickName ?? 'unknown'}; the session is stored in the credential.`);
		},
		(err: unknown) => {
			logger?.warn(`WeChat Web: the QR login ended without a session (${err instanceof Error ? err.message : String(err)}).`);
			first.reject(err instanceof Error ? err : new Error(String(err)));
		},
	);
	pendingLogins.set(key, done);
	void done.finally(() => pendingLogins.delete(key));
	const qr = await first.promise;
	return { ...qr, done };
}

/** Test hook. */
export function resetPendingLogins(): void {
	pendingLogins.clear();
}
