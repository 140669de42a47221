/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * The protocol client's front door: one object per account that logs in (or
 * resumes), keeps the contact cache, runs the receive loop as normalized
 * message batches, and sends through a pacing queue. Knows nothing of n8n.
 */
import type { BatchItem } from './contacts';
import { isGroupUserName } from './chats';
import { batchGetContacts, ContactStore, fetchAllContacts, setRemarkName } from './contacts';
import { isAbort, LoggedOutError, NotLoggedInError, WeChatError } from './errors';
import type { ClientDeps, Logger } from './http';
import { CGI, WeChatHttp } from './http';
import { applyCursor, cursorOf } from './cursor';
import { parseOriginOverride } from './hosts';
import { clientMsgId, notTime } from './ids';
import type { LoginEvent, LoginOptions } from './login';
import { login as runLogin } from './login';
import type { NormalizeContext } from './messages';
import { normalizeMessage } from './messages';
import type { LoginMode } from './session';
import { Session } from './session';
import type { DownloadOptions, MediaBuffer, MediaStream } from './media';
import { downloadAvatar, downloadMedia, downloadToBuffer } from './media';
import type { PacingOptions } from './pacing';
import { SendPacer } from './pacing';
import type { EmoticonSource, Mentions, RevokeResult, SentMessage } from './send';
import { revoke, sendEmoticon, sendText } from './send';
import type { SyncOptions } from './sync';
import type { SentMedia, UploadSource } from './upload';
import type { SendableKind } from './media-vocabulary';
import { sendMedia } from './upload';
import { syncLoop } from './sync';
import type { BaseResponse, RawAddMsg, RawContact, RawUser, SyncKey, WeChatMessage } from './types';

export interface WeChatClientOptions extends ClientDeps {
	mode?: LoginMode;
	/** Spacing of sends (defaults: ≥ 1.5 s apart + jitter, ≤ 20 per minute, 1205 backs off). */
	pacing?: Partial<PacingOptions>;
	/** A send queue shared beyond this client (the n8n side keeps one per account and process). */
	pacer?: SendPacer;
}

export interface FileInput {
	/** The whole file in memory; or `source` to stream it (large files). */
	bytes?: Uint8Array;
	source?: UploadSource;
	fileName: string;
	/** Guessed from the file name when empty. */
	mimeType?: string;
	/** Force how it is sent (e.g. an mp4 as a plain file). */
	kind?: SendableKind;
}

interface InitResponse {
	BaseResponse: BaseResponse;
	Count: number;
	ContactList: RawContact[];
	SyncKey: SyncKey;
	User: RawUser;
	ChatSet?: string;
	SKey?: string;
	SystemTime?: number;
	InviteStartCount?: number;
}

export type ClientEvent =
	| { type: 'messages'; messages: WeChatMessage[] }
	| { type: 'contacts'; modified: RawContact[]; deleted: string[] }
	| { type: 'retrying'; error: WeChatError; attempt: number; delayMs: number }
	| { type: 'recovered'; afterAttempts: number }
	| { type: 'loggedOut'; error: LoggedOutError };

export interface ReceiveOptions extends SyncOptions {
	/** Also deliver messages created before this login (the server replays some history). Default false. */
	includeHistory?: boolean;
}

/** What the nodes may show about the live session: never a token, cookie or the uin. */
export interface SessionInfo {
	user: RawUser;
	/** Unix seconds of the login (the server's clock); 0 when unknown. */
	loginTime: number;
	mode: LoginMode;
	/** The main host the login redirect chose (e.g. wx2.qq.com). */
	mainHost: string;
	/** Contacts and groups in the cache. */
	contactCount: number;
}

export class WeChatClient {
	readonly http: WeChatHttp;
	readonly contacts: ContactStore = new ContactStore();
	mode: LoginMode;
	session: Session | null = null;
	/** One queue per client: every send and revoke is spaced so bursts never trip Ret 1205. */
	readonly pacer: SendPacer;

	/** When the contact cache was last loaded in full (ms). */
	contactsLoadedAt = 0;

