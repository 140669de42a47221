/**
 * Review issue 16, item 11: text a friend controls must never make the
 * normalizer super-linear (60,000 spaces in a file name stalled the event loop
 * 1.5 s, 1 MB never finished). Every text-processing path of normalizeMessage
 * gets 1 MB of every pathological pattern; the work may grow about as much as
 * the input (10×), never as its square (100×). No absolute time limits: the
 * ratio of 100 KB to 1 MB (after 10 KB to 100 KB, so a quadratic path fails
 * in seconds instead of running for minutes).
 */
import { growth, HOSTILE_PATTERNS, normalizer, payload, stopWatchingGc, TEXT_PATHS } from '../helpers/hostile-text';

/** Linear ≈ 10, quadratic ≈ 100. */
const MAX_RATIO = 30;
const KB = 1000;

jest.setTimeout(600_000);
afterAll(() => stopWatchingGc());

describe('normalizeMessage stays linear on 1 MB of hostile text', () => {
	test.each(TEXT_PATHS.map((p) => [p.name, p] as const))('%s', async (_name, path) => {
		const run = normalizer(path);
		const superlinear: string[] = [];
		for (const { name, unit } of HOSTILE_PATTERNS) {
			// 10 KB → 100 KB first: a quadratic path is caught here, before 1 MB would take minutes.
			const steps: Array<[small: number, big: number]> = [
				[10 * KB, 100 * KB],
				[100 * KB, 1000 * KB],
			];
			for (const [small, big] of steps) {
				const g = await growth(run, payload(unit, small), payload(unit, big), MAX_RATIO);
				if (g.ratio >= MAX_RATIO) {
					superlinear.push(`${name}: ${small / KB} KB ${g.smallMs.toFixed(2)} ms → ${big / KB} KB ${g.bigMs.toFixed(2)} ms (×${g.ratio.toFixed(1)})`);
					break;
				}
			}
		}
		expect(superlinear).toEqual([]);
	});
});
