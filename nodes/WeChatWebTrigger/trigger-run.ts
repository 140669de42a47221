/**
 * The trigger's life as a pipeline: claim the account's sync loop → login
 * phase → sync phase (→ delivery) → after a logout, back to the login phase;
 * everything stops at once when n8n closes the trigger (one abort signal ends
 * the long poll, every sleep, login poll and download).
 */
import type { ITriggerFunctions } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat';
import { cursorOf, kickedRightAfterLogin, REFUSAL_KICK_HINT, Session } from '../../lib/wechat';
import { CheckpointWriter, startingPoint, takeLegacySession } from '../shared/checkpoint';
import { fingerprint, sessionTokens } from '../shared/credential-data';
import { deferred } from '../shared/deferred';
import { n8nClock } from '../shared/n8n-runtime';
import { toNodeError } from '../shared/errors';
import type { SessionTransport } from '../shared/session-transport';
import { accountKey, claimSyncLoop, openClient, registerLiveClient, releaseSyncLoop, unregisterLiveClient } from '../shared/session-store';
import { Delivery } from './delivery';
import type { TriggerSettings } from './filters';
import { readSettings } from './filters';
import { markRefused, refusedBefore } from './refusal';
import type { Connected } from './login-phase';
import { LoginPhase } from './login-phase';
import { accountOf, accountOfJson, kickedAfterLoginItem, loggedOutItem } from './login-events';
import { TriggerScope } from './scope';
import { SyncPhase } from './sync-phase';

export const ROUTE = 'web';
/** closeFunction waits this long for the loop to wind down after aborting it. */
export const CLOSE_WAIT_MS = 2000;
/** A trigger waiting for another workflow's loop on the same account checks this often. */
export const SYNC_LOOP_WAIT_MS = 5000;
/** Manual run that answered with a QR code: how long closing waits for the phone to finish the login. */
export const MANUAL_LOGIN_GRACE_MS = 5 * 60_000;

export class TriggerRun {
	private readonly scope: TriggerScope;
	private readonly activated = deferred<void>();
	private readonly firstEmit = deferred<void>();
	private readonly login: LoginPhase;
	private readonly checkpoints: CheckpointWriter;
	private readonly sync: SyncPhase;
	private loop?: Promise<void>;
	private registered = false;
	private fatal?: Error;
	private closeCalls = 0;
	private graceController?: AbortController;
	private account = '';
	/** When the session in use came from a login (QR or push) rather than a restore. */
	private freshLoginAt?: number;

	private constructor(
		private readonly ctx: ITriggerFunctions,
		settings: TriggerSettings,
		private readonly client: WeChatClient,
		private readonly transport: SessionTransport,
		private readonly start: { session: string; cursor?: string; seq: number },
	) {
		this.scope = new TriggerScope(ctx, () => this.firstEmit.resolve());
		const delivery = new Delivery(this.scope, settings.advance, (cursor) => this.commit(cursor));
		// Static data is durable only with an emit; the after-the-run modes commit after it, so they also write the credential.
		this.checkpoints = new CheckpointWriter(ctx.getWorkflowStaticData('node'), ROUTE, delivery.waitsForRuns ? transport : null, start.seq);
		this.login = new LoginPhase(this.scope, client, (how) => this.connected(how), accountOfJson(start.session));
		this.sync = new SyncPhase(this.scope, settings, client, delivery);
	}

	static async create(ctx: ITriggerFunctions): Promise<TriggerRun> {
		const settings = readSettings(ctx);
		const { client, transport, sessionJson, data } = await openClient(ctx, ctx.logger);
		const staticData = ctx.getWorkflowStaticData('node');
		let session = sessionJson;
		// Before version 2 static data held the whole session: take it out; its position still counts.
		const legacy = takeLegacySession(staticData);
		let cursor: string | undefined;
		if (legacy && (!session || sessionTokens(legacy).sid === sessionTokens(session).sid)) {
			session ||= legacy;
			cursor = legacyCursor(legacy);
		}
		const point = startingPoint(staticData, data, session, ROUTE);
		if (point.source !== 'none') ctx.logger.debug(`WeChat Web Trigger: starting from the position saved in the ${point.source === 'staticData' ? 'workflow static data' : 'credential'}.`);
		return new TriggerRun(ctx, settings, client, transport, { session, cursor: point.cursor ?? cursor, seq: point.seq });
	}

	/** Production: start the loop; errors reach n8n (emitError) only after trigger() returned. */
	begin(): void {
		this.loop ??= this.run();
	}

	/** trigger() is about to return. */
	markActivated(): void {
		this.activated.resolve();
	}

	/** Manual mode: the same loop, resolved by its first emit (a message, or a login event such as the QR code). */
	async runManual(): Promise<void> {
		this.markActivated();
		this.begin();
		await Promise.race([this.firstEmit.promise, this.loop]);
		if (this.fatal) throw this.fatal;
	}

