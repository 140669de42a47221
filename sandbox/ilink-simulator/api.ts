/**
 * Public types of the iLink simulator: options, the control handle, what it
 * records. The wire rules are in CONTRACT.md; ilink-protocol.md wins elsewhere.
 */

export type IlinkEndpoint =
	| 'get_bot_qrcode'
	| 'get_qrcode_status'
	| 'getupdates'
	| 'sendmessage'
	| 'getconfig'
	| 'sendtyping'
	| 'notifystart'
	| 'notifystop'
	| 'getuploadurl'
	| 'cdn_upload'
	| 'cdn_download';

export interface IlinkSimulatorOptions {
	/** Port on 127.0.0.1 (0 = ephemeral, the default). */
	port?: number;
	/** Wall clock of the service in ms; the 24 h window, QR lifetime and timestamps use it (plus `advanceClock`). */
	now?: () => number;
	/** How long getupdates holds when nothing is pending (default 35 000; the answer's `longpolling_timeout_ms` says the same). */
	updatesHoldMs?: number;
	/** How long get_qrcode_status holds when nothing happened (default 30 000, under the client's 35 s). */
	qrHoldMs?: number;
	/** QR lifetime on the service clock (default 300 000 = the official client's 5 min TTL). */
	qrLifetimeMs?: number;
	/** Sends allowed per owner message (default 10, see CONTRACT "Send policy"). */
	sendsPerOwnerMessage?: number;
	/** Reply window after the owner's last message (default 24 h). */
	replyWindowMs?: number;
	/** Opt-in cumulative limiter (Tencent/openclaw-weixin#270: ~4 sends in 8 min, then 30+ min of `-2`). */
	rateLimit?: { max: number; windowMs: number; penaltyMs: number };
	/** Wrong verify codes before `verify_code_blocked` (default 3). */
	maxVerifyAttempts?: number;
	/** Success body of sendmessage: `{}` (default), `{"ret":0}` or `{"ret":0,"message_id":N}`. */
	sendAnswer?: 'empty' | 'ret0' | 'withId';
	/** `consume` (default, #164): handed-out messages are gone. `replay`: an old cursor re-delivers (clowder-ai#998). */
	cursorMode?: 'consume' | 'replay';
	/** Add `upload_full_url` / `full_url` to answers (default false: clients build URLs from the CDN base). */
	fullUrls?: boolean;
	/** Also refuse present-but-wrong iLink-App-Id (not `bot`) / ClientVersion (not decimal) with -14 (default true). */
	strictAppHeaders?: boolean;
	/** Record every request (default true; `setRecording` switches it later). */
	recordRequests?: boolean;
	/** The owner (the WeChat user who scans) — default `o9cq80yyAbCdEfGhIjKlMnOpQrSt@im.wechat`. */
	ownerId?: string;
	/** Value of `baseurl` in `confirmed` (default: the simulator's origin). */
	baseUrl?: string;
}

export interface RecordedRequest {
	endpoint: IlinkEndpoint | 'control' | 'unknown';
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON body, or `{ bytes: n }` for CDN uploads, or the raw text when it is not JSON. */
	body?: unknown;
	/** Service clock when it arrived. */
	at: number;
	/** Why the simulator refused it (the wire answer is the service's; this says which rule). */
	rejection?: string;
	/** Deviations from the official client that the service is not known to refuse. */
	warnings: string[];
	fault?: string;
}

export type KeyEncoding = 'raw' | 'hex';

/** Media the owner sends (bytes are encrypted and put on the simulated CDN). */
export interface OwnerMedia {
	bytes: Buffer;
	/** aes_key encoding in `media.aes_key`: `raw` = base64(16 bytes), `hex` = base64(32 hex chars). Default: image raw, others hex. */
	keyEncoding?: KeyEncoding;
	/** Images only: also give `image_item.aeskey` (hex) (default true). */
	imageHexKey?: boolean;
	/** Put the bytes on the CDN unencrypted and give no key at all (images only, ilink-protocol.md §4). */
	plain?: boolean;
}

