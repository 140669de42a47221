/**
 * The iLink session on the n8n side: the one construction of an IlinkClient
 * from the `weChatIlinkApi` credential, and the write-back of what must reach
 * the credential — a new login (bot token), the send budget (context tokens,
 * counts, a -2 block) and, in the after-the-run modes, the checkpoint.
 *
 * Everything goes through n8n's request helpers (N8nTransport) with the iLink
 * credential rules (./ilink-credential.ts): before an authenticated request, a
 * changed session or budget is handed to the credential's preAuthentication,
 * so n8n stores it before the request is sent. A reserved send therefore
 * reaches the credential with the sendmessage request itself; a budget change
 * after the last request (a -2, an owner message the trigger is about to hand
 * over) is written by `flush()`, a token-free GET of the service's origin.
 *
 * In one process, clients of one account share what they counted (`remember`
 * / the live trigger's client): an action node sees an owner message the
 * moment the trigger does, not only after the credential was written.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { BudgetState, Logger } from '../../lib/ilink';
import { DEFAULT_BASE_URL, IlinkClient, mergeBudget, NotLoggedInError, parseOriginOverride } from '../../lib/ilink';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat';
import { ILINK_CREDENTIAL_TYPE, ILINK_NOT_LOGGED_IN_MESSAGE, ilinkCredentialRules, ilinkSessionForCredential, ilinkSettings, readIlinkSession, storedBudget } from './ilink-credential';
import type { RequestContext } from './n8n-runtime';
import { n8nClock, N8nTransport } from './n8n-runtime';

/** What each account's clients in this process counted last, per bot (merged into every new client). */
const budgets = new Map<string, { botId: string; state: BudgetState }>();
/** The trigger's client per account while its loop runs. */
const live = new Map<string, IlinkClient>();

export function ilinkAccountKey(ctx: Pick<RequestContext, 'getNode'>): string {
	const ref = ctx.getNode().credentials?.[ILINK_CREDENTIAL_TYPE];
	return ref?.id ? `ilink:id:${ref.id}` : `ilink:name:${ref?.name ?? 'unsaved'}`;
}

/** n8n's transport plus the iLink write-back rule (see the file comment). */
export class IlinkSessionTransport implements HttpTransport {
	private persistedSession: string;
	private persistedBudget: string;
	client?: IlinkClient;

	constructor(
		readonly inner: N8nTransport,
		credentialSession: string,
		credentialBudget: BudgetState,
		/** Where flush() sends its token-free GET: the service's (or the override's) origin. */
		private readonly flushUrl: string,
	) {
		this.persistedSession = credentialSession;
		this.persistedBudget = JSON.stringify(credentialBudget);
	}

	/** Queue a checkpoint for the credential with the next authenticated request. */
	persistCheckpoint(checkpoint: string): void {
		this.inner.persistOnNextRequest({ checkpoint });
	}

	/** Log Out: the credential forgets its session (and budget, checkpoint) with the next request; nothing of this client is written after. */
	forgetSession(): void {
		this.client = undefined;
		this.inner.persistOnNextRequest({ session: '' });
	}

	/** True when the session or budget differs from what the credential got last. */
	get changed(): boolean {
		return this.queueChanges(false);
	}

	/** Write what is queued (and any session or budget change) now. */
	async flush(): Promise<void> {
		this.queueChanges(true);
		await this.inner.flush(this.flushUrl);
	}

	async request(req: HttpRequest): Promise<HttpResponse> {
		if (req.purpose !== 'login') this.queueChanges(true);
		return await this.inner.request(req);
	}

	private queueChanges(queue: boolean): boolean {
		const client = this.client;
		if (!client?.hasSession) return this.inner.hasPendingPersist;
		const session = client.toJSON();
		const budget = JSON.stringify(client.budget());
		const changed = session !== this.persistedSession || budget !== this.persistedBudget;
		if (changed && queue) {
			const update: { session?: string; budget: BudgetState; budgetBot?: string } = { budget: client.budget(), budgetBot: client.botId };
			if (session !== this.persistedSession) update.session = session;
			this.inner.persistOnNextRequest(update);
			this.persistedSession = session;
			this.persistedBudget = budget;
		}
		return changed || this.inner.hasPendingPersist;
	}
}

