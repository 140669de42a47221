/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * IlinkClient: the one object callers use — QR login or restore, the receive
 * loop (normalized messages in batches with their cursor), sends within the
 * budget (budget.ts), typing, media up and down. No n8n in here; the session
 * (token) and the cursor and budget (token-free) serialize separately.
 */
import type { BudgetConfig, BudgetState, ChatStatus } from './budget';
import { budgetConfig, chatStatus, checkSend, emptyBudget, finishSend, mergeBudget, readBudget, recordInbound, recordThrottle, reserveSends } from './budget';
import { InvalidInputError, NotLoggedInError, QuotaExhaustedError, SessionStaleError, ThrottledError, WindowClosedError, LoginFailedError, IlinkError } from './errors';
import type { IlinkDeps } from './http';
import { IlinkHttp, LIGHT_TIMEOUT_MS } from './http';
import { assertIlinkUrl, DEFAULT_BASE_URL, DEFAULT_CDN_BASE_URL } from './hosts';
import type { IlinkLoginEvent, IlinkLoginOptions, IlinkLoginOutcome } from './login';
import { loginEvents } from './login';
import type { RandomBytes, SendKind } from './media';
import { downloadMedia, mediaItem, sendKindFor, sniffMime, uploadMedia } from './media';
import type { IlinkMediaReference, IlinkMessage, MessageItem } from './messages';
import { normalizeMessage } from './messages';
import type { SentMessage } from './send';
import { chunkText, sendItem, textItem } from './send';
import { IlinkSession } from './session';
import { getConfig, TypingTickets, sendTyping } from './typing';
import type { UpdatesOptions } from './updates';
import { updateLoop } from './updates';

/** How long notifystop may take when receiving ends. */
const NOTIFY_STOP_TIMEOUT_MS = 2000;

export interface IlinkClientOptions extends IlinkDeps {
	/** The fixed QR base (default https://ilinkai.weixin.qq.com). */
	qrBaseUrl?: string;
	cdnBaseUrl?: string;
	budget?: Partial<BudgetConfig>;
	/** Key and file-key bytes for uploads (default node:crypto randomBytes). */
	randomBytes?: RandomBytes;
	/** Called with the new budget whenever this client changes it (so clients of one account can share it at once). */
	onBudgetChange?: (budget: BudgetState) => void;
	/** What other clients of the account counted, taken in before each send is admitted. */
	sharedBudget?: () => BudgetState | undefined;
	/** Send notifystart before the first poll and notifystop when receiving ends (default true, §7). */
	notify?: boolean;
}

export type IlinkReceiveEvent =
	| { type: 'batch'; messages: IlinkMessage[]; cursor: string }
	| { type: 'retrying'; error: IlinkError; attempt: number; delayMs: number }
	| { type: 'recovered'; afterAttempts: number }
	| { type: 'stale'; error: SessionStaleError };

export interface FileInput {
	data: Uint8Array;
	fileName: string;
	mimeType?: string;
}

export interface SendOptions {
	signal?: AbortSignal;
	/** Send even when the budget says no (the server decides; a -2 still blocks). */
	ignoreBudget?: boolean;
}

export interface SentMedia extends SentMessage {
	kind: SendKind;
	size: number;
}

export interface DownloadedMedia {
	data: Buffer;
	mimeType: string;
	fileName?: string;
	size: number;
}

export class IlinkClient {
	readonly http: IlinkHttp;
	private session: IlinkSession | null = null;
	private budgetState: BudgetState = emptyBudget();
	private readonly config: BudgetConfig;
	private readonly tickets: TypingTickets;
	private stale = false;

	constructor(private readonly options: IlinkClientOptions) {
		this.http = new IlinkHttp(options);
		this.config = budgetConfig(options.budget);
		this.tickets = new TypingTickets(this.http);
	}

	get hasSession(): boolean {
		return !!this.session && !this.stale;
	}

	get botId(): string | undefined {
		return this.session?.botId;
	}

	get ownerId(): string | undefined {
		return this.session?.ownerId;
	}

