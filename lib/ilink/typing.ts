/* eslint-disable @n8n/community-nodes/require-node-api-error -- the n8n-free protocol client throws its own typed errors; nodes/shared maps them to NodeApiError/NodeOperationError */
/**
 * getconfig → typing_ticket, and sendtyping (ilink-protocol.md §6). Tickets are
 * cached per user and refreshed at a random moment within 24 h; a failed
 * getconfig is retried after 2 s, doubling to 1 h, like the official client.
 * The ticket never appears in an error or log line.
 */
import { SessionStaleError } from './errors';
import type { IlinkHttp } from './http';
import { checkEnvelope, LIGHT_TIMEOUT_MS } from './http';
import type { IlinkSession } from './session';

export const TICKET_REFRESH_MS = 24 * 3600_000;
export const TICKET_RETRY_MS = 2000;
export const TICKET_RETRY_CAP_MS = 3600_000;

export async function getConfig(http: IlinkHttp, session: IlinkSession, userId: string, contextToken: string | undefined, signal?: AbortSignal): Promise<string> {
	const body: Record<string, unknown> = { ilink_user_id: userId };
	if (contextToken) body.context_token = contextToken;
	const data = await http.post<{ ret?: unknown; errcode?: unknown; errmsg?: unknown; typing_ticket?: unknown }>(session.baseUrl, 'ilink/bot/getconfig', body, {
		token: session.botToken,
		signal,
		timeoutMs: LIGHT_TIMEOUT_MS,
		secrets: contextToken ? [contextToken] : [],
	});
	checkEnvelope('getconfig', data);
	return typeof data.typing_ticket === 'string' ? data.typing_ticket : '';
}

/** status 1 = typing, 2 = cancel; the answer body is ignored (only HTTP errors count, §6). */
export async function sendTyping(http: IlinkHttp, session: IlinkSession, userId: string, ticket: string, status: 1 | 2, signal?: AbortSignal): Promise<void> {
	await http.post(session.baseUrl, 'ilink/bot/sendtyping', { ilink_user_id: userId, typing_ticket: ticket, status }, { token: session.botToken, signal, timeoutMs: LIGHT_TIMEOUT_MS, secrets: [ticket] });
}

interface Entry {
	ticket: string;
	refreshAt: number;
	failures: number;
}

/** Per-user typing tickets with the official refresh and retry timing. */
export class TypingTickets {
	private entries = new Map<string, Entry>();

	constructor(private readonly http: IlinkHttp) {}

	clear(): void {
		this.entries.clear();
	}

	/** The user's ticket ('' when none could be had); asks getconfig when due. */
	async ticket(session: IlinkSession, userId: string, contextToken: string | undefined, signal?: AbortSignal): Promise<string> {
		const clock = this.http.clock;
		const now = clock.now();
		const entry = this.entries.get(userId);
		if (entry && now < entry.refreshAt) return entry.ticket;
		try {
			const ticket = await getConfig(this.http, session, userId, contextToken, signal);
			this.entries.set(userId, { ticket, refreshAt: now + Math.floor(clock.random() * TICKET_REFRESH_MS), failures: 0 });
			return ticket;
		} catch (err) {
			if (signal?.aborted || err instanceof SessionStaleError) throw err;
			const failures = (entry?.failures ?? 0) + 1;
			const delay = Math.min(TICKET_RETRY_CAP_MS, TICKET_RETRY_MS * 2 ** (failures - 1));
			this.entries.set(userId, { ticket: entry?.ticket ?? '', refreshAt: now + delay, failures });
			this.http.logger.warn('iLink getconfig failed; typing stays off for a while', { retryInMs: delay, code: (err as { code?: unknown }).code });
			return entry?.ticket ?? '';
		}
	}
}
