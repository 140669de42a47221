/**
 * The trigger's life on the iLink route: hand over a held batch left by the
 * last run → claim the account's receive loop → restore the session (or log
 * in: QR, pair code) → receive batches until the trigger closes or WeChat ends
 * the session (-14: then idle, never a QR by itself). One abort signal ends
 * the long poll, every pause, the login and the window warnings.
 */
import type { IDataObject, ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { IlinkClient, IlinkMessage, IlinkReceiveEvent } from '../../../lib/ilink';
import { IlinkError, SessionStaleError } from '../../../lib/ilink';
import { CheckpointWriter } from '../../shared/checkpoint';
import { deferred } from '../../shared/deferred';
import { toNodeError } from '../../shared/errors';
import { ILINK_ROUTE, ilinkFingerprint } from '../../shared/ilink-credential';
import type { IlinkSessionTransport, OpenedIlinkClient } from '../../shared/ilink-store';
import { openIlinkClient, registerLiveIlinkClient, unregisterLiveIlinkClient } from '../../shared/ilink-store';
import { n8nClock } from '../../shared/n8n-runtime';
import type { SessionTransport } from '../../shared/session-transport';
import { claimSyncLoop, releaseSyncLoop, syncLoopHeld } from '../../shared/session-store';
import { Delivery } from '../delivery';
import { TriggerScope } from '../scope';
import { CLOSE_WAIT_MS, MANUAL_LOGIN_GRACE_MS, SYNC_LOOP_WAIT_MS } from '../trigger-run';
import type { BotRef } from './events';
import { loggedInEvent, restoredEvent, STALE_MESSAGE, staleEvent } from './events';
import type { HeldBatch, IlinkStart } from './held-batch';
import { dropHeldBatch, heldItems, holdBatch, ilinkStart } from './held-batch';
import { messageItemJson, quoteCacheFor } from './items';
import { IlinkLogin } from './login';
import type { IlinkTriggerSettings } from './settings';
import { readIlinkSettings } from './settings';
import { markStale, staleBefore } from './stale-mark';
import { WindowWarnings } from './window-warning';

const LOG = 'WeChat Web Trigger (iLink)';

export class IlinkTriggerRun {
	private readonly scope: TriggerScope;
	private readonly activated = deferred<void>();
	private readonly firstEmit = deferred<void>();
	private readonly client: IlinkClient;
	private readonly transport: IlinkSessionTransport;
	private readonly login: IlinkLogin;
	private readonly delivery: Delivery;
	private readonly checkpoints: CheckpointWriter;
	private readonly warnings: WindowWarnings;
	private readonly key: string;
	private readonly staticData: IDataObject;
	/** The highest seq committed or held so far (CheckpointWriter counts the same way). */
	private seq: number;
	/** The batch being delivered: whose account and which seq its commit marks done. */
	private current?: { account: string; seq: number };
	private account: string;
	private loop?: Promise<void>;
	private registered = false;
	private fatal?: Error;
	private closeCalls = 0;
	private graceController?: AbortController;
	/** A batch held and about to be emitted, waiting for the credential write before it. */
	private handingOver?: Promise<void>;

	private constructor(
		private readonly ctx: ITriggerFunctions,
		settings: IlinkTriggerSettings,
		opened: OpenedIlinkClient,
		private readonly start: IlinkStart,
	) {
		this.client = opened.client;
		this.transport = opened.transport;
		this.key = opened.key;
		this.account = this.client.hasSession ? ilinkFingerprint(opened.sessionJson) : '';
		this.seq = start.seq;
		this.staticData = ctx.getWorkflowStaticData('node');
		this.scope = new TriggerScope(ctx, () => this.firstEmit.resolve());
		this.delivery = new Delivery(this.scope, settings.advance, (cursor) => this.commit(cursor));
		// Static data is durable only with an emit; the after-the-run modes commit after it, so they also write the credential.
		const sink = this.delivery.waitsForRuns ? checkpointSink(this.transport) : null;
		this.checkpoints = new CheckpointWriter(this.staticData, ILINK_ROUTE, sink, start.seq, workflowId(ctx));
		this.login = new IlinkLogin(this.scope, this.client);
		this.warnings = new WindowWarnings(this.scope, settings.warnBeforeMs, () => this.bot(), this.staticData);
	}

	static async create(ctx: ITriggerFunctions): Promise<IlinkTriggerRun> {
		const settings = readIlinkSettings(ctx);
		const opened = await openIlinkClient(ctx, ctx.logger);
		const account = opened.client.hasSession ? ilinkFingerprint(opened.sessionJson) : '';
		const start = ilinkStart(ctx.getWorkflowStaticData('node'), opened.data, account, workflowId(ctx));
		if (start.cursor && opened.client.hasSession) opened.client.restore(opened.sessionJson, { cursor: start.cursor });
		return new IlinkTriggerRun(ctx, settings, opened, start);
	}

	begin(): void {
		this.loop ??= this.run();
	}

	markActivated(): void {
		this.activated.resolve();
	}

	/** Manual mode: resolved by the first emit (a message, or a login event such as the QR code). */
	async runManual(): Promise<void> {
		this.markActivated();
		this.begin();
		await Promise.race([this.firstEmit.promise, this.loop]);
		if (this.fatal) throw this.fatal;
	}

	async close(): Promise<void> {
		this.closeCalls++;
		if (this.scope.manual && this.closeCalls === 1 && this.login.phonePending && !this.scope.closing) {
			// The manual run answered with a QR code: let the phone finish that login (bounded) so
			// the session reaches the credential. A second call (execution cancelled) ends it at once.
			this.ctx.logger.info(`${LOG}: waiting up to ${MANUAL_LOGIN_GRACE_MS / 60_000} minutes for the login on the phone.`);
			this.graceController = new AbortController();
			await Promise.race([this.login.phonePending.promise, this.scope.pause(MANUAL_LOGIN_GRACE_MS, this.graceController.signal)]);
		}
		this.graceController?.abort();
		if (this.handingOver) {
			const wait = new AbortController();
			await Promise.race([this.handingOver.catch(() => undefined), this.scope.pause(CLOSE_WAIT_MS, wait.signal)]);
			wait.abort();
		}
		this.scope.controller.abort();
		if (this.loop) {
			const wait = new AbortController();
			await Promise.race([this.loop, this.scope.pause(CLOSE_WAIT_MS, wait.signal)]);
			wait.abort();
		}
		this.warnings.stopAll();
		// A checkpoint or budget earned after the last request must not wait for one that never comes.
		try {
			await this.transport.flush();
		} catch {
			// Only a write-back; closing goes on.
		}
		this.unregister();
	}

	private async run(): Promise<void> {
		try {
			// iLink handed this batch out once and only our static data has it: it goes first.
			if (this.start.pending && !this.scope.manual) await this.deliverHeld(this.start.pending);
			if (this.scope.closing || !(await this.claimLoop())) return;
			if (!(await this.connect())) return;
			await this.receive();
		} catch (error) {
			if (!this.scope.closing) await this.fail(error);
		} finally {
			this.unregister();
			releaseSyncLoop(this.key, this);
			this.login.settlePhone();
			this.warnings.stopAll();
		}
	}

	/** Production: one receive loop per account in this process (a second workflow on the credential waits). */
	private async claimLoop(): Promise<boolean> {
		if (this.scope.manual) {
			// iLink hands each message out once: a test run polling beside the active workflow would take messages from it.
			if (syncLoopHeld(this.key)) {
				throw new NodeOperationError(
					this.ctx.getNode(),
					'An active workflow already receives the messages of this bot; a test run would take them away from it (WeChat hands each message out once).',
					{ description: 'Deactivate the workflow that uses this credential to test here, or look at its executions.' },
				);
			}
			return true;
		}
		let warned = false;
		while (!claimSyncLoop(this.key, this)) {
			if (!warned) {
				warned = true;
				this.ctx.logger.warn(`${LOG}: another active workflow already receives the messages of this bot; this one waits until that workflow is deactivated.`);
			}
			if (!(await this.scope.pause(SYNC_LOOP_WAIT_MS))) return false;
		}
		return true;
	}

	/** A live session: the stored one, or a login (none stored; or the user started us and the stored one is stale). */
	private async connect(): Promise<boolean> {
		const userStarted = this.scope.manual || this.ctx.getActivationMode() === 'activate';
		let login = !this.client.hasSession;
		let stale = false;
		if (!login) {
			const verdict = staleBefore(this.ctx, this.scope.manual, this.account);
			if (verdict === 'idle') return false;
			stale = verdict === 'login' || (userStarted && (await this.storedIsStale()));
			login = stale;
		}
		if (this.scope.closing) return false;
		if (login) {
			if (!(await this.login.loginRounds(stale))) return false;
			// The bot token goes to the credential now, not with the next poll: other workflows and workers read it there.
			await this.transport.flush();
			this.account = ilinkFingerprint(this.client.toJSON());
			this.ctx.logger.info(`${LOG}: logged in; bot ${this.client.botId ?? '?'} for owner ${this.client.ownerId ?? '?'}.`);
			this.live();
			this.scope.emitEvent(loggedInEvent(this.bot()));
		} else {
			this.ctx.logger.info(`${LOG}: continuing the stored session of bot ${this.client.botId ?? '?'}.`);
			this.live();
			// A manual run answers with its first emit, which should be a message or a QR code.
			if (!this.scope.manual) this.scope.emitEvent(restoredEvent(this.bot()));
		}
		this.scheduleOpenWindows();
		return true;
	}

	/** Asks iLink (getconfig, nothing sent) whether the stored token still works. Unsure: assume it does. */
	private async storedIsStale(): Promise<boolean> {
		try {
			await this.client.verify(this.scope.signal);
			return false;
		} catch (error) {
			if (error instanceof SessionStaleError) {
				this.ctx.logger.warn(`${LOG}: the stored bot session is no longer valid (errcode -14); starting a new login.`);
				return true;
			}
			this.ctx.logger.debug(`${LOG}: could not check the stored session (${(error as Error).message}); using it.`);
			return false;
		}
	}

	private live(): void {
		if (this.scope.manual) return;
		registerLiveIlinkClient(this.key, this.client);
		this.registered = true;
	}

	private async receive(): Promise<void> {
		for (let attempt = 0; !this.scope.closing; attempt++) {
			try {
				for await (const ev of this.client.receive({ signal: this.scope.signal })) {
					if (await this.onReceived(ev)) return;
					attempt = 0;
					if (this.scope.closing) return;
				}
				return;
			} catch (error) {
				if (this.scope.closing) return;
				if (!(error instanceof IlinkError) || error instanceof SessionStaleError) throw toNodeError(this.ctx.getNode(), error);
				const delay = this.scope.retryDelay(attempt);
				this.ctx.logger.warn(`${LOG}: receiving stopped (${error.message}); restarting in ${Math.round(delay / 1000)} s.`);
				if (!(await this.scope.pause(delay))) return;
			}
		}
	}

	/** True when receiving must end (the session went stale). */
	private async onReceived(ev: IlinkReceiveEvent): Promise<boolean> {
		const log = this.ctx.logger;
		switch (ev.type) {
			case 'batch':
				await this.onBatch(ev.messages, ev.cursor);
				return false;
			case 'retrying':
				log.warn(`${LOG}: ${ev.error.message} Retrying in ${Math.round(ev.delayMs / 1000)} s (attempt ${ev.attempt}).`);
				return false;
			case 'recovered':
				log.info(`${LOG}: connection recovered after ${ev.afterAttempts} attempt(s).`);
				return false;
			case 'stale':
			default:
				this.onStale();
				return true;
		}
	}

	private async onBatch(messages: IlinkMessage[], cursor: string): Promise<void> {
		if (this.scope.closing) return;
		const cache = quoteCacheFor(this.key);
		// The bot's own messages (if iLink ever echoes them) only feed the quote cache.
		const incoming = messages.filter((m) => {
			if (!m.fromMe) return true;
			cache.remember(m);
			return false;
		});
		if (!incoming.length) return;
		const items = incoming.map((m) => messageItemJson(m, this.client, cache));
		for (const m of incoming) this.warnings.schedule(m.chat.id, this.client.budgetStatus(m.chat.id).windowExpiresAt);
		const seq = this.seq + 1;
		// Before anything else: iLink will not hand these messages out again.
		if (!this.scope.manual) holdBatch(this.staticData, { seq, account: this.account, cursor, items });
		this.current = { account: this.account, seq };
		// The owner's new context token must be in the credential before a queue-mode worker's action node reads it.
		// close() waits for this write (bounded): aborting it would drop a batch the server no longer has.
		if (this.transport.changed) {
			this.handingOver = this.transport.flush();
			try {
				await this.handingOver;
			} finally {
				this.handingOver = undefined;
			}
		}
		// deliver() emits before its first await, so a close() waiting on handingOver resumes after the hand-off.
		await this.delivery.deliver({ items: items.map((json) => ({ json })), cursor });
	}

	private async deliverHeld(batch: HeldBatch): Promise<void> {
		this.ctx.logger.info(`${LOG}: handing over ${batch.items.length} message(s) received before the restart whose run did not finish.`);
		const cache = quoteCacheFor(this.key);
		for (const json of batch.items) cache.remember({ id: String(json.id ?? ''), text: String(json.text ?? ''), type: (json.type as IlinkMessage['type']) ?? 'unknown' });
		this.current = { account: batch.account, seq: batch.seq };
		await this.delivery.deliver({ items: heldItems(batch), cursor: batch.cursor });
	}

	/** The batch being delivered is done (handed over, or its run ended as the mode asks): checkpoint, then let it go. */
	private commit(cursor: string): void {
		const current = this.current;
		if (this.scope.manual || !current) return;
		this.checkpoints.commit(current.account, cursor);
		this.seq += 1;
		dropHeldBatch(this.staticData, current.seq);
		this.current = undefined;
	}

	private onStale(): void {
		this.ctx.logger.error(`${LOG}: ${STALE_MESSAGE}`);
		this.unregister();
		this.warnings.stopAll();
		// The mark goes to static data with the event's emit: an n8n restart stays idle too.
		if (!this.scope.manual) markStale(this.ctx, this.account, n8nClock.now());
		this.scope.emitEvent(staleEvent(this.bot()));
	}

	/** After a restart, the open reply windows the budget knows of get their warnings again. */
	private scheduleOpenWindows(): void {
		const now = n8nClock.now();
		for (const chatId of Object.keys(this.client.budget().chats)) {
			const expiresAt = this.client.budgetStatus(chatId).windowExpiresAt;
			if (expiresAt !== undefined && expiresAt > now) this.warnings.schedule(chatId, expiresAt);
		}
	}

	private bot(): BotRef {
		return { botId: this.client.botId, ownerId: this.client.ownerId };
	}

	private unregister(): void {
		if (!this.registered) return;
		unregisterLiveIlinkClient(this.key, this.client);
		this.registered = false;
	}

	private async fail(error: unknown): Promise<void> {
		const nodeError = toNodeError(this.ctx.getNode(), error);
		this.ctx.logger.error(`${LOG} stopped: ${nodeError.message}`);
		if (this.scope.manual) {
			this.fatal = nodeError;
			return;
		}
		await this.activated.promise;
		this.ctx.emitError(nodeError);
	}
}

/**
 * CheckpointWriter writes the credential through the Web route's transport type;
 * the iLink transport has the same two calls (its flush knows its own URL).
 */
function checkpointSink(transport: IlinkSessionTransport): SessionTransport {
	const sink = { persistCheckpoint: (json: string) => transport.persistCheckpoint(json), flush: async () => await transport.flush() };
	return sink as unknown as SessionTransport;
}

/** The workflow's id ('' when n8n has none, e.g. an unsaved one). */
function workflowId(ctx: ITriggerFunctions): string {
	return String(ctx.getWorkflow().id ?? '');
}
