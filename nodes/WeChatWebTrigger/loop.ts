/**
 * The trigger's life: get a session (restore, push login, QR login), run the
 * receive loop, hand batches to n8n, log in again after a logout, and stop
 * everything at once when n8n closes the trigger. One AbortController ends the
 * long poll, every sleep, login poll and download.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IDeferredPromise, INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat/client';
import { LoggedOutError, LoginRefusedError, NotLoggedInError, WeChatError } from '../../lib/wechat/errors';
import type { LoginEvent } from '../../lib/wechat/login';
import { LoginCancelledError, LoginTimeoutError } from '../../lib/wechat/login';
import type { Session } from '../../lib/wechat/session';
import type { WeChatMessage } from '../../lib/wechat/types';
import { accountKey, claimSyncLoop, registerLiveClient, releaseSyncLoop, triggerClient, unregisterLiveClient } from '../shared/accounts';
import { CREDENTIAL_TYPE, sessionForCredential, sessionTokens } from '../shared/credential-data';
import { deferred } from '../shared/deferred';
import { toNodeError } from '../shared/errors';
import { messageJson } from '../shared/items';
import { n8nClock } from '../shared/n8n-runtime';
import { saveSession, startingSession } from './checkpoint';
import type { TriggerSettings } from './filters';
import { messageFilter, readSettings } from './filters';
import type { AccountRef } from './login-events';
import { accountOf, accountOfJson, eventItem, loggedInItem, loggedOutItem, loginEventItem, refusedItem } from './login-events';
import { downloadMessageMedia } from './media';
import { SessionTransport } from '../shared/session-transport';

/** Back-off for transient failures outside the sync loop (which has its own). */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 5 * 60_000;
/** After a QR login nobody completed: wait 5 min, then 10, 20 … at most 2 h before the next QR round. */
export const LOGIN_PAUSE_START_MS = 5 * 60_000;
export const LOGIN_PAUSE_MAX_MS = 2 * 60 * 60_000;
/** closeFunction waits this long for the loop to wind down after aborting it. */
export const CLOSE_WAIT_MS = 2000;
/**
 * "After the workflow finished": a batch whose run crashed (queue mode: the
 * worker died, and n8n's recovery marked the execution crashed instead of
 * running it again) is handed over again, at most this many times.
 */
export const CRASH_REDELIVERIES = 2;
/**
 * After a logout, how often (and how far apart) the credential is read for a
 * session another process logged in meanwhile (that login is what ended ours).
 */
export const HANDOVER_CHECKS = 3;
export const HANDOVER_GAP_MS = 1000;
/** A trigger waiting for another workflow's loop on the same account checks this often. */
export const SYNC_LOOP_WAIT_MS = 5000;
/** Manual run that answered with a QR code: how long closing waits for the phone to finish the login. */
export const MANUAL_LOGIN_GRACE_MS = 5 * 60_000;

type Attempt = { ok: true; how: 'restored' | 'login' } | { ok: false; error: unknown };
type Drained = { kind: 'ended' } | { kind: 'loggedOut'; error: LoggedOutError } | { kind: 'failed'; error: unknown };

export class TriggerLoop {
	private readonly controller = new AbortController();
	private readonly signal = this.controller.signal;
	private readonly filter: (m: WeChatMessage) => boolean;
	private readonly activated = deferred<void>();
	private readonly firstEmit = deferred<void>();
	private loop?: Promise<void>;
	private emitted = false;
	private registered = false;
	private fatal?: Error;
	/** Settles when a login that waits for the phone (QR shown / push sent) ends either way. */
	private phonePending: IDeferredPromise<void> | null = null;
	private loginVia: 'qr' | 'push' = 'qr';
	private closeCalls = 0;
	private graceController?: AbortController;
	/** Whose account this is, as far as known (a push login is for the previous session's account). */
	private lastAccount?: AccountRef;

	private constructor(
		private readonly ctx: ITriggerFunctions,
		private readonly settings: TriggerSettings,
		private readonly client: WeChatClient,
		private readonly transport: SessionTransport,
		private readonly staticData: IDataObject,
		private readonly initialSession: string,
		private readonly manual: boolean,
	) {
		this.filter = messageFilter(settings);
		this.lastAccount = accountOfJson(initialSession);
	}