	constructor(options: WeChatClientOptions, shared?: { pacer: SendPacer; contacts: ContactStore; session: Session | null }) {
		const originOverride = options.originOverride ? parseOriginOverride(options.originOverride) : undefined;
		this.http = new WeChatHttp({ ...options, originOverride });
		this.mode = options.mode ?? 'desktop';
		this.pacer = shared?.pacer ?? options.pacer ?? new SendPacer(options.clock, options.pacing);
		if (shared) {
			this.contacts = shared.contacts;
			this.session = shared.session;
		}
	}

	/**
	 * A second handle on the same account — same session, contact cache and send
	 * queue — that talks through another transport. n8n nodes use it to borrow a
	 * live client (e.g. the trigger's) with their own request helpers.
	 */
	fork(deps: Pick<WeChatClientOptions, 'transport' | 'clock' | 'logger'>): WeChatClient {
		const child = new WeChatClient(
			{ ...this.http.deps, ...deps, mode: this.mode },
			{ pacer: this.pacer, contacts: this.contacts, session: this.session },
		);
		child.contactsLoadedAt = this.contactsLoadedAt;
		return child;
	}

	get logger(): Logger {
		return this.http.logger;
	}

	get user(): RawUser | null {
		return this.session?.user ?? null;
	}

	requireSession(): Session {
		if (!this.session || !this.session.user) throw new NotLoggedInError();
		return this.session;
	}

	// ---- The session, as the n8n side needs it (intent, not parts) ----

	/** True while the client holds a session (logged in or restored, not yet logged out here). */
	hasSession(): boolean {
		return this.session !== null;
	}

	/**
	 * The live session as an opaque handle: to hand to the credential (write-back)
	 * or back to `login({ previous })` for a push login. Null before a login.
	 */
	currentSession(): Session | null {
		return this.session;
	}

	/** The session's id (wxsid), to tell one login from another; undefined without a session. */
	sessionId(): string | undefined {
		return this.session?.tokens.sid;
	}

	/** The session's uin (as its tokens carry it), or undefined without a session. */
	sessionUin(): string | undefined {
		return this.session?.tokens.uin;
	}

	/** True when both clients hold the same session (e.g. one is a fork of the other), or neither holds one. */
	sharesSessionWith(other: WeChatClient): boolean {
		return this.session === other.session;
	}

	/** Who is logged in, since when, how and where; NotLoggedInError without a live session. */
	sessionInfo(): SessionInfo {
		const session = this.requireSession();
		return {
			user: session.user as RawUser,
			loginTime: session.loginTime,
			mode: session.mode,
			mainHost: session.hosts.main,
			contactCount: this.contacts.size,
		};
	}

	/**
	 * An SKey another process refreshed (and stored) for this same session: adopt
	 * it, so the next request is not refused with the old one. False when nothing changed
	 * (same SKey, none given, or no session).
	 */
	adoptRefreshedSkey(skey: string | undefined): boolean {
		return this.session?.refreshSkey(skey) ?? false;
	}

	/** The main host's origin URL (`https://<main host>/`, or the origin override), e.g. for a request that only carries a write-back; undefined without a session. */
	originUrl(): string | undefined {
		const session = this.session;
		return session ? this.http.url(session, 'main', '/', {}) : undefined;
	}

	/** True when the contact list was last loaded in full more than `maxAgeMs` before `now` (never loaded counts as old). */
	contactsOlderThan(maxAgeMs: number, now: number = this.http.clock.now()): boolean {
		return now - this.contactsLoadedAt > maxAgeMs;
	}

	/** How this client's sends are spaced (the send queue's settings), e.g. to explain a rate limit. */
	pacingSettings(): Readonly<PacingOptions> {
		return this.pacer.options;
	}

	// ---- The contact cache, read-only ----

	/** A contact, group, official or special account of this session from the cache (no request). */
	cachedContact(userName: string): RawContact | undefined {
		return this.contacts.get(userName);
	}

	/** Every cached contact and group of this session (no request). */
	cachedContacts(): RawContact[] {
		return this.contacts.all();
	}

