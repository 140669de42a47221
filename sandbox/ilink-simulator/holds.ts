/* eslint-disable @n8n/community-nodes/no-restricted-globals -- sandbox code runs under plain Node, outside n8n */
/**
 * Long-poll holds (getupdates, get_qrcode_status). A held request looks again
 * on every state change (`notify`), answers its fallback when the hold runs
 * out or the simulator closes, and is dropped silently when the client leaves.
 */

import type { Exchange } from './exchange';

interface Held {
	ex: Exchange;
	tryAnswer: () => boolean;
	fallback: () => void;
	timer: NodeJS.Timeout;
}

export class Holds {
	private readonly held = new Set<Held>();

	hold(ex: Exchange, ms: number, tryAnswer: () => boolean, fallback: () => void): void {
		if (tryAnswer()) return;
		const h: Held = {
			ex,
			tryAnswer,
			fallback,
			timer: setTimeout(() => {
				this.held.delete(h);
				if (ex.open) fallback();
			}, ms),
		};
		this.held.add(h);
		ex.onClose(() => this.release(h));
	}

	notify(): void {
		for (const h of [...this.held]) {
			if (!h.ex.open || h.tryAnswer()) this.release(h);
		}
	}

	get size(): number {
		return this.held.size;
	}

	closeAll(): void {
		for (const h of [...this.held]) {
			this.release(h);
			if (h.ex.open) h.fallback();
		}
	}

	private release(h: Held): void {
		clearTimeout(h.timer);
		this.held.delete(h);
	}
}
