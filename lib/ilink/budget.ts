/**
 * What iLink lets a bot send (ilink-protocol.md §10), as pure data in and out
 * so the n8n side can persist it: per chat the newest context_token, when the
 * owner last wrote, and the sends since; an account-wide block after a ret -2.
 * A send is allowed within `windowMs` of the owner's last message, at most
 * `sendsPerMessage` times per owner message, and not while blocked. Defaults
 * are conservative: 23 h (not 24), 10 sends, 30 min after a -2.
 */

export interface BudgetConfig {
	/** How long after the owner's last message sends are allowed (default 23 h; the rule says 24 h, some saw less). */
	windowMs: number;
	/** Sends allowed per owner message (default 10: "每下发10次消息后，需要主动发起一次对话"). */
	sendsPerMessage: number;
	/** How long to hold all sends after a ret -2 (default 30 min: reported blocks last 30+ min). */
	throttleMs: number;
	/** Whether a new owner message lifts a -2 block early (default false). */
	inboundLiftsThrottle: boolean;
	/** Chats remembered (oldest dropped first; default 200). */
	maxChats: number;
}

export const DEFAULT_BUDGET: BudgetConfig = {
	windowMs: 23 * 3600_000,
	sendsPerMessage: 10,
	throttleMs: 30 * 60_000,
	inboundLiftsThrottle: false,
	maxChats: 200,
};

export interface ChatBudget {
	contextToken?: string;
	/** Ms since the epoch of the owner's newest message in this chat. */
	lastInboundAt?: number;
	sendsSince: number;
	/**
	 * The sends that count against the owner's newest message, by id (see
	 * SendMark): two copies of the budget merge without counting a send twice,
	 * and a send that reached the server after the owner's next message — a
	 * reply racing the owner's follow-up — counts against that message too, as
	 * the server counts it.
	 */
	sends?: Record<string, SendMark>;
}

/** One send: `at` is when it was reserved, or when it finished once `done`. */
export interface SendMark {
	at: number;
	done?: boolean;
}

/** A send finished this long before the owner's message may still have reached the server after it (clock skew, latency). */
export const STRADDLE_MS = 2000;
/** A send reserved and never finished (its process died) stops counting after this long. */
export const IN_FLIGHT_MS = 5 * 60_000;
/** Marks kept per chat (more than any window allows). */
const MAX_MARKS = 100;

/** Whether a send may count against an owner message at `inboundAt`. */
function countsFor(mark: SendMark, inboundAt: number | undefined): boolean {
	if (inboundAt === undefined) return true;
	return (mark.done ? mark.at : mark.at + IN_FLIGHT_MS) >= inboundAt - STRADDLE_MS;
}

/** The marks of `chats` (one or more copies) that count for `inboundAt`, by id (a finished mark wins over its reservation). */
function marksFor(inboundAt: number | undefined, ...copies: Array<Record<string, SendMark> | undefined>): Record<string, SendMark> {
	const out: Record<string, SendMark> = {};
	for (const marks of copies) {
		for (const [id, m] of Object.entries(marks ?? {})) {
			if (id === '__proto__' || !countsFor(m, inboundAt)) continue;
			const prev = out[id];
			if (!prev || (m.done && !prev.done) || (!!m.done === !!prev.done && m.at > prev.at)) out[id] = { at: m.at, ...(m.done ? { done: true } : {}) };
		}
	}
	const ids = Object.keys(out);
	for (const id of ids.slice(0, Math.max(0, ids.length - MAX_MARKS))) delete out[id];
	return out;
}

/** Sends of a copy not recorded as marks (budgets written before marks existed). */
function unmarked(c: ChatBudget | undefined): number {
	if (!c) return 0;
	return Math.max(0, c.sendsSince - Object.keys(c.sends ?? {}).length);
}

export interface BudgetState {
	version: 1;
	chats: Record<string, ChatBudget>;
	/** Ms since the epoch until which the server refuses sends (ret -2). */
	blockedUntil?: number;
}

export type SendVerdict =
	| { ok: true; contextToken: string; sendsLeft: number; windowExpiresAt: number }
	| { ok: false; reason: 'noConversation' | 'windowClosed' | 'quotaExhausted' | 'throttled'; reopen: string; until?: number; sendsLeft: number; windowExpiresAt?: number };

export interface ChatStatus {
	contextToken?: string;
	windowExpiresAt?: number;
	sendsLeft: number;
	blockedUntil?: number;
}

export function emptyBudget(): BudgetState {
	return { version: 1, chats: {} };
}

