/* eslint-disable @n8n/community-nodes/no-restricted-imports -- sandbox code runs under plain Node, outside n8n */
/**
 * Everything the simulated service knows: the clock, the bound bot and its
 * conversations, QR logins, the CDN store, records, holds and faults.
 */

import { EventEmitter } from 'node:events';
import type { Exchange } from './exchange';
import type { IlinkSimulatorOptions, QrStatus, RecordedRequest, SentMessage } from './api';
import { randomHex } from './crypto';
import { FaultQueue } from './faults';
import { Holds } from '../shared/holds';

export interface Conversation {
	userId: string;
	/** Service clock of the owner's last message; undefined = never wrote. */
	lastOwnerAt?: number;
	sendsSinceOwner: number;
	contextTokens: Set<string>;
	typingTicket: string;
	typing: boolean;
	/** Service clock of each accepted send (the opt-in rate limiter). */
	sendTimes: number[];
	blockedUntil?: number;
	/** The owner's messages by message_id (for quotes). */
	messages: Map<string, Record<string, unknown>>;
	lastMessageId?: string;
}

export interface PendingMessage {
	seq: number;
	message: Record<string, unknown>;
}

export interface Bot {
	botId: string;
	token: string;
	ownerId: string;
	stale: boolean;
	online: boolean;
	seq: number;
	queue: PendingMessage[];
	/** consume mode: highest seq handed out. */
	consumedSeq: number;
	/** replay mode: cursor → highest seq it acknowledges. */
	cursors: Map<string, number>;
	conversations: Map<string, Conversation>;
}

export interface Qr {
	qrcode: string;
	createdAt: number;
	status: QrStatus;
	/** Last status a poll answered (a poll holds while nothing changed). */
	reported?: QrStatus;
	localTokenList: string[];
	verifyCode?: string;
	verifyPassed: boolean;
	wrongCodes: number;
	redirectHost?: string;
	/** The credentials of `confirmed` (answered once, then the QR is used up). */
	confirmed?: { botToken: string; botId: string; ownerId: string };
	usedUp: boolean;
	baseUrl?: string;
}

export interface CdnObject {
	cipher: Buffer;
	plain: Buffer;
	key?: Buffer;
}

export interface UploadTicket {
	param: string;
	filekey: string;
	mediaType: number;
	toUserId: string;
	rawsize: number;
	rawfilemd5: string;
	filesize: number;
	key: Buffer;
	downloadParam?: string;
}

export const DEFAULT_OWNER = 'o9cq80yyAbCdEfGhIjKlMnOpQrSt@im.wechat';

export class SimState {
	origin = '';
	recording: boolean;
	clockOffset = 0;
	bot?: Bot;
	readonly revokedTokens = new Set<string>();
	readonly qrs = new Map<string, Qr>();
	readonly cdn = new Map<string, CdnObject>();
	readonly uploads = new Map<string, UploadTicket>();
	readonly requests: RecordedRequest[] = [];
	readonly sent: SentMessage[] = [];
	readonly holds = new Holds<Exchange>();
	readonly faults = new FaultQueue();
	readonly events = new EventEmitter();
	readonly seenUins: string[] = [];
	/** Requests held by the `hang` fault (dropped on close). */
	readonly hung = new Set<Exchange>();
	readonly secrets: Array<{ kind: string; value: string }> = [];
	private nextId = 7301234567890123456n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n;

	constructor(readonly opts: IlinkSimulatorOptions) {
		this.recording = opts.recordRequests ?? true;
	}

	now(): number {
		return (this.opts.now ?? Date.now)() + this.clockOffset;
	}

	get ownerId(): string {
		return this.opts.ownerId ?? DEFAULT_OWNER;
	}

	/** A fresh uint64 message id, always above 2^53. */
	messageId(): bigint {
		this.nextId += BigInt(1 + Math.floor(Math.random() * 997));
		return this.nextId;
	}

	/** Binds a new bot to the owner; the previous bot's token stops working (-14). */
	bindBot(): Bot {
		if (this.bot) this.revokedTokens.add(this.bot.token);
		const bot: Bot = {
			botId: `${randomHex(6)}@im.bot`,
			token: `${randomHex(6)}@im.bot:${randomHex(32)}`,
			ownerId: this.ownerId,
			stale: false,
			online: false,
			seq: 0,
			queue: [],
			consumedSeq: 0,
			cursors: new Map(),
			conversations: new Map(),
		};
		this.secrets.push({ kind: 'bot_token', value: bot.token });
		this.bot = bot;
		this.holds.notify();
		return bot;
	}

	conversation(bot: Bot, userId: string): Conversation {
		let c = bot.conversations.get(userId);
		if (!c) {
			c = { userId, sendsSinceOwner: 0, contextTokens: new Set(), typingTicket: Buffer.from(randomHex(16)).toString('base64'), typing: false, sendTimes: [], messages: new Map() };
			bot.conversations.set(userId, c);
		}
		return c;
	}
}
