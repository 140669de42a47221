/**
 * The simulator's test-control surface (in-process). The HTTP mirror under
 * `/__sim/…` exposes the same operations as JSON. See CONTRACT.md.
 */

export type FaultKind =
	| { kind: 'status'; status: number } // answer with this HTTP status and a short body
	| { kind: 'reset' } // destroy the socket without answering
	| { kind: 'hang' } // never answer (until the client aborts)
	| { kind: 'malformed' } // 200 with a body of the wrong shape (garbage)
	| { kind: 'truncated' } // 200 with the first half of the real body
	| { kind: 'empty' } // 200 with an empty body
	| { kind: 'retcode'; retcode: number } // synccheck only: this retcode
	| { kind: 'ret'; ret: number } // JSON endpoints: BaseResponse.Ret = ret
	| { kind: 'selectorSpin' } // synccheck says selector 2 but the next webwxsync returns nothing new
	| { kind: 'staleKey' } // webwxsync delivers its page but hands back the SyncKey it was given (the page comes again)
	| { kind: 'invalidUtf8' }; // the real answer, with every `@@BADUTF8@@` in it replaced by bytes that are not UTF-8

export type Endpoint =
	| 'jslogin'
	| 'login'
	| 'webwxnewloginpage'
	| 'webwxpushloginurl'
	| 'webwxinit'
	| 'webwxstatusnotify'
	| 'webwxgetcontact'
	| 'webwxbatchgetcontact'
	| 'synccheck'
	| 'webwxsync'
	| 'webwxsendmsg'
	| 'webwxrevokemsg'
	| 'webwxsendemoticon'
	| 'webwxcheckupload'
	| 'webwxuploadmedia'
	| 'webwxsendmsgimg'
	| 'webwxsendvideomsg'
	| 'webwxsendappmsg'
	| 'webwxgetmsgimg'
	| 'webwxgetvoice'
	| 'webwxgetvideo'
	| 'webwxgetmedia'
	| 'webwxgeticon'
	| 'webwxgetheadimg'
	| 'webwxlogout'
	| 'webwxoplog'
	| 'qrcode'
	| 'page';

export interface ContactSpec {
	nickName: string;
	remarkName?: string;
	alias?: string;
	/** 'user' (default), 'official' (VerifyFlag 24) or 'group'. */
	kind?: 'user' | 'official' | 'group';
	/** For groups: member nicknames (contacts created if missing); I am always a member. */
	members?: string[];
}

export interface AccountOptions {
	uin?: string;
	nickName?: string;
	/** Main host the login redirect names (wx.qq.com, wx2.qq.com, web.wechat.com …). Default wx2.qq.com. */
	mainHost?: string;
	/** Refuses classic web logins with ret 1203; desktop (UOS) logins work. */
	desktopOnly?: boolean;
	/** Refuses every login: XML ret 1203 or the 2024 HTML page. */
	refused?: 'ret1203' | 'html';
	contacts?: ContactSpec[];
	/** Adds `Contact 00001` … `Contact n` (users) for paging and lookup tests. */
	extraContacts?: number;
	/** My display name in groups (default 'Me In Group'). */
	groupDisplayName?: string;
}

export interface SimulatorOptions {
	port?: number; // default 0 (ephemeral)
	host?: string; // default 127.0.0.1
	loginHoldMs?: number; // default 25000
	syncHoldMs?: number; // default 25000
	qrLifetimeMs?: number; // default 240000
	syncPageSize?: number; // AddMsgs per webwxsync answer, default 50
	contactPageSize?: number; // webwxgetcontact page size, default 500
	sendBurst?: { max: number; windowMs: number } | null; // default { max: 10, windowMs: 10000 }
	historyOnLogin?: number; // default 0
	/** Added: the first webwxsync after a restore re-sends the last message its key covers (IT#238), default true. */
	redeliverOnRestore?: boolean;
	account?: AccountOptions; // the default account
	/** Log every request to `requests` (default true). */
	recordRequests?: boolean;
	/** Added: messages this session sends also come back through webwxsync (FromUserName = self), default false. */
	echoSends?: boolean;
	/** Added: seed for the deterministic media bytes (default 'wechat-sim'). */
	mediaSeed?: string;
}

export interface RecordedRequest {
	endpoint: Endpoint | 'unknown' | 'control';
	method: string;
	/** Logical host (x-wechat-host) or the Host header. */
	host: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON body, or the raw text, or undefined (multipart: the non-file fields). */
	body?: unknown;
	startedAt: number;
	endedAt?: number;
	status?: number;
	/** True when the client went away before the answer. */
	aborted?: boolean;
	/** Added: the fault applied to this request, if any. */
	fault?: FaultKind['kind'];
}

