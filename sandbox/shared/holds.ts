/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Long-poll holds for both simulators (Web: login poll, synccheck; iLink:
 * getupdates, get_qrcode_status). A held request re-evaluates itself on every
 * state change (`notify`), answers its fallback when the hold time runs out or
 * the simulator closes, and disappears silently when the client disconnects.
 */

/** What a hold needs of a simulator's request/response pair. */
export interface HoldableExchange {
	readonly open: boolean;
	onClose(fn: () => void): void;
}

interface Held<Exchange extends HoldableExchange> {
	ex: Exchange;
	tryAnswer: () => boolean;
	fallback: () => void;
	timer: NodeJS.Timeout;
}

export class Holds<Exchange extends HoldableExchange> {
	private readonly held = new Set<Held<Exchange>>();

	/** Answers now if `tryAnswer` can, else holds up to `ms` and then calls `fallback`. */
	hold(ex: Exchange, ms: number, tryAnswer: () => boolean, fallback: () => void): void {
		if (tryAnswer()) return;
		const h: Held<Exchange> = {
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

	/** Something changed: let every held request look again. */
	notify(): void {
		for (const h of [...this.held]) {
			if (!h.ex.open) this.release(h);
			else if (h.tryAnswer()) this.release(h);
		}
	}

	/** How many requests are held now. */
	get size(): number {
		return this.held.size;
	}

	/** Ends every hold with its fallback answer (simulator shutdown). */
	closeAll(): void {
		for (const h of [...this.held]) {
			this.release(h);
			if (h.ex.open) h.fallback();
		}
	}

	private release(h: Held<Exchange>): void {
		clearTimeout(h.timer);
		this.held.delete(h);
	}
}
