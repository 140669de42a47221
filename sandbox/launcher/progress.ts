/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals -- the launcher runs under plain Node, outside n8n */
/**
 * Named phases with their elapsed time, so a first run of several minutes can
 * be followed: "[0:12] ▸ installing n8n 2.41.1 …" … "[3:40] ✓ installing n8n 2.41.1 (3m28s)".
 * While a phase runs longer than a minute, a line says it is still going.
 */

function clock(ms: number): string {
	const s = Math.floor(ms / 1000);
	return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function duration(ms: number): string {
	const s = Math.round(ms / 1000);
	return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class Progress {
	private readonly t0 = Date.now();

	constructor(private readonly out: (line: string) => void = (l) => console.log(l)) {}

	line(text: string): void {
		this.out(`[${clock(Date.now() - this.t0)}] ${text}`);
	}

	/** Runs one phase; its name is printed when it starts and when it ends, with how long it took. */
	async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
		const start = Date.now();
		this.line(`▸ ${name} …`);
		const ticker = setInterval(() => this.line(`  … still ${name} (${duration(Date.now() - start)})`), 60_000);
		ticker.unref();
		try {
			const value = await fn();
			this.line(`✓ ${name} (${duration(Date.now() - start)})`);
			return value;
		} finally {
			clearInterval(ticker);
		}
	}

	get elapsedMs(): number {
		return Date.now() - this.t0;
	}
}
