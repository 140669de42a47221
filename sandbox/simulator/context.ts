/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Everything the handlers share: resolved options, the account, sessions,
 * pending logins, the event log, media, uploads, sends, faults and the request
 * record. One object, passed explicitly — no module-level state.
 */

import { EventEmitter } from 'node:events';
import type { PendingLogin, RecordedRequest, SentRecord, SimulatorOptions, UploadRecord } from './api';
import { Account } from './accounts';
import { EventLog } from './event-log';
import type { Exchange } from './exchange';
import { FaultQueue } from './faults';
import { Holds } from '../shared/holds';
import { MediaStore } from './media';
import { Injector } from './messages';
import type { Session } from './sessions';

export interface ResolvedOptions {
	loginHoldMs: number;
	syncHoldMs: number;
	qrLifetimeMs: number;
	syncPageSize: number;
	contactPageSize: number;
	sendBurst: { max: number; windowMs: number } | null;
	historyOnLogin: number;
	redeliverOnRestore: boolean;
	recordRequests: boolean;
	echoSends: boolean;
	mediaSeed: string;
}

export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
	return {
		loginHoldMs: o.loginHoldMs ?? 25_000,
		syncHoldMs: o.syncHoldMs ?? 25_000,
		qrLifetimeMs: o.qrLifetimeMs ?? 240_000,
		syncPageSize: Math.max(1, o.syncPageSize ?? 50),
		contactPageSize: Math.max(1, o.contactPageSize ?? 500),
		sendBurst: o.sendBurst === undefined ? { max: 10, windowMs: 10_000 } : o.sendBurst,
		historyOnLogin: o.historyOnLogin ?? 0,
		redeliverOnRestore: o.redeliverOnRestore ?? true,
		recordRequests: o.recordRequests ?? true,
		echoSends: o.echoSends ?? false,
		mediaSeed: o.mediaSeed ?? 'wechat-sim',
	};
}

/** A login uuid and what the phone did with it. */
export interface LoginAttempt extends PendingLogin {
	/** jslogin's redirect_uri asked for `mod=desktop` (or push login with `mod=desktop`). */
	desktopRequested: boolean;
	/** The login poll has seen this uuid at least once. */
	polled: boolean;
	/** The 201 (scanned, with avatar) was delivered. */
	avatarDelivered: boolean;
	scannedAt?: number;
	ticket?: string;
	ticketIssuedAt?: number;
	ticketUsed: boolean;
}

export interface UploadedMedia {
	record: UploadRecord;
	bytes: Buffer;
	md5: string;
	encryFileName: string;
}

/** A chunked upload between its first and last chunk (key: sid + ClientMediaId). */
export interface PartialUpload {
	total: number;
	md5: string;
	chunks: number;
	next: number;
	parts: Buffer[];
}

export class SimContext {
	readonly opts: ResolvedOptions;
	readonly account: Account;
	/** Every session ever created, newest last (old ones answer as logged out). */
	readonly sessions: Session[] = [];
	readonly logins: LoginAttempt[] = [];
	readonly log = new EventLog();
	readonly media: MediaStore;
	readonly uploadsByMediaId = new Map<string, UploadedMedia>();
	readonly partialUploads = new Map<string, PartialUpload>();
	readonly requests: RecordedRequest[] = [];
	readonly sent: SentRecord[] = [];
	readonly uploads: UploadRecord[] = [];
	readonly live = new Set<RecordedRequest>();
	readonly faults = new FaultQueue();
	readonly holds = new Holds<Exchange>();
	/** Requests stuck in a `hang` fault, dropped on close. */
	readonly hung = new Set<Exchange>();
	/** Send times for the 1205 burst rule. */
	readonly sendTimes: number[] = [];
	/** Emits 'change' whenever logins, sessions or the log change. */
	readonly events = new EventEmitter();
	readonly injector: Injector;
	origin = '';

	constructor(options: SimulatorOptions) {
		this.opts = resolveOptions(options);
		this.account = new Account(options.account);
		this.media = new MediaStore(this.opts.mediaSeed);
		this.injector = new Injector(this);
		this.events.setMaxListeners(100);
	}

	/** The newest session, live or not. */
	current(): Session | undefined {
		return this.sessions[this.sessions.length - 1];
	}

	/** The newest session that is still logged in. */
	liveSession(): Session | undefined {
		const s = this.current();
		return s && !s.loggedOut ? s : undefined;
	}

	/** State changed: wake held requests and waiters. */
	changed(): void {
		this.holds.notify();
		this.events.emit('change');
	}
}