	/** Interactive login (push first when `previous` allows, else QR), then webwxinit and contacts. */
	async login(opts: Omit<LoginOptions, 'mode'> & { mode?: LoginMode; loadContacts?: boolean } = {}): Promise<Session> {
		// An explicit `previous: null` means "no push login"; leaving it out means "use my last session".
		const previous = 'previous' in opts ? opts.previous : this.session;
		const session = await runLogin(this.http, { ...opts, mode: opts.mode ?? this.mode, previous });
		this.mode = session.mode;
		this.session = session;
		// UserNames are per session: a cache from another login would mix people up (§6.15).
		this.contacts.clear();
		await this.initialize({ signal: opts.signal, keepSyncKeys: false, loadContacts: opts.loadContacts });
		return session;
	}

	/**
	 * Restores a serialized session and proves it alive with webwxinit. Throws
	 * LoggedOutError when the server no longer knows it (the caller may then
	 * `login({ previous })` for a push login).
	 */
	async restore(serialized: string | Session, opts: { signal?: AbortSignal; loadContacts?: boolean; cursor?: string } = {}): Promise<Session> {
		const session = typeof serialized === 'string' ? Session.fromJSON(serialized) : serialized;
		// A checkpoint's position (newer than the one inside the stored session) wins.
		if (opts.cursor && !applyCursor(session, opts.cursor)) this.logger.warn('The saved receive position is unreadable; continuing from the session\'s own.');
		this.session = session;
		this.mode = session.mode;
		this.contacts.clear();
		await this.initialize({ signal: opts.signal, keepSyncKeys: true, loadContacts: opts.loadContacts });
		return session;
	}

	/**
	 * Restore when possible, else log in (push login with the old session first).
	 * `onEvent` receives the QR and scan events when a human is needed.
	 */
	async resume(
		serialized: string | null | undefined,
		opts: { signal?: AbortSignal; onEvent?: (e: LoginEvent) => void | Promise<void>; loadContacts?: boolean; allowInteractive?: boolean; cursor?: string } = {},
	): Promise<{ session: Session; how: 'restored' | 'login' }> {
		let previous: Session | null = null;
		if (serialized) {
			try {
				previous = Session.fromJSON(serialized);
				await this.restore(previous, opts);
				return { session: previous, how: 'restored' };
			} catch (err) {
				if (isAbort(err, opts.signal)) throw err;
				// Dead on the server: fall through to a push login with it. Unreadable: a fresh login.
				// Anything else (network, rate limit) is not a reason to make a human scan again.
				if (err instanceof WeChatError && !(err instanceof LoggedOutError)) throw err;
				if (!(err instanceof LoggedOutError)) {
					this.logger.warn(`Stored WeChat session unusable: ${(err as Error).message}`);
					previous = null;
				}
				this.session = null;
			}
		}
		if (opts.allowInteractive === false) throw new NotLoggedInError('The stored WeChat session is no longer valid.');
		const session = await this.login({ previous, signal: opts.signal, onEvent: opts.onEvent, loadContacts: opts.loadContacts });
		return { session, how: 'login' };
	}

	/** webwxinit → statusnotify (Code 3) → contacts (paged) → members of groups we know nothing about. */
	private async initialize(opts: { signal?: AbortSignal; keepSyncKeys: boolean; loadContacts?: boolean }): Promise<void> {
		const session = this.session as Session;
		const init = await this.http.postJson<InitResponse>(
			session,
			`${CGI}/webwxinit`,
			{ r: notTime(this.http.clock), pass_ticket: session.tokens.passTicket, lang: 'zh_CN' },
			{},
			{ signal: opts.signal },
		);
		session.user = init.User;
		session.refreshSkey(init.SKey);
		// On restore keep the persisted position: init's key is "now" and would skip what arrived meanwhile.
		if (!opts.keepSyncKeys || !session.syncKey) {
			session.syncKey = init.SyncKey;
			session.syncCheckKey = null;
		}
		for (const c of init.ContactList ?? []) this.contacts.upsert(c);
		await this.http.postJson(
			session,
			`${CGI}/webwxstatusnotify`,
			{ lang: 'zh_CN', pass_ticket: session.tokens.passTicket },
			{ Code: 3, FromUserName: init.User.UserName, ToUserName: init.User.UserName, ClientMsgId: Math.floor(this.http.clock.now()) },
			{ signal: opts.signal },
		);
		if (opts.loadContacts !== false) await this.loadContacts(opts.signal);
	}