	static async create(ctx: ITriggerFunctions): Promise<TriggerLoop> {
		const settings = readSettings(ctx);
		const { client, transport, sessionJson } = await triggerClient(ctx, ctx.logger);
		const sessionTransport = new SessionTransport(transport, () => client.session, sessionTokens(sessionJson).sid);
		client.http.rebind(sessionTransport);
		const staticData = ctx.getWorkflowStaticData('node');
		const start = startingSession(staticData, sessionJson);
		if (start.source !== 'none') ctx.logger.debug(`WeChat Web Trigger: starting from the session in the ${start.source === 'staticData' ? 'workflow static data' : 'credential'}.`);
		return new TriggerLoop(ctx, settings, client, sessionTransport, staticData, start.json, ctx.getMode() === 'manual');
	}

	/** Production: start the loop; errors reach n8n (emitError) only after trigger() returned. */
	start(): void {
		this.loop ??= this.run();
	}

	/** trigger() is about to return. */
	markActivated(): void {
		this.activated.resolve();
	}

	/** Manual mode: the same loop, resolved by its first emit (a message, or a login event such as the QR code). */
	async runManual(): Promise<void> {
		this.markActivated();
		this.start();
		await Promise.race([this.firstEmit.promise, this.loop]);
		if (this.fatal) throw this.fatal;
	}

	async close(): Promise<void> {
		this.closeCalls++;
		if (this.manual && this.closeCalls === 1 && this.phonePending && !this.signal.aborted) {
			// The manual run's output was a QR code or push request: let the phone finish that login (bounded),
			// so the session reaches the credential. A second call (execution cancelled) ends it at once.
			this.ctx.logger.info(`WeChat Web Trigger: waiting up to ${MANUAL_LOGIN_GRACE_MS / 60_000} minutes for the login on the phone.`);
			this.graceController = new AbortController();
			await Promise.race([this.phonePending.promise, this.pause(MANUAL_LOGIN_GRACE_MS, this.graceController.signal)]);
		}
		this.graceController?.abort();
		this.controller.abort();
		if (this.loop) {
			const wait = new AbortController();
			await Promise.race([this.loop, this.pause(CLOSE_WAIT_MS, wait.signal)]);
			wait.abort();
		}
		this.unregister();
	}

	// ------------------------------------------------------------------------------------------

	private async run(): Promise<void> {
		try {
			if (!(await this.claimLoop())) return;
			let connected = await this.connect();
			while (connected && !this.signal.aborted) {
				const loggedOut = await this.receive();
				if (!loggedOut || this.signal.aborted) break;
				const previous = this.client.session;
				const account = accountOf(previous?.user);
				this.unregister();
				this.ctx.logger.warn(`WeChat Web Trigger: ${loggedOut.message} Trying to log in again.`);
				this.emit([], [loggedOutItem(loggedOut, account)]);
				connected = (await this.adoptStoredSession(previous)) || (await this.loginRounds(previous, 0));
			}
		} catch (error) {
			if (!this.signal.aborted) await this.fail(error);
		} finally {
			this.unregister();
			releaseSyncLoop(accountKey(this.ctx), this);
			this.settlePhone();
		}
	}

	/**
	 * Production: one sync loop per account in this process. A second active
	 * workflow on the same credential waits (without any request) until the
	 * first one stops. Manual test runs are short and started by hand: not held back.
	 */
	private async claimLoop(): Promise<boolean> {
		if (this.manual) return true;
		const key = accountKey(this.ctx);
		let warned = false;
		while (!claimSyncLoop(key, this)) {
			if (!warned) {
				warned = true;
				this.ctx.logger.warn(
					'WeChat Web Trigger: another active workflow already receives the messages of this WeChat account; this one waits until that workflow is deactivated.',
				);
			}
			if (!(await this.pause(SYNC_LOOP_WAIT_MS))) return false;
		}
		return true;
	}

	/** Restore the starting session, else push login with it, else QR. */
	private async connect(): Promise<boolean> {
		let delay = RETRY_BASE_MS;
		for (;;) {
			const attempt = await this.attempt(async () => {
				const { how } = await this.client.resume(this.initialSession || null, { signal: this.signal, onEvent: async (e) => await this.onLoginEvent(e) });
				return how;
			});
			if (attempt.ok) {
				this.connected(attempt.how);
				return true;
			}
			const next = this.afterFailedLogin(attempt.error, delay);
			if (next === 'fatal') throw attempt.error as Error;
			if (next === 'stop') return false;
			if (next === 'pause') return await this.loginRounds(null, LOGIN_PAUSE_START_MS);
			if (!(await this.pause(next))) return false;
			delay = Math.min(delay * 2, RETRY_MAX_MS);
		}
	}