	private get cdnBase(): string {
		return this.options.cdnBaseUrl ?? DEFAULT_CDN_BASE_URL;
	}

	/** QR login as events; the outcome's session (if any) becomes this client's. binded_redirect keeps the current session. */
	async *loginEvents(opts: Omit<IlinkLoginOptions, 'qrBaseUrl'> = {}): AsyncGenerator<IlinkLoginEvent, IlinkLoginOutcome, void> {
		const previousTokens = opts.previousTokens ?? (this.session ? [this.session.botToken] : []);
		const outcome = yield* loginEvents(this.http, { ...opts, previousTokens, qrBaseUrl: this.options.qrBaseUrl ?? DEFAULT_BASE_URL });
		if (outcome.kind === 'session') this.adopt(outcome.session);
		else if (this.session) this.stale = false;
		return outcome;
	}

	/** QR login to the end; `onEvent` sees every step (the QR link first). */
	async login(opts: Omit<IlinkLoginOptions, 'qrBaseUrl'> & { onEvent?: (e: IlinkLoginEvent) => void | Promise<void> } = {}): Promise<IlinkSession> {
		const it = this.loginEvents(opts);
		for (;;) {
			const step = await it.next();
			if (step.done) {
				if (step.value.kind === 'session') return step.value.session;
				if (this.session) return this.session;
				throw new LoginFailedError('WeChat says this bot is already bound, but no session of it is stored here', 'Remove the bot in WeChat (ClawBot) and log in again.');
			}
			await opts.onEvent?.(step.value);
		}
	}

	/** Takes a stored session (toJSON), and optionally a cursor and budget saved with it. */
	restore(serialized: string, opts: { cursor?: string; budget?: unknown } = {}): IlinkSession {
		const session = IlinkSession.fromJSON(serialized);
		if (!this.http.originOverride) assertIlinkUrl(session.baseUrl, 'stored base URL');
		if (opts.cursor) session.applyCursor(opts.cursor);
		this.adopt(session);
		if (opts.budget !== undefined) this.budgetState = readBudget(opts.budget);
		return session;
	}

	private adopt(session: IlinkSession): void {
		// A newly bound bot has new conversations: the old context tokens and counts mean nothing to it.
		if (this.session && this.session.botId !== session.botId) this.budgetState = emptyBudget();
		this.session = session;
		this.stale = false;
		this.tickets.clear();
	}

	private live(): IlinkSession {
		if (!this.session) throw new NotLoggedInError();
		if (this.stale) throw new SessionStaleError('this session');
		return this.session;
	}

	toJSON(): string {
		if (!this.session) throw new NotLoggedInError();
		return this.session.toJSON();
	}

	/** The token-free receive position. */
	cursor(): string {
		return this.live().cursor();
	}

	/** Messages already delivered elsewhere (e.g. written out from a journal): a re-delivery of them is dropped. */
	markDelivered(ids: readonly string[]): void {
		const session = this.live();
		for (const id of ids) session.markSeen(id);
	}

	/** The send budget as plain data, to persist and hand back to restore(). */
	budget(): BudgetState {
		return this.budgetState;
	}

	/** Every change of the budget by this client's own doing (a send, an owner message, a -2) is reported to `onBudgetChange`. */
	private setBudget(state: BudgetState): void {
		this.budgetState = state;
		this.options.onBudgetChange?.(state);
	}

	/** Takes in what another process or client counted (mergeBudget: newest owner message, most sends, longest block). */
	mergeBudget(other: unknown): void {
		this.budgetState = mergeBudget(this.budgetState, readBudget(other));
	}

	budgetStatus(chat: string): ChatStatus {
		return chatStatus(this.budgetState, chat, this.http.clock.now(), this.config);
	}

	/** Notes a message of the owner that arrived another way (e.g. replayed by the n8n side). */
	noteInbound(message: Pick<IlinkMessage, 'chat' | 'fromMe' | 'timestampMs' | 'contextToken'>): void {
		if (message.fromMe || !message.chat.id) return;
		this.setBudget(recordInbound(this.budgetState, message.chat.id, message.timestampMs || this.http.clock.now(), message.contextToken, this.config));
	}

