/**
 * One live client per WeChat account (per credential) in this n8n process, so
 * the trigger and every action node share the session, the contact cache and —
 * most importantly — one send queue, and a session is restored (or refreshed)
 * once even when many executions start together. Other processes (queue-mode
 * workers) build their own from the credential, where logins are written back.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { WeChatClient } from '../../lib/wechat/client';
import { InvalidInputError, LoggedOutError, NotLoggedInError, WeChatError } from '../../lib/wechat/errors';
import type { Logger } from '../../lib/wechat/http';
import { accountSettings, CREDENTIAL_TYPE, NOT_LOGGED_IN_MESSAGE, sessionForCredential, sessionTokens } from './credential-data';
import { deferred } from './deferred';
import type { RequestContext } from './n8n-runtime';
import { SessionTransport } from './session-transport';
import { n8nClock, N8nTransport } from './n8n-runtime';

/** A client restored for action nodes reloads its contacts when older than this. */
export const CONTACTS_MAX_AGE_MS = 10 * 60 * 1000;

interface Entry {
	client: WeChatClient;
	/** Held by a running trigger: its sync loop keeps session and contacts current. */
	live: boolean;
}

const entries = new Map<string, Entry>();
const restoring = new Map<string, Promise<WeChatClient>>();

export function accountKey(ctx: Pick<RequestContext, 'getNode'>): string {
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return ref?.id ? `id:${ref.id}` : `name:${ref?.name ?? 'unsaved'}`;
}

/** The trigger announces its client while its loop runs. */
export function registerLiveClient(key: string, client: WeChatClient): void {
	entries.set(key, { client, live: true });
}

export function unregisterLiveClient(key: string, client: WeChatClient): void {
	if (entries.get(key)?.client === client) entries.delete(key);
}

/** Forget a client whose session died, so the next execution restores from the credential again. */
export function forgetClient(key: string, client?: WeChatClient): void {
	const entry = entries.get(key);
	if (entry && (!client || entry.client === client || entry.client.session === client.session)) entries.delete(key);
}

export function liveClient(key: string): WeChatClient | undefined {
	const entry = entries.get(key);
	return entry?.live ? entry.client : undefined;
}

/**
 * Which trigger runs the sync loop of each account in this process. WeChat
 * serves one receiver per session: two loops would race for the same sync
 * position (and, after a logout, log each other out). n8n activates triggers
 * only in the main process (in multi-main only on the leader), so per process
 * is where a second loop can appear: two active workflows on one credential.
 */
const syncLoops = new Map<string, object>();

/** True when `owner` now runs (or already ran) the loop of this account. */
export function claimSyncLoop(key: string, owner: object): boolean {
	const holder = syncLoops.get(key);
	if (holder && holder !== owner) return false;
	syncLoops.set(key, owner);
	return true;
}

export function releaseSyncLoop(key: string, owner: object): void {
	if (syncLoops.get(key) === owner) syncLoops.delete(key);
}

function newClient(data: ICredentialDataDecryptedObject, ctx: RequestContext, logger?: Logger): WeChatClient {
	const settings = accountSettings(data);
	return new WeChatClient({
		transport: new N8nTransport(ctx),
		clock: n8nClock,
		logger,
		mode: settings.mode,
		originOverride: settings.originOverride,
		pacing: settings.pacing,
	});
}

/**
 * A client for one execution: borrows the live or cached client of this account
 * (forked onto this execution's request helpers), or restores the credential's
 * session once for everybody who asks at the same time.
 */
export async function clientForExecution(ctx: RequestContext, logger?: Logger): Promise<WeChatClient> {
	const key = accountKey(ctx);
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
	const sessionJson = sessionForCredential(data);
	const entry = entries.get(key);
	const fork = (c: WeChatClient) => c.fork({ transport: new N8nTransport(ctx), clock: n8nClock, logger });
	if (entry?.live && entry.client.session) return fork(entry.client);
	if (!sessionJson) throw new NotLoggedInError(NOT_LOGGED_IN_MESSAGE);
	const stored = sessionTokens(sessionJson);
	if (entry?.client.session && entry.client.session.tokens.sid === stored.sid) {
		// The process running the trigger (queue mode: main) writes a refreshed SKey into the
		// credential; a client cached here before that would be refused with the old one.
		entry.client.session.refreshSkey(stored.skey);
		if (Date.now() - entry.client.contactsLoadedAt > CONTACTS_MAX_AGE_MS) await fork(entry.client).loadContacts();
		return fork(entry.client);
	}
	let pending = restoring.get(key);
	if (!pending) {
		pending = (async () => {
			const client = newClient(data, ctx, logger);
			const failure = await client.restore(sessionJson).then(
				() => null,
				(err: unknown) => err,
			);
			if (failure) throw restoreFailure(failure);
			entries.set(key, { client, live: false });
			return client;
		})().finally(() => restoring.delete(key));
		restoring.set(key, pending);
	}
	return fork(await pending);
}

/** Why a stored session could not be used, as the error a user can act on. */
function restoreFailure(err: unknown): unknown {
	// Session.fromJSON: the stored text is not a session this package can read.
	if (!(err instanceof WeChatError)) return new NotLoggedInError(`${(err as Error).message} ${NOT_LOGGED_IN_MESSAGE}`);
	if (!(err instanceof LoggedOutError)) return err;
	const why = err.message.replace(/^WeChat logged this session out: /, '');
	return new NotLoggedInError(
		`The stored WeChat session is no longer valid (${why}) Log in again: activate the WeChat Web Trigger and scan the QR code, or paste a new session.`,
	);
}

/** A client the trigger owns (logs in, runs the loop); nothing cached is reused. */
export async function triggerClient(ctx: RequestContext, logger?: Logger): Promise<{ client: WeChatClient; transport: N8nTransport; sessionJson: string; data: ICredentialDataDecryptedObject }> {
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
	const transport = new N8nTransport(ctx);
	const settings = accountSettings(data);
	const client = new WeChatClient({ transport, clock: n8nClock, logger, mode: settings.mode, originOverride: settings.originOverride, pacing: settings.pacing });
	return { client, transport, sessionJson: sessionForCredential(data), data };
}

/** Test hook: forget every client (each test starts from the credential). */
export function resetAccounts(): void {
	entries.clear();
	restoring.clear();
	pendingLogins.clear();
	syncLoops.clear();
}

/** QR logins started by the action node that still wait for the phone, by account. */
const pendingLogins = new Map<string, Promise<unknown>>();

export interface StartedLogin {
	uuid: string;
	url: string;
	/** Settles when the phone confirmed (session stored) or the QR expired. */
	done: Promise<void>;
}

/**
 * Starts a QR login for the action node: resolves as soon as the QR exists (so
 * the execution can hand it on), while scan polling continues in this n8n
 * process. On confirmation the session is written into the credential (through
 * the SessionTransport rule) and becomes this process's client for the account.
 */
export async function startQrLogin(ctx: RequestContext, logger?: Logger): Promise<StartedLogin> {
	const key = accountKey(ctx);
	if (pendingLogins.has(key)) {
		throw new InvalidInputError(
			'A login for this account is already waiting for the phone.',
			'Scan the QR code returned earlier, or wait until it expires (about 4 minutes) and run this again.',
		);
	}
	const { client, transport, sessionJson } = await triggerClient(ctx, logger);
	client.http.rebind(new SessionTransport(transport, () => client.session, sessionTokens(sessionJson).sid));
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
			entries.set(key, { client, live: false });
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
