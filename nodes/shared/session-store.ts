/**
 * The home of the session on the n8n side. One module owns:
 * - the one place a client is built (`openClient`), always with the
 *   write-back transport, so every login or refreshed SKey reaches the credential;
 * - the per-account registry of this process: the trigger's live client, the
 *   action nodes' cached one, restore-once when many executions start together,
 *   and one send queue per account that survives a trigger restart;
 * - the sync-loop lock (one receiver per account and process).
 * Checkpoints (the receive position) live in ./checkpoint.ts; reading the
 * credential in ./credential-data.ts.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { HttpTransport, Logger } from '../../lib/wechat';
import { LoggedOutError, LOGOUT_TEXT, NotLoggedInError, SendPacer, WeChatClient, WeChatError } from '../../lib/wechat';
import { accountSettings, CREDENTIAL_TYPE, NOT_LOGGED_IN_MESSAGE, sessionForCredential, sessionTokens } from './credential-data';
import type { RequestContext } from './n8n-runtime';
import { n8nClock, N8nTransport } from './n8n-runtime';
import { SessionTransport } from './session-transport';

/** A client restored for action nodes reloads its contacts when older than this. */
export const CONTACTS_MAX_AGE_MS = 10 * 60 * 1000;

interface Entry {
	client: WeChatClient;
	/** Held by a running trigger: its sync loop keeps session and contacts current. */
	live: boolean;
}

const entries = new Map<string, Entry>();
const restoring = new Map<string, Promise<WeChatClient>>();
const pacers = new Map<string, SendPacer>();

export function accountKey(ctx: Pick<RequestContext, 'getNode'>): string {
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return ref?.id ? `id:${ref.id}` : `name:${ref?.name ?? 'unsaved'}`;
}

export interface OpenedClient {
	client: WeChatClient;
	/** The credential's session ('' when it has none). */
	sessionJson: string;
	data: ICredentialDataDecryptedObject;
	transport: SessionTransport;
}

/**
 * The one construction of a client on the n8n side: the credential's settings
 * over a given transport. Everything else (nodes, trigger, credential test)
 * comes through here.
 */
export function buildClient(data: ICredentialDataDecryptedObject, transport: HttpTransport, logger?: Logger, pacer?: SendPacer): WeChatClient {
	const settings = accountSettings(data);
	return new WeChatClient({ transport, clock: n8nClock, logger, mode: settings.mode, originOverride: settings.originOverride, pacing: settings.pacing, pacer });
}

/**
 * A client for a node: n8n's request helpers behind the write-back rule, and
 * this account's send queue (shared by every client of the account in this
 * process, so neither a trigger restart nor a second workflow resets the
 * minute's send count).
 */
export async function openClient(ctx: RequestContext, logger?: Logger): Promise<OpenedClient> {
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE);
	const settings = accountSettings(data);
	const sessionJson = sessionForCredential(data);
	const key = accountKey(ctx);
	let pacer = pacers.get(key);
	if (!pacer || !pacer.hasOptions(settings.pacing)) {
		pacer = new SendPacer(n8nClock, settings.pacing);
		pacers.set(key, pacer);
	}
	// The transport asks the client for its session: the client is built right after it.
	const built: { client?: WeChatClient } = {};
	const transport = new SessionTransport(new N8nTransport(ctx, logger), () => built.client?.currentSession() ?? null, sessionTokens(sessionJson).sid);
	const client = buildClient(data, transport, logger, pacer);
	built.client = client;
	return { client, sessionJson, data, transport };
}

/** The trigger announces its client while its loop runs. */
export function registerLiveClient(key: string, client: WeChatClient): void {
	entries.set(key, { client, live: true });
}

export function unregisterLiveClient(key: string, client: WeChatClient): void {
	if (entries.get(key)?.client === client) entries.delete(key);
}

/** A client that logged in outside the trigger (the action node's QR login) becomes this account's client. */
export function adoptClient(key: string, client: WeChatClient): void {
	entries.set(key, { client, live: false });
}

/** Forget a client whose session died, so the next execution restores from the credential again. */
export function forgetClient(key: string, client?: WeChatClient): void {
	const entry = entries.get(key);
	if (entry && (!client || entry.client === client || entry.client.sharesSessionWith(client))) entries.delete(key);
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

/** Whether a trigger runs the loop of this account in this process now. */
export function syncLoopHeld(key: string): boolean {
	return syncLoops.has(key);
}

export function releaseSyncLoop(key: string, owner: object): void {
	if (syncLoops.get(key) === owner) syncLoops.delete(key);
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
	if (entry?.live && entry.client.hasSession()) return fork(entry.client);
	if (!sessionJson) throw new NotLoggedInError(NOT_LOGGED_IN_MESSAGE);
	const stored = sessionTokens(sessionJson);
	if (entry?.client.hasSession() && entry.client.sessionId() === stored.sid) {
		// The process running the trigger (queue mode: main) writes a refreshed SKey into the
		// credential; a client cached here before that would be refused with the old one.
		entry.client.adoptRefreshedSkey(stored.skey);
		if (entry.client.contactsOlderThan(CONTACTS_MAX_AGE_MS, Date.now())) await fork(entry.client).loadContacts();
		return fork(entry.client);
	}
	let pending = restoring.get(key);
	if (!pending) {
		pending = (async () => {
			const { client } = await openClient(ctx, logger);
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
	return new NotLoggedInError(
		`The stored WeChat session is no longer valid (${LOGOUT_TEXT[err.reason]}). Log in again: activate the WeChat Web Trigger and scan the QR code, or paste a new session.`,
	);
}

/** Test hook: forget every client (each test starts from the credential). */
export function resetAccounts(): void {
	entries.clear();
	restoring.clear();
	syncLoops.clear();
	pacers.clear();
}
