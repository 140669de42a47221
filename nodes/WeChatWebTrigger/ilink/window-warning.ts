/**
 * The reply-window warning: after each owner message, one `windowExpiring`
 * Login Event some minutes before the bot can no longer answer (iLink allows
 * replies only within a window after the owner's last message). One timer per
 * chat, moved by every newer message; each window is warned about once, also
 * across restarts (the warned window is noted in static data, saved by the
 * warning's own emit).
 */

const WARNED_KEY = 'ilinkWindowWarned';
import type { IDataObject } from 'n8n-workflow';
import { n8nClock } from '../../shared/n8n-runtime';
import type { TriggerScope } from '../scope';
import type { BotRef } from './events';
import { windowExpiringEvent } from './events';

export class WindowWarnings {
	private readonly timers = new Map<string, { expiresAt: number; stop: AbortController }>();
	/** Per chat, the closing time of the window already warned about. */
	private readonly warned: IDataObject;

	constructor(
		private readonly scope: TriggerScope,
		private readonly warnBeforeMs: number,
		private readonly bot: () => BotRef,
		staticData: IDataObject,
	) {
		// Manual runs never save static data: they keep their own note.
		const stored = staticData[WARNED_KEY];
		this.warned = scope.manual ? {} : stored && typeof stored === 'object' ? (stored as IDataObject) : (staticData[WARNED_KEY] = {});
	}

	/** The chat's window now closes at `expiresAt` (ms): (re)schedule its warning. */
	schedule(chatId: string, expiresAt: number | undefined): void {
		if (!this.warnBeforeMs || expiresAt === undefined || this.scope.closing) return;
		const current = this.timers.get(chatId);
		if (current?.expiresAt === expiresAt || this.warned[chatId] === expiresAt) return;
		current?.stop.abort();
		const stop = new AbortController();
		this.timers.set(chatId, { expiresAt, stop });
		void this.wait(chatId, expiresAt, stop);
	}

	stopAll(): void {
		for (const t of this.timers.values()) t.stop.abort();
		this.timers.clear();
	}

	private async wait(chatId: string, expiresAt: number, stop: AbortController): Promise<void> {
		const signal = AbortSignal.any([this.scope.signal, stop.signal]);
		const delay = expiresAt - this.warnBeforeMs - n8nClock.now();
		if (delay > 0 && !(await this.scope.pause(delay, signal))) return;
		if (stop.signal.aborted || this.scope.closing) return;
		this.timers.delete(chatId);
		const now = n8nClock.now();
		if (now >= expiresAt) return; // Already closed (e.g. the warning time passed while n8n was down).
		// Older windows of other chats need no note any more.
		for (const [chat, at] of Object.entries(this.warned)) if (typeof at !== 'number' || at <= now) delete this.warned[chat];
		this.warned[chatId] = expiresAt;
		const item = windowExpiringEvent(this.bot(), chatId, expiresAt, now);
		this.scope.logger.info(`WeChat Web Trigger (iLink): ${String(item.json.message)}`);
		this.scope.emitEvent(item);
	}
}