	private async notify(which: 'notifystart' | 'notifystop', signal?: AbortSignal): Promise<void> {
		if (this.options.notify === false || !this.session) return;
		try {
			// notifystop runs as receiving ends (often on Ctrl-C): it may not hold the exit up for long.
			const timeoutMs = which === 'notifystop' ? NOTIFY_STOP_TIMEOUT_MS : LIGHT_TIMEOUT_MS;
			await this.http.post(this.session.baseUrl, `ilink/bot/msg/${which}`, {}, { token: this.session.botToken, signal, timeoutMs });
		} catch (err) {
			this.http.logger.debug(`iLink ${which} failed (only logged, like the official client)`, { code: (err as { code?: unknown }).code });
		}
	}

	/** Batches of new messages with the cursor after them, until aborted or the session goes stale. */
	async *receive(opts: UpdatesOptions = {}): AsyncGenerator<IlinkReceiveEvent, void, void> {
		const session = this.live();
		await this.notify('notifystart', opts.signal);
		try {
			for await (const event of updateLoop(this.http, session, opts)) {
				if (event.type === 'stale') {
					this.stale = true;
					yield event;
					return;
				}
				if (event.type !== 'updates') {
					yield event;
					continue;
				}
				const messages: IlinkMessage[] = [];
				for (const raw of event.msgs) {
					const message = normalizeMessage(raw);
					if (!session.markSeen(message.id)) continue;
					this.noteInbound(message);
					messages.push(message);
				}
				yield { type: 'batch', messages, cursor: session.cursor() };
			}
		} finally {
			if (!this.stale) await this.notify('notifystop');
		}
	}

	/**
	 * Reserves `count` sends to `to` in the budget (so parallel sends cannot both
	 * take the last one), or throws what stops them. Each reserved send has an id;
	 * `finish` marks it sent (it then counts from the time it finished) or gives
	 * it back.
	 */
	private admit(to: string, count: number, opts: SendOptions): { token: string | undefined; ids: string[] } {
		this.live();
		const shared = this.options.sharedBudget?.();
		if (shared) this.budgetState = mergeBudget(this.budgetState, shared);
		const now = this.http.clock.now();
		const verdict = checkSend(this.budgetState, to, now, count, this.config);
		const reserve = () => {
			const ids = Array.from({ length: count }, () => `${now.toString(36)}-${Math.floor(this.http.clock.random() * 2 ** 40).toString(36)}`);
			this.setBudget(reserveSends(this.budgetState, to, ids, now));
			return ids;
		};
		if (verdict.ok) return { token: verdict.contextToken, ids: reserve() };
		if (verdict.reason === 'throttled') throw new ThrottledError(verdict.until ?? now, '', 'sends for now (an earlier ret -2)');
		if (opts.ignoreBudget) {
			const ids = reserve();
			return { token: this.budgetState.chats[to]?.contextToken, ids };
		}
		if (verdict.reason === 'quotaExhausted') throw new QuotaExhaustedError(this.config.sendsPerMessage, count, verdict.sendsLeft, verdict.reopen);
		if (verdict.reason === 'windowClosed') throw new WindowClosedError(to, `the owner's last message is older than ${Math.round(this.config.windowMs / 3600_000)} h`, verdict.reopen);
		throw new WindowClosedError(to, 'the owner has not written to the bot in this chat yet', verdict.reopen);
	}

	/** A reserved send went out, or (`sent` false) did not and is given back. */
	private finish(to: string, id: string | undefined, sent: boolean): void {
		if (id) this.setBudget(finishSend(this.budgetState, to, id, this.http.clock.now(), sent));
	}

	/** A call that may find the session stale (-14) or the route throttled (-2): both are remembered. */
	private async guarded<T>(call: () => Promise<T>): Promise<T> {
		try {
			return await call();
		} catch (err) {
			if (err instanceof ThrottledError) this.setBudget(recordThrottle(this.budgetState, err.until));
			if (err instanceof SessionStaleError) this.stale = true;
			throw err;
		}
	}

