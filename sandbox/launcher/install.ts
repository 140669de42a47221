/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals -- the launcher runs under plain Node, outside n8n */
/**
 * `npm run runtime -- [1|2]`: installs, checks and heals the pinned n8n of one
 * line (runtime.ts) without starting it; CI and the end-to-end suites use it.
 */
import { LaunchError } from './commands';
import { Progress } from './progress';
import { ensureRuntime, RUNTIME, VERSIONS, type N8nLine } from './runtime';

async function main(): Promise<void> {
	const line = (process.argv[2] ?? '2') as N8nLine;
	if (!(line in VERSIONS)) throw new LaunchError(`Unknown n8n line "${line}"`, 'use 1 (n8n 1.123.81 on Node 20) or 2 (n8n 2.41.1 on Node 24)');
	const progress = new Progress();
	const done = await ensureRuntime(line, progress);
	progress.line(`n8n ${VERSIONS[line]} is ready in ${RUNTIME}${done.length ? ` (installed or repaired: ${done.join(', ')})` : ''}`);
}

main().catch((err: unknown) => {
	console.error(err instanceof LaunchError ? err.report() : err instanceof Error ? err.stack : err);
	process.exit(1);
});