	async close(): Promise<void> {
		this.closeCalls++;
		if (this.scope.manual && this.closeCalls === 1 && this.login.phonePending && !this.scope.closing) {
			// The manual run's output was a QR code or push request: let the phone finish that login (bounded),
			// so the session reaches the credential. A second call (execution cancelled) ends it at once.
			this.ctx.logger.info(`WeChat Web Trigger: waiting up to ${MANUAL_LOGIN_GRACE_MS / 60_000} minutes for the login on the phone.`);
			this.graceController = new AbortController();
			await Promise.race([this.login.phonePending.promise, this.scope.pause(MANUAL_LOGIN_GRACE_MS, this.graceController.signal)]);
		}
		this.graceController?.abort();
		this.scope.controller.abort();
		if (this.loop) {
			const wait = new AbortController();
			await Promise.race([this.loop, this.scope.pause(CLOSE_WAIT_MS, wait.signal)]);
			wait.abort();
		}
		// A position earned after the last emit must not wait for a request that will never come.
		const origin = this.client.originUrl();
		if (origin) await this.checkpoints.flush(origin);
		this.unregister();
	}

	private async run(): Promise<void> {
		try {
			if (refusedBefore(this.ctx, this.scope.manual, this.start.session)) return;
			if (!(await this.claimLoop())) return;
			let connected = await this.login.connect(this.start.session, this.start.cursor);
			while (connected && !this.scope.closing) {
				const loggedOut = await this.sync.run();
				if (!loggedOut || this.scope.closing) break;
				const previous = this.client.currentSession();
				this.unregister();
				const now = n8nClock.now();
				if (kickedRightAfterLogin(loggedOut, this.freshLoginAt, now)) {
					// The 2025 pattern: a refusal. Never push-login or show QR codes again by ourselves,
					// not even after n8n restarts: the mark goes to static data with the event's emit.
					const item = kickedAfterLoginItem(loggedOut, Math.round((now - (this.freshLoginAt ?? now)) / 1000), accountOf(this.client.user));
					this.ctx.logger.error(`WeChat Web Trigger: ${String(item.json.message)} ${REFUSAL_KICK_HINT}`);
					if (!this.scope.manual) markRefused(this.ctx, this.account, now);
					this.scope.emitEvent(item);
					break;
				}
				this.ctx.logger.warn(`WeChat Web Trigger: ${loggedOut.message} Trying to log in again.`);
				this.scope.emitEvent(loggedOutItem(loggedOut, accountOf(this.client.user)));
				connected = (await this.login.adoptStoredSession(previous)) || (await this.login.loginRounds(previous, 0));
			}
		} catch (error) {
			if (!this.scope.closing) await this.fail(error);
		} finally {
			this.unregister();
			releaseSyncLoop(accountKey(this.ctx), this);
			this.login.settlePhone();
		}
	}

	/**
	 * Production: one sync loop per account in this process. A second active
	 * workflow on the same credential waits (without any request) until the
	 * first one stops. Manual test runs are short and started by hand: not held back.
	 */
	private async claimLoop(): Promise<boolean> {
		if (this.scope.manual) return true;
		const key = accountKey(this.ctx);
		let warned = false;
		while (!claimSyncLoop(key, this)) {
			if (!warned) {
				warned = true;
				this.ctx.logger.warn(
					'WeChat Web Trigger: another active workflow already receives the messages of this WeChat account; this one waits until that workflow is deactivated.',
				);
			}
			if (!(await this.scope.pause(SYNC_LOOP_WAIT_MS))) return false;
		}
		return true;
	}

	/** A session is live: it goes to the credential (a login), becomes the account's client, and its position is saved. */
	private connected(how: Connected): void {
		if (how === 'login') this.transport.persistCurrent();
		this.freshLoginAt = how === 'login' ? n8nClock.now() : undefined;
		this.account = fingerprint(this.client.sessionUin() ?? '', this.client.sessionId());
		if (this.scope.manual) return;
		registerLiveClient(accountKey(this.ctx), this.client);
		this.registered = true;
		this.commit(this.client.cursor());
	}

	/** The position into the checkpoint (production only; manual runs never save it). */
	private commit(cursor: string): void {
		if (this.scope.manual || !this.account) return;
		this.checkpoints.commit(this.account, cursor);
	}

	private unregister(): void {
		if (!this.registered) return;
		unregisterLiveClient(accountKey(this.ctx), this.client);
		this.registered = false;
	}

	private async fail(error: unknown): Promise<void> {
		const nodeError = toNodeError(this.ctx.getNode(), error);
		this.ctx.logger.error(`WeChat Web Trigger stopped: ${nodeError.message}`);
		if (this.scope.manual) {
			this.fatal = nodeError;
			return;
		}
		await this.activated.promise;
		this.ctx.emitError(nodeError);
	}
}

/** The position inside a pre-2 static data session. */
function legacyCursor(json: string): string | undefined {
	try {
		return cursorOf(Session.fromJSON(json));
	} catch {
		return undefined;
	}
}
