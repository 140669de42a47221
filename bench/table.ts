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

/** Every row with a goal, as one table: the goal, what was measured, met or not. */
export function formatGoals(rows: Row[]): string {
	const head = ['scenario', 'goal', 'measured', 'met'];
	const lines = rows
		.filter((r) => r.goal !== undefined)
		.map((r) => [
			r.scenario,
			`${r.metric}: ${cell(r.goal)}`,
			`${cell(r.ours)}${r.unit ? ` ${r.unit}` : ''}${r.ratio === undefined ? '' : ` = ${r.ratio}×${r.baseline ? ` ${r.baseline.name}` : ''}`}`,
			r.met ? 'met' : '**not met**',
		]);
	const all = [head, head.map(() => '---'), ...lines];
	return all.map((l) => `| ${l.join(' | ')} |`).join('\n');
}
