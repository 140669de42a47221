/**
 * The login phase: get a live session — restore the stored one, else push
 * login with it, else QR codes — and after a logout continue with a session
 * another process stored, or log in again. Never loops against a refusal; after
 * a QR nobody scanned it waits 5 minutes, then 10, 20 … at most 2 hours.
 */
import type { ICredentialDataDecryptedObject, IDeferredPromise } from 'n8n-workflow';
import type { LoginEvent, Session, WeChatClient } from '../../lib/wechat';
import { LoginCancelledError, LoginRefusedError, LoginTimeoutError, NotLoggedInError, WeChatError } from '../../lib/wechat';
import { CREDENTIAL_TYPE, sessionForCredential, sessionTokens } from '../shared/credential-data';
import { deferred } from '../shared/deferred';
import type { AccountRef } from './login-events';
import { accountOf, eventItem, loggedInItem, loginEventItem, refusedItem, restoredItem } from './login-events';
import type { TriggerScope } from './scope';

export const LOGIN_PAUSE_START_MS = 5 * 60_000;
export const LOGIN_PAUSE_MAX_MS = 2 * 60 * 60_000;
/**
 * After a logout, how often (and how far apart) the credential is read for a
 * session another process logged in meanwhile (that login is what ended ours).
 */
export const HANDOVER_CHECKS = 3;
export const HANDOVER_GAP_MS = 1000;

type Attempt = { ok: true } | { ok: false; error: unknown };
export type Connected = 'restored' | 'login';

export class LoginPhase {
	/** Settles when a login that waits for the phone (QR shown / push sent) ends either way. */
	phonePending: IDeferredPromise<void> | null = null;
	private loginVia: 'qr' | 'push' = 'qr';

	constructor(
		private readonly scope: TriggerScope,
		private readonly client: WeChatClient,
		/** Called once a session is live, before any event about it is emitted. */
		private readonly onConnected: (how: Connected) => void,
		/** Whose account this is as far as known (a push login is for the previous session's account). */
		private lastAccount: AccountRef | undefined,
	) {}

	/** Restore `sessionJson` (at `cursor`), else push login with it, else QR. False: closing or refused. */
	async connect(sessionJson: string, cursor: string | undefined): Promise<boolean> {
		for (let attempt = 0; ; attempt++) {
			let how: Connected = 'login';
			const tried = await this.attempt(async () => {
				({ how } = await this.client.resume(sessionJson || null, { signal: this.scope.signal, cursor, onEvent: async (e) => await this.onLoginEvent(e) }));
			});
			if (tried.ok) {
				this.connected(how);
				return true;
			}
			const next = this.afterFailedLogin(tried.error, this.scope.retryDelay(attempt));
			if (next === 'fatal') throw tried.error as Error;
			if (next === 'stop') return false;
			if (next === 'pause') return await this.loginRounds(null, LOGIN_PAUSE_START_MS);
			if (!(await this.scope.pause(next))) return false;
		}
	}

	/**
	 * WeChat keeps one web session per account, so a logout often means somebody
	 * logged in elsewhere — e.g. Session → Log In of the action node on a queue-mode
	 * worker, which n8n stored in the credential. Continue with that session rather
	 * than log in again (which would end it in turn).
	 */
	async adoptStoredSession(previous: Session | null): Promise<boolean> {
		for (let check = 0; check < HANDOVER_CHECKS; check++) {
			if (check > 0 && !(await this.scope.pause(HANDOVER_GAP_MS))) return false;
			let stored = '';
			try {
				stored = sessionForCredential(await this.scope.ctx.getCredentials<ICredentialDataDecryptedObject>(CREDENTIAL_TYPE));
			} catch {
				return false;
			}
			if (!stored || sessionTokens(stored).sid === previous?.tokens.sid) continue;
			const tried = await this.attempt(async () => {
				await this.client.restore(stored, { signal: this.scope.signal });
			});
			if (!tried.ok) return false;
			this.scope.logger.info('WeChat Web Trigger: continuing with the session stored in the credential by another login.');
			this.connected('restored');
			return true;
		}
		return false;
	}