	/**
	 * WeChat keeps one web session per account, so a logout often means somebody
	 * logged in elsewhere — e.g. Session → Log In of the action node on a queue-mode
	 * worker, which n8n stored in the credential. Continue with that session rather
	 * than log in again (which would end it in turn).
	 */
	private async adoptStoredSession(previous: Session | null): Promise<boolean> {
		for (let check = 0; check < HANDOVER_CHECKS; check++) {
			if (check > 0 && !(await this.pause(HANDOVER_GAP_MS))) return false;
			let stored = '';
			try {
				stored = sessionForCredential(await this.ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE));
			} catch {
				return false;
			}
			if (!stored || sessionTokens(stored).sid === previous?.tokens.sid) continue;
			const attempt = await this.attempt(async () => {
				await this.client.restore(stored, { signal: this.signal });
				return 'restored';
			});
			if (!attempt.ok) return false;
			this.ctx.logger.info('WeChat Web Trigger: continuing with the session stored in the credential by another login.');
			this.connected('restored');
			return true;
		}
		return false;
	}

	/** Log in (push first when `previous` allows, then QR codes) until it works, is refused, or the trigger closes. */
	private async loginRounds(previous: Session | null, firstWait: number): Promise<boolean> {
		let wait = firstWait;
		let loginPause = firstWait ? Math.min(firstWait * 2, LOGIN_PAUSE_MAX_MS) : LOGIN_PAUSE_START_MS;
		let delay = RETRY_BASE_MS;
		for (;;) {
			if (wait && !(await this.pause(wait))) return false;
			const attempt = await this.attempt(async () => {
				await this.client.login({ previous, signal: this.signal, onEvent: async (e) => await this.onLoginEvent(e) });
				return 'login';
			});
			if (attempt.ok) {
				this.connected('login');
				return true;
			}
			const next = this.afterFailedLogin(attempt.error, delay);
			if (next === 'fatal') throw attempt.error as Error;
			if (next === 'stop') return false;
			if (next === 'pause') {
				// Push login is tried once; later rounds show QR codes.
				previous = null;
				wait = loginPause;
				loginPause = Math.min(loginPause * 2, LOGIN_PAUSE_MAX_MS);
			} else {
				wait = next;
				delay = Math.min(delay * 2, RETRY_MAX_MS);
			}
		}
	}

	private async attempt(fn: () => Promise<'restored' | 'login'>): Promise<Attempt> {
		try {
			return { ok: true, how: await fn() };
		} catch (error) {
			return { ok: false, error };
		} finally {
			this.settlePhone();
		}
	}

	/**
	 * What to do after a failed login: `stop` (closing, or refused: event emitted),
	 * `pause` (nobody confirmed: event emitted), `fatal` (not a WeChat condition),
	 * or retry after so many ms (transient).
	 */
	private afterFailedLogin(error: unknown, delay: number): 'stop' | 'pause' | 'fatal' | number {
		if (this.signal.aborted) return 'stop';
		if (error instanceof LoginRefusedError) {
			this.refused(error);
			return 'stop';
		}
		if (error instanceof LoginTimeoutError || error instanceof LoginCancelledError) {
			const timeout = error instanceof LoginTimeoutError;
			this.ctx.logger.warn(`WeChat Web Trigger: ${error.message} A new login starts later; deactivate the workflow to stop.`);
			this.emit([], [eventItem(timeout ? 'loginTimeout' : 'loginCancelled', { message: error.message, reason: timeout ? 'timeout' : 'cancelled', hint: error.hint }, this.account())]);
			return 'pause';
		}
		if (error instanceof WeChatError && !(error instanceof NotLoggedInError)) {
			this.ctx.logger.warn(`WeChat Web Trigger: could not log in (${error.message}); retrying in ${Math.round(delay / 1000)} s.`);
			return delay;
		}
		return 'fatal';
	}

	/** A session is live: register it, save it, announce a login. */
	private connected(how: 'restored' | 'login'): void {
		const session = this.client.requireSession();
		const account = accountOf(session.user);
		this.lastAccount = account ?? this.lastAccount;
		if (how === 'login') this.transport.persist(session);
		this.register();
		this.commit();
		if (how === 'login') {
			this.ctx.logger.info(`WeChat Web Trigger: logged in as ${account?.nickName ?? 'unknown'}.`);
			this.emit([], [loggedInItem(account, this.loginVia)]);
		} else {
			this.ctx.logger.info(`WeChat Web Trigger: resumed the WeChat session of ${account?.nickName ?? 'unknown'}.`);
		}
	}

	private refused(error: LoginRefusedError): void {
		this.ctx.logger.error(
			`WeChat Web Trigger: ${error.message} ${error.hint} The trigger stays idle and will not try again; deactivate and activate the workflow after fixing the account.`,
		);
		this.emit([], [refusedItem(error, this.account())]);
	}

	private account(): AccountRef | undefined {
		return accountOf(this.client.session?.user) ?? this.lastAccount;
	}

	private async onLoginEvent(event: LoginEvent): Promise<void> {
		if (event.type === 'qr' || event.type === 'pushSent') {
			this.loginVia = event.type === 'qr' ? 'qr' : 'push';
			this.phonePending ??= deferred<void>();
		}
		const previousAccount = event.type === 'pushSent' ? this.account() : undefined;
		const item = await loginEventItem(this.ctx, event, previousAccount);
		if (item && !this.signal.aborted) this.emit([], [item]);
	}

	private settlePhone(): void {
		this.phonePending?.resolve();
		this.phonePending = null;
	}

	// ------------------------------------------------------------------------------------------

	/** Runs client.receive until a logout (returned) or the trigger closes (undefined); transient trouble is retried. */
	private async receive(): Promise<LoggedOutError | undefined> {
		let delay = RETRY_BASE_MS;
		while (!this.signal.aborted) {
			const drained = await this.drain();
			if (drained.kind === 'ended' || this.signal.aborted) return undefined;
			if (drained.kind === 'loggedOut') return drained.error;
			const error = drained.error;
			if (error instanceof LoggedOutError) return error;
			if (!(error instanceof WeChatError)) throw error as Error;
			this.ctx.logger.warn(`WeChat Web Trigger: receiving stopped (${error.message}); restarting in ${Math.round(delay / 1000)} s.`);
			if (!(await this.pause(delay))) return undefined;
			delay = Math.min(delay * 2, RETRY_MAX_MS);
		}
		return undefined;
	}

	private async drain(): Promise<Drained> {
		try {
			for await (const ev of this.client.receive({ signal: this.signal })) {
				if (ev.type === 'messages') await this.deliver(ev.messages);
				else if (ev.type === 'contacts') this.commit();
				else if (ev.type === 'retrying') {
					this.ctx.logger.warn(`WeChat Web Trigger: ${ev.error.message} Retrying in ${Math.round(ev.delayMs / 1000)} s (attempt ${ev.attempt}).`);
				} else if (ev.type === 'recovered') {
					this.ctx.logger.info(`WeChat Web Trigger: connection recovered after ${ev.afterAttempts} attempt(s).`);
				} else if (ev.type === 'loggedOut') {
					return { kind: 'loggedOut', error: ev.error };
				}
				if (this.signal.aborted) break;
			}
			return { kind: 'ended' };
		} catch (error) {
			return { kind: 'failed', error };
		}
	}

	/** One batch: filter, download media, then hand over and save the position in the chosen order. */
	private async deliver(messages: WeChatMessage[]): Promise<void> {
		const kept = messages.filter(this.filter);
		if (!kept.length) {
			// Nothing to hand over: the position may move past these at once.
			this.commit();
			return;
		}
		const items: INodeExecutionData[] = [];
		for (const message of kept) {
			const item: INodeExecutionData = { json: messageJson(message) };
			if (this.settings.downloadMedia && message.media) {
				const media = await downloadMessageMedia(this.ctx, this.client, message, this.settings.maxMediaBytes, this.signal);
				if (media.aborted) return; // Closing: nothing handed over, nothing saved — a restart delivers this batch.
				if (media.binary) item.binary = { [this.settings.binaryPropertyName]: media.binary };
				else if (media.error) item.json.mediaError = media.error;
			}
			items.push(item);
		}
		if (this.signal.aborted) return;
		if (this.settings.advance !== 'onHandOff' && !this.manual) {
			await this.handOverUntilDone(items);
		} else {
			// n8n saves static data inside emit: the new position and the hand-off are one step.
			this.commit();
			this.emit(items, []);
		}
	}

	/**
	 * At-least-once hand-off: emit with a donePromise and save the position only
	 * when the run ended (afterFinish) or succeeded (afterSuccess). A run n8n gave
	 * up (queue mode: its worker died) gets the batch again in both modes, at most
	 * CRASH_REDELIVERIES times in afterFinish; in afterSuccess a failed or given-up
	 * run gets it again after a capped back-off until one succeeds. Closing first
	 * saves nothing, so a restart hands the batch over again.
	 */
	private async handOverUntilDone(items: INodeExecutionData[]): Promise<void> {
		let delay = RETRY_BASE_MS;
		for (let attempt = 1; ; attempt++) {
			const done = this.ctx.helpers.createDeferredPromise<IRun>();
			this.emit(items, [], done);
			const outcome = await this.runOutcome(done.promise);
			if (outcome === 'closed') return;
			if (this.settings.advance === 'afterFinish') {
				if (outcome === 'crashed' && attempt <= CRASH_REDELIVERIES) {
					this.ctx.logger.warn(`WeChat Web Trigger: the workflow run for ${items.length} message(s) crashed; handing them over again.`);
					continue;
				}
				if (outcome === 'crashed') {
					this.ctx.logger.error(`WeChat Web Trigger: the workflow run for ${items.length} message(s) crashed ${attempt} times; moving on without them.`);
				}
				this.commit();
				return;
			}
			if (outcome === 'succeeded') {
				this.commit();
				return;
			}
			this.ctx.logger.warn(
				`WeChat Web Trigger: the workflow run for ${items.length} message(s) ${outcome} (attempt ${attempt}); handing them over again in ${Math.round(delay / 1000)} s.`,
			);
			if (!(await this.pause(delay))) return;
			delay = Math.min(delay * 2, RETRY_MAX_MS);
		}
	}

	/** How a run started by emit ended: crashed (n8n gave it up), failed (rejected, or n8n recorded an error), succeeded. */
	private async runOutcome(run: Promise<IRun>): Promise<'closed' | 'succeeded' | 'failed' | 'crashed'> {
		if (this.signal.aborted) return 'closed';
		return await new Promise((resolve) => {
			const onAbort = () => resolve('closed');
			this.signal.addEventListener('abort', onAbort, { once: true });
			const settle = (outcome: 'succeeded' | 'failed' | 'crashed') => {
				this.signal.removeEventListener('abort', onAbort);
				resolve(this.signal.aborted ? 'closed' : outcome);
			};
			run.then(
				(result) => settle(outcomeOf(result)),
				() => settle('failed'),
			);
		});
	}

	// ------------------------------------------------------------------------------------------

	private emit(messages: INodeExecutionData[], events: INodeExecutionData[], done?: IDeferredPromise<IRun>): void {
		// Nothing may start a workflow once the trigger is closed.
		if (this.signal.aborted) return;
		// Read `emit` at call time: in manual mode n8n replaces it after trigger() returned.
		this.ctx.emit([messages, events], undefined, done);
		if (!this.emitted) {
			this.emitted = true;
			this.firstEmit.resolve();
		}
	}

	/** The current position into static data (production only; manual runs never save it). */
	private commit(): void {
		if (this.manual || !this.client.session) return;
		saveSession(this.staticData, this.client.toJSON());
	}

	private register(): void {
		if (this.manual || !this.client.session) return;
		registerLiveClient(accountKey(this.ctx), this.client);
		this.registered = true;
	}

	private unregister(): void {
		if (!this.registered) return;
		unregisterLiveClient(accountKey(this.ctx), this.client);
		this.registered = false;
	}

	/** Sleeps unless the trigger closes (then false). */
	private async pause(ms: number, signal: AbortSignal = this.signal): Promise<boolean> {
		try {
			await n8nClock.sleep(ms, signal);
			return !this.signal.aborted;
		} catch {
			return false;
		}
	}

	private async fail(error: unknown): Promise<void> {
		const nodeError = toNodeError(this.ctx.getNode(), error);
		this.ctx.logger.error(`WeChat Web Trigger stopped: ${nodeError.message}`);
		if (this.manual) {
			this.fatal = nodeError;
			return;
		}
		await this.activated.promise;
		this.ctx.emitError(nodeError);
	}
}

/**
 * How n8n ended a run. Crashed: n8n gave it up rather than ran it — marked
 * crashed by its crash recovery, or failed without any node result (queue mode,
 * n8n 2.x: the dead worker's job "stalled more than maxStalledCount"). Failed: a
 * node's own error (it has run data).
 */
function outcomeOf(run: IRun | undefined): 'succeeded' | 'failed' | 'crashed' {
	if (!run) return 'succeeded';
	if (run.status === 'crashed') return 'crashed';
	if (run.status === 'error' && Object.keys(run.data?.resultData?.runData ?? {}).length === 0) return 'crashed';
	return run.status === 'error' || run.data?.resultData?.error ? 'failed' : 'succeeded';
}