export interface QuoteSpec {
	/** message_id (decimal string) of the quoted message; default the owner's previous message. */
	messageId?: string;
	/** Newer WeChat: only `svr_id`, no `message_item` (CHANGELOG 2.4.9-beta.0). */
	idOnly?: boolean;
	title?: string;
}

export interface OwnerMessageSpec {
	text?: string;
	image?: OwnerMedia;
	/** Voice: SILK bytes (`encode_type` 6) and the ASR transcript when given. */
	voice?: OwnerMedia & { transcript?: string; playtimeMs?: number };
	file?: OwnerMedia & { fileName: string };
	video?: OwnerMedia & { playLengthS?: number };
	quote?: QuoteSpec;
	/** Sender (default the owner). */
	from?: string;
}

export interface InjectedMessage {
	messageId: string;
	seq: number;
	contextToken: string;
	/** Decimal download param of the media, if any. */
	encryptQueryParam?: string;
	/** The 16 raw key bytes used for the media, if encrypted. */
	aesKey?: Buffer;
}

export interface SentMessage {
	at: number;
	toUserId: string;
	contextToken: string | undefined;
	clientId: string | undefined;
	/** The single item as received. */
	item: Record<string, unknown>;
	itemType: number;
	text?: string;
	/** Decrypted media bytes of an image/video/file item. */
	media?: Buffer;
	fileName?: string;
	/** What the service answered. */
	answer: Record<string, unknown>;
	/** False when refused or silently dropped (voice, no context_token). */
	delivered: boolean;
	reason?: string;
	messageId?: string;
}

export type QrStatus = 'wait' | 'scaned' | 'confirmed' | 'expired' | 'scaned_but_redirect' | 'need_verifycode' | 'verify_code_blocked' | 'binded_redirect';

export interface QrInfo {
	qrcode: string;
	status: QrStatus;
	localTokenList: string[];
	createdAt: number;
}

export interface BotInfo {
	botId: string;
	botToken: string;
	ownerId: string;
	stale: boolean;
	online: boolean;
}

export type FaultKind =
	| { kind: 'status'; status: number }
	| { kind: 'drop' }
	| { kind: 'hang' }
	| { kind: 'slow'; ms: number }
	| { kind: 'malformed' }
	| { kind: 'errcode'; errcode: number; errmsg?: string }
	| { kind: 'ret'; ret: number; errmsg?: string };

export interface IlinkSimulator {
	readonly origin: string;
	/** API base for clients (`<origin>`) and CDN base (`<origin>/c2c`). */
	readonly apiBase: string;
	readonly cdnBase: string;
	readonly requests: RecordedRequest[];
	readonly sent: SentMessage[];
	close(): Promise<void>;
	setRecording(on: boolean): void;
	resetLogs(): void;

	// QR login (the phone)
	qrCodes(): QrInfo[];
	waitForQr(timeoutMs?: number): Promise<QrInfo>;
	scan(qrcode?: string): void;
	requireVerifyCode(code?: string, qrcode?: string): string;
	confirm(qrcode?: string): BotInfo | undefined;
	expire(qrcode?: string): void;
	/** `scaned_but_redirect` with `redirect_host` (default `ilinkai2.weixin.qq.com`; null = without the field). */
	redirect(host?: string | null, qrcode?: string): void;
	bindedRedirect(qrcode?: string): void;
	/** Creates a bound bot without a QR dance. */
	bind(): BotInfo;
	bot(): BotInfo | undefined;

	// Session
	staleSession(): void;

	// Messages
	ownerSends(spec: OwnerMessageSpec | string): InjectedMessage;
	pendingUpdates(): number;
	typing(userId?: string): boolean;

	// Clock
	now(): number;
	advanceClock(ms: number): void;

	// Media
	cdnPut(plaintext: Buffer, key: Buffer | null): string;
	cdnBytes(encryptQueryParam: string): Buffer | undefined;

	// Faults
	fault(endpoint: IlinkEndpoint, fault: FaultKind, times?: number): void;
	clearFaults(): void;

	/** Tokens and keys the simulator issued (for the leak scan). */
	issuedSecrets(): Array<{ kind: string; value: string }>;
}