export function budgetConfig(partial: Partial<BudgetConfig> = {}): BudgetConfig {
	const c = { ...DEFAULT_BUDGET, ...partial };
	const pos = (v: number, d: number) => (Number.isFinite(v) && v >= 0 ? v : d);
	return {
		windowMs: pos(c.windowMs, DEFAULT_BUDGET.windowMs),
		sendsPerMessage: Math.floor(pos(c.sendsPerMessage, DEFAULT_BUDGET.sendsPerMessage)),
		throttleMs: pos(c.throttleMs, DEFAULT_BUDGET.throttleMs),
		inboundLiftsThrottle: !!c.inboundLiftsThrottle,
		maxChats: Math.max(1, Math.floor(pos(c.maxChats, DEFAULT_BUDGET.maxChats))),
	};
}

/** A stored state as this version reads it (anything else → empty). */
export function readBudget(value: unknown): BudgetState {
	const v = value as Partial<BudgetState> | null;
	if (!v || typeof v !== 'object' || v.version !== 1 || !v.chats || typeof v.chats !== 'object') return emptyBudget();
	const chats: Record<string, ChatBudget> = {};
	for (const [id, c] of Object.entries(v.chats)) {
		if (id === '__proto__' || !c || typeof c !== 'object') continue;
		chats[id] = {
			contextToken: typeof c.contextToken === 'string' ? c.contextToken : undefined,
			lastInboundAt: typeof c.lastInboundAt === 'number' ? c.lastInboundAt : undefined,
			sendsSince: typeof c.sendsSince === 'number' && c.sendsSince >= 0 ? c.sendsSince : 0,
			...readMarks((c as { sends?: unknown }).sends),
		};
	}
	return { version: 1, chats, blockedUntil: typeof v.blockedUntil === 'number' ? v.blockedUntil : undefined };
}

function readMarks(value: unknown): { sends?: Record<string, SendMark> } {
	if (!value || typeof value !== 'object') return {};
	const sends: Record<string, SendMark> = {};
	for (const [id, m] of Object.entries(value as Record<string, unknown>)) {
		const mark = m as Partial<SendMark> | null;
		if (id === '__proto__' || !mark || typeof mark.at !== 'number' || !Number.isFinite(mark.at)) continue;
		sends[id] = { at: mark.at, ...(mark.done === true ? { done: true } : {}) };
	}
	return { sends };
}

function withChat(state: BudgetState, chat: string, value: ChatBudget, config: BudgetConfig): BudgetState {
	if (chat === '__proto__') return state;
	const chats: Record<string, ChatBudget> = {};
	const others = Object.entries(state.chats).filter(([id]) => id !== chat);
	for (const [id, c] of others.slice(Math.max(0, others.length - (config.maxChats - 1)))) chats[id] = c;
	chats[chat] = value;
	return { ...state, chats };
}

/** The owner wrote in `chat` at `at`: new context token, window reopened, sends counted from zero. */
export function recordInbound(state: BudgetState, chat: string, at: number, contextToken: string | undefined, partial: Partial<BudgetConfig> = {}): BudgetState {
	const config = budgetConfig(partial);
	const prev = state.chats[chat];
	const newer = prev?.lastInboundAt === undefined || at >= prev.lastInboundAt;
	// A send that may have reached the server after this message counts against it (STRADDLE_MS).
	const carried = marksFor(at, prev?.sends);
	const next: ChatBudget = newer
		? { contextToken: contextToken || prev?.contextToken, lastInboundAt: at, sendsSince: Object.keys(carried).length, sends: carried }
		: { ...prev, contextToken: prev?.contextToken ?? contextToken, sendsSince: prev?.sendsSince ?? 0 };
	const out = withChat(state, chat, next, config);
	if (newer && config.inboundLiftsThrottle && out.blockedUntil !== undefined) delete out.blockedUntil;
	return out;
}

/**
 * Two copies of one account's budget written by different processes (a listener
 * noting the owner's messages, a sender counting its sends) as one: per chat the
 * copy with the newer owner message wins (a new message opens a new window);
 * sends count by id across both copies (each once; one of the older window
 * that may have reached the server after the newer message counts too); sends
 * of copies without ids: the higher count; the later block.
 */