export interface OpenedIlinkClient {
	client: IlinkClient;
	/** The credential's session ('' when it has none). */
	sessionJson: string;
	data: ICredentialDataDecryptedObject;
	transport: IlinkSessionTransport;
	key: string;
}

/**
 * The one construction of an IlinkClient on the n8n side: the credential's
 * settings, its session and budget (restored when there is a session), and
 * what this process counted for the account.
 */
export async function openIlinkClient(ctx: RequestContext, logger?: Logger): Promise<OpenedIlinkClient> {
	const data = await ctx.getCredentials<ICredentialDataDecryptedObject>(ILINK_CREDENTIAL_TYPE);
	const settings = ilinkSettings(data);
	const sessionJson = ilinkSessionForCredential(data);
	const budget = storedBudget(data);
	const stored = readIlinkSession(sessionJson);
	let flushUrl = `${new URL(DEFAULT_BASE_URL).origin}/`;
	try {
		flushUrl = `${new URL(settings.originOverride ? parseOriginOverride(settings.originOverride) : (stored?.baseUrl ?? DEFAULT_BASE_URL)).origin}/`;
	} catch {
		// A bad override or base URL: the client below refuses it with its own, clear message.
	}
	const transport = new IlinkSessionTransport(new N8nTransport(ctx, logger, ilinkCredentialRules), stored ? sessionJson : '', budget, flushUrl);
	const key = ilinkAccountKey(ctx);
	// Clients of one account in this process share every reservation at once (two executions cannot both take the last send).
	const built: { client?: IlinkClient } = {};
	const client = new IlinkClient({
		transport,
		clock: n8nClock,
		logger,
		originOverride: settings.originOverride,
		budget: settings.budget,
		onBudgetChange: () => {
			if (built.client) rememberBudget(key, built.client);
		},
		sharedBudget: () => {
			const counted = budgets.get(key);
			return counted && counted.botId === built.client?.botId ? counted.state : undefined;
		},
	});
	built.client = client;
	transport.client = client;
	if (stored) {
		client.restore(sessionJson, { budget });
		const trigger = live.get(key);
		if (trigger?.hasSession && trigger.botId === client.botId) client.mergeBudget(trigger.budget());
		const counted = budgets.get(key);
		if (counted && counted.botId === client.botId) client.mergeBudget(counted.state);
	}
	return { client, sessionJson, data, transport, key };
}

/** A client for one execution of the action node: the credential's session, or a clear "log in first". */
export async function ilinkClientForExecution(ctx: RequestContext, logger?: Logger): Promise<OpenedIlinkClient> {
	const opened = await openIlinkClient(ctx, logger);
	if (!opened.client.hasSession) {
		if (opened.sessionJson) throw new NotLoggedInError(`The iLink session in this credential cannot be read. ${ILINK_NOT_LOGGED_IN_MESSAGE}`);
		throw new NotLoggedInError(ILINK_NOT_LOGGED_IN_MESSAGE);
	}
	return opened;
}

/** After sends: this process's clients of the account start from what this one counted. */
export function rememberBudget(key: string, client: IlinkClient): void {
	const botId = client.botId;
	if (!botId) return;
	const before = budgets.get(key);
	budgets.set(key, { botId, state: before?.botId === botId ? mergeBudget(before.state, client.budget()) : client.budget() });
}

export function registerLiveIlinkClient(key: string, client: IlinkClient): void {
	live.set(key, client);
}

export function unregisterLiveIlinkClient(key: string, client: IlinkClient): void {
	if (live.get(key) === client) live.delete(key);
}

/** Test hook. */
export function resetIlinkAccounts(): void {
	budgets.clear();
	live.clear();
}
