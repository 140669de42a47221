/**
 * The iLink login inside a trigger: client.login with every step on the Login
 * Events output and in the log. A trigger cannot prompt, so the pair code
 * (need_verifycode) is read from the credential's Pair Code field, polled
 * until a value appears that was not there when the login began and was not
 * tried yet. Nobody confirming ends in `loginTimeout` and a pause (5 min,
 * doubling to 2 h) before the next QR code, as on the Web route.
 */
import type { ICredentialDataDecryptedObject, IDeferredPromise } from 'n8n-workflow';
import type { IlinkClient, IlinkLoginEvent } from '../../../lib/ilink';
import { IlinkError, LoginFailedError, LoginTimeoutError, NotLoggedInError } from '../../../lib/ilink';
import { deferred } from '../../shared/deferred';
import { toNodeError } from '../../shared/errors';
import { ILINK_CREDENTIAL_TYPE } from '../../shared/ilink-credential';
import { LOGIN_PAUSE_MAX_MS, LOGIN_PAUSE_START_MS } from '../login-phase';
import type { TriggerScope } from '../scope';
import { ilinkEvent, loginStepItem } from './events';

/** How often the credential is read for the pair code. */
export const PAIR_CODE_POLL_MS = 2000;

export class IlinkLogin {
	/** Settles when a login that waits for the phone (QR shown) ends either way. */
	phonePending: IDeferredPromise<void> | null = null;

	constructor(
		private readonly scope: TriggerScope,
		private readonly client: IlinkClient,
	) {}

	/**
	 * Log in until it works (true) or the trigger closes (false); a failure nobody can retry throws.
	 * `staleToken`: the stored token is known dead, so it is not offered (iLink could answer
	 * "already bound" with it and hand the dead session back).
	 */
	async loginRounds(staleToken = false): Promise<boolean> {
		let pause = LOGIN_PAUSE_START_MS;
		for (let attempt = 0; !this.scope.closing; ) {
			try {
				await this.loginOnce(staleToken);
				return true;
			} catch (error) {
				if (this.scope.closing) return false;
				if (error instanceof LoginTimeoutError) {
					this.scope.logger.warn(`WeChat Web Trigger (iLink): ${error.message} A new login starts in ${Math.round(pause / 60_000)} min; deactivate the workflow to stop.`);
					this.scope.emitEvent(ilinkEvent('loginTimeout', { message: error.message, reason: 'timeout', hint: error.hint }));
					if (!(await this.scope.pause(pause))) return false;
					pause = Math.min(pause * 2, LOGIN_PAUSE_MAX_MS);
					attempt = 0;
					continue;
				}
				if (error instanceof LoginFailedError) {
					this.scope.emitEvent(ilinkEvent('loginFailed', { message: error.message, reason: 'failed', hint: error.hint }));
					throw toNodeError(this.scope.ctx.getNode(), error);
				}
				if (error instanceof IlinkError && !(error instanceof NotLoggedInError)) {
					const delay = this.scope.retryDelay(attempt++);
					this.scope.logger.warn(`WeChat Web Trigger (iLink): could not log in (${error.message}); retrying in ${Math.round(delay / 1000)} s.`);
					if (!(await this.scope.pause(delay))) return false;
					continue;
				}
				throw toNodeError(this.scope.ctx.getNode(), error);
			} finally {
				this.settlePhone();
			}
		}
		return false;
	}

	settlePhone(): void {
		this.phonePending?.resolve();
		this.phonePending = null;
	}

	private async loginOnce(staleToken: boolean): Promise<void> {
		// Codes in the field before this login began belong to an earlier one.
		const tried = new Set<string>();
		const before = await this.readPairCode();
		if (before) tried.add(before);
		await this.client.login({
			signal: this.scope.signal,
			...(staleToken ? { previousTokens: [] } : {}),
			verifyCode: async ({ signal }) => {
				const code = await this.waitForPairCode(tried, signal ?? this.scope.signal);
				tried.add(code);
				return code;
			},
			onEvent: async (e) => await this.onStep(e),
		});
	}

	private async onStep(e: IlinkLoginEvent): Promise<void> {
		if (e.type === 'qr') this.phonePending ??= deferred<void>();
		const item = await loginStepItem(this.scope.ctx, e);
		if (item && !this.scope.closing) this.scope.emitEvent(item);
	}

	/** Polls the credential's Pair Code field until a value not tried yet appears (abortable). */
	private async waitForPairCode(tried: ReadonlySet<string>, signal: AbortSignal): Promise<string> {
		for (;;) {
			if (signal.aborted) throw new LoginFailedError('the trigger closed while waiting for the number from the phone');
			const code = await this.readPairCode();
			if (code && !tried.has(code)) {
				this.scope.logger.info('WeChat Web Trigger (iLink): read the number from the credential\'s Pair Code field; sending it to WeChat.');
				return code;
			}
			if (!(await this.scope.pause(PAIR_CODE_POLL_MS, signal))) throw new LoginFailedError('the trigger closed while waiting for the number from the phone');
		}
	}

	private async readPairCode(): Promise<string> {
		try {
			const data = await this.scope.ctx.getCredentials<ICredentialDataDecryptedObject>(ILINK_CREDENTIAL_TYPE);
			return typeof data.pairCode === 'string' ? data.pairCode.replace(/\s+/g, '') : '';
		} catch {
			return '';
		}
	}
}