export function mergeBudget(a: BudgetState, b: BudgetState): BudgetState {
	const chats: Record<string, ChatBudget> = {};
	for (const id of new Set([...Object.keys(a.chats), ...Object.keys(b.chats)])) {
		if (id === '__proto__') continue;
		const x = a.chats[id];
		const y = b.chats[id];
		if (!x || !y) {
			chats[id] = { ...(x ?? y) } as ChatBudget;
			continue;
		}
		const tx = x.lastInboundAt ?? -1;
		const ty = y.lastInboundAt ?? -1;
		const base = tx === ty ? { ...x, contextToken: x.contextToken ?? y.contextToken } : tx > ty ? x : y;
		// Sends are counted by id across both copies: each copy's own plus those of the other that count for this message.
		const sends = marksFor(base.lastInboundAt, x.sends, y.sends);
		const loose = tx === ty ? Math.max(unmarked(x), unmarked(y)) : unmarked(base);
		chats[id] = { ...base, sendsSince: loose + Object.keys(sends).length, sends };
	}
	const blocked = Math.max(a.blockedUntil ?? 0, b.blockedUntil ?? 0);
	return { version: 1, chats, ...(blocked ? { blockedUntil: blocked } : {}) };
}

export function recordSend(state: BudgetState, chat: string, count = 1): BudgetState {
	if (chat === '__proto__') return state;
	const prev = state.chats[chat] ?? { sendsSince: 0 };
	return { ...state, chats: { ...state.chats, [chat]: { ...prev, sendsSince: Math.max(0, prev.sendsSince + count) } } };
}

/** Reserves one send per id (before it goes out). */
export function reserveSends(state: BudgetState, chat: string, ids: readonly string[], at: number): BudgetState {
	if (chat === '__proto__') return state;
	const prev = state.chats[chat] ?? { sendsSince: 0 };
	const sends = { ...(prev.sends ?? {}) };
	for (const id of ids) if (id !== '__proto__') sends[id] = { at };
	return { ...state, chats: { ...state.chats, [chat]: { ...prev, sendsSince: prev.sendsSince + ids.length, sends } } };
}

/** A reserved send went out (`sent`: it counts from `at`, when it finished) or did not (given back). */
export function finishSend(state: BudgetState, chat: string, id: string, at: number, sent: boolean): BudgetState {
	const prev = state.chats[chat];
	if (!prev?.sends?.[id] || chat === '__proto__') return state;
	const sends = { ...prev.sends };
	if (sent) sends[id] = { at, done: true };
	else delete sends[id];
	return { ...state, chats: { ...state.chats, [chat]: { ...prev, sendsSince: Math.max(0, prev.sendsSince - (sent ? 0 : 1)), sends } } };
}

export function recordThrottle(state: BudgetState, until: number): BudgetState {
	return { ...state, blockedUntil: Math.max(until, state.blockedUntil ?? 0) };
}

export function chatStatus(state: BudgetState, chat: string, now: number, partial: Partial<BudgetConfig> = {}): ChatStatus {
	const config = budgetConfig(partial);
	const c = state.chats[chat];
	const windowExpiresAt = c?.lastInboundAt !== undefined ? c.lastInboundAt + config.windowMs : undefined;
	const open = windowExpiresAt !== undefined && now < windowExpiresAt && !!c?.contextToken;
	const blockedUntil = state.blockedUntil !== undefined && state.blockedUntil > now ? state.blockedUntil : undefined;
	return { contextToken: c?.contextToken, windowExpiresAt, sendsLeft: open ? Math.max(0, config.sendsPerMessage - (c?.sendsSince ?? 0)) : 0, blockedUntil };
}

const REOPEN = 'The owner sends the bot a message in WeChat.';

/** Whether `count` sends to `chat` fit now, and if not, why and what reopens them. */
export function checkSend(state: BudgetState, chat: string, now: number, count = 1, partial: Partial<BudgetConfig> = {}): SendVerdict {
	const s = chatStatus(state, chat, now, partial);
	if (s.blockedUntil !== undefined) return { ok: false, reason: 'throttled', reopen: `Wait until ${new Date(s.blockedUntil).toISOString()}.`, until: s.blockedUntil, sendsLeft: s.sendsLeft, windowExpiresAt: s.windowExpiresAt };
	if (!s.contextToken || s.windowExpiresAt === undefined) return { ok: false, reason: 'noConversation', reopen: REOPEN, sendsLeft: 0 };
	if (now >= s.windowExpiresAt) return { ok: false, reason: 'windowClosed', reopen: REOPEN, sendsLeft: 0, windowExpiresAt: s.windowExpiresAt };
	if (count > s.sendsLeft) return { ok: false, reason: 'quotaExhausted', reopen: REOPEN, sendsLeft: s.sendsLeft, windowExpiresAt: s.windowExpiresAt };
	return { ok: true, contextToken: s.contextToken, sendsLeft: s.sendsLeft, windowExpiresAt: s.windowExpiresAt };
}