	private async sendOne(to: string, item: MessageItem, contextToken: string | undefined, signal?: AbortSignal): Promise<SentMessage> {
		const session = this.live();
		return await this.guarded(() => sendItem(this.http, session, to, item, { signal, contextToken, throttleMs: this.config.throttleMs }));
	}

	/** Text, in pieces of ≤ 4000 characters (each one send). */
	async sendText(to: string, text: string, opts: SendOptions = {}): Promise<SentMessage[]> {
		const pieces = chunkText(text);
		if (!pieces.length) throw new InvalidInputError('The text to send is empty.');
		const { token, ids } = this.admit(to, pieces.length, opts);
		const out: SentMessage[] = [];
		try {
			for (const piece of pieces) {
				out.push(await this.sendOne(to, textItem(piece), token, opts.signal));
				this.finish(to, ids.shift(), true);
			}
		} finally {
			for (const id of ids) this.finish(to, id, false);
		}
		return out;
	}

	/** An image, video or file (by `kind`, else by MIME type); a caption is a text send before it. */
	async sendMedia(to: string, file: FileInput, opts: SendOptions & { kind?: SendKind; caption?: string } = {}): Promise<SentMedia> {
		if (!file.data.byteLength) throw new InvalidInputError('The file to send is empty.');
		const kind = opts.kind ?? sendKindFor(file.mimeType);
		const caption = opts.caption ? chunkText(opts.caption) : [];
		const { token, ids } = this.admit(to, caption.length + 1, opts);
		try {
			const session = this.live();
			const uploaded = await this.guarded(() => uploadMedia(this.http, session, this.cdnBase, to, kind, file.data, { signal: opts.signal, randomBytes: this.options.randomBytes }));
			for (const piece of caption) {
				await this.sendOne(to, textItem(piece), token, opts.signal);
				this.finish(to, ids.shift(), true);
			}
			const sent = await this.sendOne(to, mediaItem(kind, uploaded, file.fileName), token, opts.signal);
			this.finish(to, ids.shift(), true);
			return { ...sent, kind, size: file.data.byteLength };
		} finally {
			for (const id of ids) this.finish(to, id, false);
		}
	}

	sendImage(to: string, file: FileInput, opts: SendOptions = {}): Promise<SentMedia> {
		return this.sendMedia(to, file, { ...opts, kind: 'image' });
	}

	sendVideo(to: string, file: FileInput, opts: SendOptions = {}): Promise<SentMedia> {
		return this.sendMedia(to, file, { ...opts, kind: 'video' });
	}

	sendFile(to: string, file: FileInput, opts: SendOptions = {}): Promise<SentMedia> {
		return this.sendMedia(to, file, { ...opts, kind: 'file' });
	}

	/** Shows (or stops) "typing…" in the chat; false when iLink gave no typing ticket. */
	async typing(to: string, on = true, signal?: AbortSignal): Promise<boolean> {
		const session = this.live();
		const ticket = await this.guarded(() => this.tickets.ticket(session, to, this.budgetState.chats[to]?.contextToken, signal));
		if (!ticket) return false;
		await this.guarded(() => sendTyping(this.http, session, to, ticket, on ? 1 : 2, signal));
		return true;
	}

	/**
	 * Asks the service whether the bot token is still good (getconfig for the
	 * owner: a read, nothing is sent): throws SessionStaleError on -14.
	 */
	async verify(signal?: AbortSignal): Promise<void> {
		const session = this.live();
		await this.guarded(() => getConfig(this.http, session, session.ownerId, this.budgetState.chats[session.ownerId]?.contextToken, signal));
	}

	/** The media of a message (or of its quote), decrypted. No session token is needed. */
	async download(ref: IlinkMediaReference, opts: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<DownloadedMedia> {
		const data = await downloadMedia(this.http, this.cdnBase, ref, opts);
		return { data, mimeType: sniffMime(data, ref.mimeType), fileName: ref.fileName, size: data.byteLength };
	}
}
