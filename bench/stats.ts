/** Small statistics for the benchmark: percentiles, medians, ratios and the table row shape. */

export function percentile(values: number[], p: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank];
}

export function median(values: number[]): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Row {
	scenario: string;
	metric: string;
	ours: number | string;
	/** What we compare with, and its figure. */
	baseline?: { name: string; value: number | string };
	/** Median over rounds of ours/baseline (or ours alone for absolute goals). */
	ratio?: number;
	unit?: string;
	goal?: string;
	/** true met, false missed, undefined no goal. */
	met?: boolean;
	note?: string;
}

export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

/** Runs `fns` in rounds, rotating the order each round so neither side always goes first. */
export async function interleaved<T>(rounds: number, fns: Array<(round: number) => Promise<T>>): Promise<T[][]> {
	const out: T[][] = fns.map(() => []);
	for (let r = 0; r < rounds; r++) {
		for (let k = 0; k < fns.length; k++) {
			const i = (k + r) % fns.length;
			out[i].push(await fns[i](r));
		}
	}
	return out;
}

export const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);