export type InjectSpec = {
	/** Private chat peer (nickname, remark or UserName) or, with `group`, the group member who speaks. */
	from?: string;
	/** Send into this group (nickname or UserName). */
	group?: string;
	/** Sent by me from the phone (FromUserName = self) to `to`. */
	fromMe?: boolean;
	to?: string;
	/** CreateTime override (unix s). */
	createTime?: number;
} & (
	| { type: 'text'; text: string; mentions?: string[] }
	| { type: 'image'; size?: number }
	| { type: 'voice'; size?: number; voiceLengthMs?: number }
	| { type: 'video'; size?: number; playLength?: number; unavailable?: boolean }
	| { type: 'microvideo'; size?: number }
	| { type: 'emoticon'; md5?: string; store?: boolean; size?: number }
	| { type: 'file'; fileName: string; size?: number; unavailable?: boolean }
	| { type: 'link'; title: string; url: string; description?: string }
	| { type: 'music'; title: string; url: string }
	| { type: 'miniProgram'; title: string; appId?: string; pagePath?: string }
	| { type: 'card'; nickName: string }
	| { type: 'location'; label: string; lat: number; lng: number }
	| { type: 'friendRequest'; nickName: string; greeting?: string }
	| { type: 'revoke'; msgId: string }
	| { type: 'system'; text: string }
	| { type: 'statusNotify' }
	| { type: 'raw'; msg: Record<string, unknown> }
);

/** Added: what the server accepted since it started (connection reuse): TCP connections and HTTP requests. */
export interface SimTraffic {
	connections: number;
	requests: number;
}

export interface InjectedMessage {
	msgId: string;
	raw: Record<string, unknown>;
	/** sha256 (hex) of the media bytes a download must return, when the message has media. */
	mediaSha256?: string;
	mediaSize?: number;
}

export interface SentRecord {
	endpoint: Endpoint;
	msgId: string;
	localId: string;
	clientMsgId: string;
	type: number;
	from: string;
	to: string;
	content?: string;
	mediaId?: string;
	at: number;
	revoked?: boolean;
}

export interface UploadRecord {
	mediaId: string;
	fileName: string;
	mimeType: string;
	mediatype: string;
	size: number;
	sha256: string;
	chunks: number;
	clientMediaId: string;
}

export interface PendingLogin {
	uuid: string;
	state: 'waiting' | 'scanned' | 'confirmed' | 'cancelled' | 'expired';
	push: boolean;
	createdAt: number;
}

export interface SessionInfo {
	uin: string;
	sid: string;
	skey: string;
	passTicket: string;
	selfUserName: string;
	desktop: boolean;
	loggedOut: boolean;
}

export interface Simulator {
	readonly origin: string;
	readonly requests: RecordedRequest[];
	readonly sent: SentRecord[];
	readonly uploads: UploadRecord[];

	close(): Promise<void>;

	// login ("the phone")
	pendingLogins(): PendingLogin[];
	/** Waits until a login uuid exists (polled by the client), then returns the newest. */
	waitForPendingLogin(timeoutMs?: number): Promise<PendingLogin>;
	scan(uuid?: string): void;
	confirm(uuid?: string): void;
	cancel(uuid?: string): void;
	expire(uuid?: string): void;

	// session
	session(): SessionInfo | undefined;
	/** Added: every token and secret cookie value this simulator ever issued, for leak scans. */
	issuedSecrets(): Array<{ kind: string; value: string }>;
	forceLogout(retcode?: 1100 | 1101 | 1102): void;
	rotateSkey(): void;
	/** Current UserName of a contact (by nickname / remark) in the live session. */
	userName(nameOrRemark: string): string;
	selfUserName(): string;
	addContact(spec: ContactSpec): string;
	/** Produce a ModContactList entry (e.g. a rename) in the next sync. */
	modifyContact(nameOrUserName: string, changes: { nickName?: string; remarkName?: string }): void;
	deleteContact(nameOrUserName: string): void;
	phoneActivity(): void;

	// messages
	inject(spec: InjectSpec): InjectedMessage;
	injectMany(specs: InjectSpec[]): InjectedMessage[];
	mediaBytes(msgId: string): Buffer;

	// faults
	fault(endpoint: Endpoint, fault: FaultKind, times?: number): void;
	clearFaults(): void;

	/** Uploaded bytes by MediaId. */
	uploadedBytes(mediaId: string): Buffer;
	resetLogs(): void;
	/** Requests still waiting for an answer (e.g. a held synccheck). */
	inFlight(): RecordedRequest[];
	/** Added: TCP connections accepted and HTTP requests received since start (also in `/__sim/api/state` as `traffic`). */
	traffic(): SimTraffic;
}