	/** Log in (push first when `previous` allows, then QR codes) until it works, is refused, or the trigger closes. */
	async loginRounds(previous: Session | null, firstWait: number): Promise<boolean> {
		let wait = firstWait;
		let loginPause = firstWait ? Math.min(firstWait * 2, LOGIN_PAUSE_MAX_MS) : LOGIN_PAUSE_START_MS;
		for (let attempt = 0; ; ) {
			if (wait && !(await this.scope.pause(wait))) return false;
			const tried = await this.attempt(async () => {
				await this.client.login({ previous, signal: this.scope.signal, onEvent: async (e) => await this.onLoginEvent(e) });
			});
			if (tried.ok) {
				this.connected('login');
				return true;
			}
			const next = this.afterFailedLogin(tried.error, this.scope.retryDelay(attempt));
			if (next === 'fatal') throw tried.error as Error;
			if (next === 'stop') return false;
			if (next === 'pause') {
				// Push login is tried once; later rounds show QR codes.
				previous = null;
				wait = loginPause;
				loginPause = Math.min(loginPause * 2, LOGIN_PAUSE_MAX_MS);
				attempt = 0;
			} else {
				wait = next;
				attempt++;
			}
		}
	}

	account(): AccountRef | undefined {
		return accountOf(this.client.user) ?? this.lastAccount;
	}

	settlePhone(): void {
		this.phonePending?.resolve();
		this.phonePending = null;
	}

	private async attempt(fn: () => Promise<void>): Promise<Attempt> {
		try {
			await fn();
			return { ok: true };
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
		if (this.scope.closing) return 'stop';
		if (error instanceof LoginRefusedError) {
			this.scope.logger.error(
				`WeChat Web Trigger: ${error.message} ${error.hint} The trigger stays idle and will not try again; deactivate and activate the workflow after fixing the account.`,
			);
			this.scope.emitEvent(refusedItem(error, this.account()));
			return 'stop';
		}
		if (error instanceof LoginTimeoutError || error instanceof LoginCancelledError) {
			const timeout = error instanceof LoginTimeoutError;
			this.scope.logger.warn(`WeChat Web Trigger: ${error.message} A new login starts later; deactivate the workflow to stop.`);
			this.scope.emitEvent(eventItem(timeout ? 'loginTimeout' : 'loginCancelled', { message: error.message, reason: timeout ? 'timeout' : 'cancelled', hint: error.hint }, this.account()));
			return 'pause';
		}
		if (error instanceof WeChatError && !(error instanceof NotLoggedInError)) {
			this.scope.logger.warn(`WeChat Web Trigger: could not log in (${error.message}); retrying in ${Math.round(delay / 1000)} s.`);
			return delay;
		}
		return 'fatal';
	}

	/** A session is live: hand it on, then announce it. */
	private connected(how: Connected): void {
		const account = accountOf(this.client.sessionInfo().user);
		this.lastAccount = account ?? this.lastAccount;
		this.onConnected(how);
		if (how === 'login') {
			this.scope.logger.info(`WeChat Web Trigger: logged in as ${account?.nickName ?? 'unknown'}.`);
			this.scope.emitEvent(loggedInItem(account, this.loginVia));
		} else {
			this.scope.logger.info(`WeChat Web Trigger: resumed the WeChat session of ${account?.nickName ?? 'unknown'}.`);
			// Production only: a manual run answers with its first emit, which should be a message or a QR.
			if (!this.scope.manual) this.scope.emitEvent(restoredItem(account));
		}
	}

	private async onLoginEvent(event: LoginEvent): Promise<void> {
		if (event.type === 'qr' || event.type === 'pushSent') {
			this.loginVia = event.type === 'qr' ? 'qr' : 'push';
			this.phonePending ??= deferred<void>();
		}
		const previousAccount = event.type === 'pushSent' ? this.account() : undefined;
		const item = await loginEventItem(this.scope.ctx, event, previousAccount);
		if (item && !this.scope.closing) this.scope.emitEvent(item);
	}
}