	/** Reloads the whole contact list, then fills in groups whose members are unknown. */
	async loadContacts(signal?: AbortSignal): Promise<number> {
		const session = this.requireSession();
		const all = await fetchAllContacts(this.http, session, { signal });
		for (const c of all) this.contacts.upsert(c);
		this.contactsLoadedAt = this.http.clock.now();
		const groups = this.contacts.groupsWithoutMembers();
		if (groups.length) await this.fetchContacts(groups.map((UserName) => ({ UserName })), signal);
		return this.contacts.size;
	}

	/** webwxbatchgetcontact (chunks of 50); results go into the cache too. */
	async fetchContacts(items: Array<BatchItem | string>, signal?: AbortSignal): Promise<RawContact[]> {
		const session = this.requireSession();
		const list = items.map((i) => (typeof i === 'string' ? { UserName: i } : i));
		const found = await batchGetContacts(this.http, session, list, { signal });
		for (const c of found) this.contacts.upsert(c);
		return found;
	}

	/** Sets (or, with an empty text, clears) a friend's remark name; the cache follows. Returns the remark as stored (≤ 18 characters). */
	async setRemark(userName: string, remark: string, signal?: AbortSignal): Promise<string> {
		const stored = await setRemarkName(this.http, this.requireSession(), userName, remark, { signal });
		const contact = this.contacts.get(userName);
		if (contact) this.contacts.upsert({ ...contact, RemarkName: stored });
		return stored;
	}

	/** Finds a contact or group by UserName, remark, nickname or WeChat ID. */
	resolveContact(query: string): RawContact {
		return this.contacts.resolve(query);
	}

	normalizeContext(): NormalizeContext {
		const session = this.requireSession();
		const user = session.user as RawUser;
		return {
			selfUserName: user.UserName,
			selfNickName: user.NickName,
			contact: (u: string) => (u === user.UserName ? (user as unknown as RawContact) : this.contacts.get(u)),
			groupMember: (g: string, m: string) => this.contacts.member(g, m),
		};
	}

	normalize(raw: RawAddMsg): WeChatMessage {
		return normalizeMessage(raw, this.normalizeContext());
	}

	/**
	 * The receive loop as normalized batches. Messages already seen (replays after
	 * a restore) are dropped here; the consumer persists `session` after handling
	 * each batch (see syncLoop).
	 */
	async *receive(opts: ReceiveOptions = {}): AsyncGenerator<ClientEvent, void, void> {
		const session = this.requireSession();
		for await (const ev of syncLoop(this.http, session, opts)) {
			if (ev.type !== 'batch') {
				yield ev;
				continue;
			}
			// Contacts first so names in this batch resolve (EFB's order).
			for (const c of ev.modContacts) this.contacts.upsert(c);
			for (const u of ev.delContacts) this.contacts.remove(u);
			if (ev.modContacts.length || ev.delContacts.length) yield { type: 'contacts', modified: ev.modContacts, deleted: ev.delContacts };
			const fresh = ev.addMsgs.filter((m) => m && typeof m.MsgId !== 'undefined' && !session.hasSeen(String(m.MsgId)));
			if (!fresh.length) continue;
			await this.fetchUnknownGroups(fresh, opts.signal);
			const messages: WeChatMessage[] = [];
			for (const raw of fresh) {
				session.markSeen(String(raw.MsgId));
				if (!opts.includeHistory && Number(raw.CreateTime) < session.loginTime) continue;
				messages.push(this.normalize(raw));
			}
			if (messages.length) yield { type: 'messages', messages };
		}
	}

