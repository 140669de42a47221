/** The results table as Markdown (printed and pasted into the README). */
import type { Row } from './stats';

const cell = (v: unknown): string => (v === undefined ? '' : String(v));

export function formatTable(rows: Row[]): string {
	const head = ['scenario', 'metric', 'ours', 'baseline', 'ratio', 'goal', 'met'];
	const lines = rows.map((r) => [
		r.scenario,
		r.metric,
		`${cell(r.ours)}${r.unit ? ` ${r.unit}` : ''}`,
		r.baseline ? `${r.baseline.name}: ${cell(r.baseline.value)}${r.unit ? ` ${r.unit}` : ''}` : '',
		r.ratio === undefined ? '' : `${r.ratio}×`,
		cell(r.goal),
		r.met === undefined ? '' : r.met ? 'yes' : '**no**',
	]);
	const all = [head, head.map(() => '---'), ...lines];
	return all.map((l) => `| ${l.join(' | ')} |`).join('\n');
}
