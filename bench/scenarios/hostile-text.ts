/**
 * 7. Hostile text (review issue 16, item 11): for each pathological pattern, the
 * time normalizeMessage spends on 100 KB and on 1 MB of it, summed over every
 * text-processing path (file names, link tags, XML, mentions, emoji …), minus
 * garbage-collector pauses. Linear work grows ~10× with the input, quadratic
 * ~100×; the goal is below 30×. No simulator needed: normalization is pure.
 */
import { growth, HOSTILE_PATTERNS, normalizer, payload, stopWatchingGc, TEXT_PATHS } from '../../test/helpers/hostile-text';
import { round, type Row } from '../stats';

const MAX_RATIO = 30;

export async function hostileText(smallBytes: number): Promise<{ rows: Row[]; raw: unknown }> {
	const runs = TEXT_PATHS.map((path) => normalizer(path));
	const rows: Row[] = [];
	const raw: Array<{ pattern: string; smallMs: number; bigMs: number; ratio: number; worstPath: string }> = [];
	try {
		for (const { name, unit } of HOSTILE_PATTERNS) {
			const small = payload(unit, smallBytes);
			const big = payload(unit, smallBytes * 10);
			let smallMs = 0;
			let bigMs = 0;
			let worst = { path: '', ratio: 0 };
			for (const [i, run] of runs.entries()) {
				const g = await growth(run, small, big, MAX_RATIO);
				smallMs += g.smallMs;
				bigMs += g.bigMs;
				if (g.ratio > worst.ratio) worst = { path: TEXT_PATHS[i].name, ratio: g.ratio };
			}
			const ratio = bigMs / smallMs;
			raw.push({ pattern: name, smallMs, bigMs, ratio, worstPath: worst.path });
			rows.push({
				scenario: '7 hostile text',
				metric: `"${name}" through ${runs.length} paths: ${smallBytes / 1000} KB → ${(smallBytes * 10) / 1000} KB`,
				ours: round(bigMs, 1),
				baseline: { name: `${smallBytes / 1000} KB`, value: round(smallMs, 2) },
				ratio: round(ratio, 1),
				unit: 'ms',
				goal: `< ${MAX_RATIO}× (linear ≈ 10×)`,
				met: ratio < MAX_RATIO && worst.ratio < MAX_RATIO,
				note: `worst path: ${worst.path} ×${round(worst.ratio, 1)}`,
			});
		}
	} finally {
		stopWatchingGc();
	}
	return { rows, raw };
}