	/** Groups named in a batch whose members we do not know yet: one batch lookup before normalizing (W4). */
	private async fetchUnknownGroups(msgs: RawAddMsg[], signal?: AbortSignal): Promise<void> {
		const wanted = new Set<string>();
		for (const m of msgs) {
			for (const u of [m.FromUserName, m.ToUserName]) {
				if (typeof u === 'string' && isGroupUserName(u) && !this.contacts.get(u)?.MemberList?.length) wanted.add(u);
			}
		}
		if (!wanted.size) return;
		try {
			await this.fetchContacts([...wanted], signal);
		} catch (err) {
			if (err instanceof LoggedOutError || isAbort(err, signal)) throw err;
			this.logger.warn(`Could not load group members (${(err as Error).message}); names may be missing.`);
		}
	}

	/** webwxlogout (errors ignored like every client does); the session is dropped. */
	async logout(signal?: AbortSignal): Promise<void> {
		const session = this.session;
		if (!session) return;
		const url = this.http.url(session, 'main', `${CGI}/webwxlogout`, { redirect: 1, type: 0, skey: session.tokens.skey });
		const body = `sid=${encodeURIComponent(session.tokens.sid)}&uin=${encodeURIComponent(session.tokens.uin)}`;
		try {
			await this.http.raw(session.jar, 'POST', url, { body, signal, headers: { 'content-type': 'application/x-www-form-urlencoded' }, timeoutMs: 10000 });
		} catch {
			// "可能登出成功": the server may have ended it anyway.
		}
		this.session = null;
		this.contacts.clear();
	}

	/** Sends a text to a UserName (resolve names first with resolveContact). */
	async sendText(to: string, text: string, signal?: AbortSignal, mentions?: Mentions): Promise<SentMessage> {
		return sendText(this.http, this.requireSession(), to, text, { signal, pacer: this.pacer, mentions });
	}

	/** Uploads and sends an image (jpg/png/bmp), video (mp4), GIF sticker or any other file. */
	async sendFile(to: string, file: FileInput, signal?: AbortSignal): Promise<SentMedia> {
		return sendMedia(this.http, this.requireSession(), {
			bytes: file.bytes,
			source: file.source,
			fileName: file.fileName,
			mimeType: file.mimeType ?? '',
			kind: file.kind,
			toUserName: to,
			signal,
			pacer: this.pacer,
		});
	}

	async sendEmoticon(to: string, source: EmoticonSource, signal?: AbortSignal): Promise<SentMessage> {
		return sendEmoticon(this.http, this.requireSession(), to, source, { signal, pacer: this.pacer });
	}

	/** Recalls an own message (about 2 minutes after sending) with the MsgID its send returned. */
	async revoke(to: string, msgId: string, clientMsgId = '', signal?: AbortSignal): Promise<RevokeResult> {
		return revoke(this.http, this.requireSession(), to, msgId, clientMsgId, { signal, pacer: this.pacer });
	}

	/** A message's media as a stream (see WeChatMessage.media). */
	async download(ref: WeChatMessage['media'] & object, opts: DownloadOptions = {}): Promise<MediaStream> {
		return downloadMedia(this.http, this.requireSession(), ref, opts);
	}

	async downloadBuffer(ref: WeChatMessage['media'] & object, opts: DownloadOptions & { maxBytes?: number } = {}): Promise<MediaBuffer> {
		return downloadToBuffer(this.http, this.requireSession(), ref, opts);
	}

	async avatar(userName: string, signal?: AbortSignal): Promise<MediaStream> {
		return downloadAvatar(this.http, this.requireSession(), userName, { signal });
	}

	newClientMsgId(): string {
		return clientMsgId(this.http.clock);
	}

	toJSON(): string {
		return this.requireSession().toJSON();
	}

	/** Messages already delivered elsewhere (e.g. written out from a journal): a re-delivery of them is dropped. */
	markDelivered(ids: readonly string[]): void {
		const session = this.requireSession();
		for (const id of ids) session.markSeen(id);
	}

	/** The receive position alone (no tokens): what a checkpoint saves after a batch was delivered. */
	cursor(): string {
		return cursorOf(this.requireSession());
	}
}
