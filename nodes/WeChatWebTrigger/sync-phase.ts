/**
 * The sync phase: runs the client's receive loop until a logout (returned) or
 * the trigger closes; turns each page of messages into a batch (filter, media)
 * with the cursor that covers it, and hands it to delivery. Transient trouble
 * restarts the loop after the scope's back-off.
 *
 * Only a delivered (or wholly filtered) page commits a position: a page's
 * contact changes arrive before its messages and must never move the position
 * past them (issue 16 item 1).
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { WeChatClient, WeChatMessage } from '../../lib/wechat';
import { LoggedOutError, WeChatError } from '../../lib/wechat';
import { messageJson } from '../shared/items';
import type { Delivery } from './delivery';
import type { TriggerSettings } from './filters';
import { messageFilter } from './filters';
import { downloadMessageMedia } from './media';
import type { TriggerScope } from './scope';

type Drained = { kind: 'ended' } | { kind: 'loggedOut'; error: LoggedOutError } | { kind: 'failed'; error: unknown };

export class SyncPhase {
	private readonly filter: (m: WeChatMessage) => boolean;

	constructor(
		private readonly scope: TriggerScope,
		private readonly settings: TriggerSettings,
		private readonly client: WeChatClient,
		private readonly delivery: Delivery,
	) {
		this.filter = messageFilter(settings);
	}

	/** Receives until a logout (returned) or the trigger closes (undefined). */
	async run(): Promise<LoggedOutError | undefined> {
		for (let attempt = 0; !this.scope.closing; attempt++) {
			const drained = await this.drain();
			if (drained.kind === 'ended' || this.scope.closing) return undefined;
			if (drained.kind === 'loggedOut') return drained.error;
			const error = drained.error;
			if (error instanceof LoggedOutError) return error;
			if (!(error instanceof WeChatError)) throw error as Error;
			const delay = this.scope.retryDelay(attempt);
			this.scope.logger.warn(`WeChat Web Trigger: receiving stopped (${error.message}); restarting in ${Math.round(delay / 1000)} s.`);
			if (!(await this.scope.pause(delay))) return undefined;
		}
		return undefined;
	}

	private async drain(): Promise<Drained> {
		const log = this.scope.logger;
		try {
			for await (const ev of this.client.receive({ signal: this.scope.signal })) {
				if (ev.type === 'messages') await this.deliver(ev.messages);
				else if (ev.type === 'retrying') log.warn(`WeChat Web Trigger: ${ev.error.message} Retrying in ${Math.round(ev.delayMs / 1000)} s (attempt ${ev.attempt}).`);
				else if (ev.type === 'recovered') log.info(`WeChat Web Trigger: connection recovered after ${ev.afterAttempts} attempt(s).`);
				else if (ev.type === 'loggedOut') return { kind: 'loggedOut', error: ev.error };
				if (this.scope.closing) break;
			}
			return { kind: 'ended' };
		} catch (error) {
			return { kind: 'failed', error };
		}
	}

	/** One page: filter, download media, then hand over with the position after the page. */
	private async deliver(messages: WeChatMessage[]): Promise<void> {
		const cursor = this.client.cursor();
		const kept = messages.filter(this.filter);
		if (!kept.length) return this.delivery.skip(cursor);
		const items: INodeExecutionData[] = [];
		for (const message of kept) {
			const item: INodeExecutionData = { json: messageJson(message) };
			if (this.settings.downloadMedia && message.media) {
				const media = await downloadMessageMedia(this.scope.ctx, this.client, message, this.settings.maxMediaBytes, this.scope.signal);
				if (media.aborted) return; // Closing: nothing handed over, nothing saved — a restart delivers this page.
				if (media.binary) item.binary = { [this.settings.binaryPropertyName]: media.binary };
				else if (media.error) item.json.mediaError = media.error;
			}
			items.push(item);
		}
		await this.delivery.deliver({ items, cursor });
	}
}
