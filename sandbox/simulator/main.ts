/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- test and sandbox code runs under plain Node, outside n8n */
/**
 * Runs the simulator as a standalone server for people and other processes:
 *   npx ts-node --transpile-only sandbox/simulator/main.ts [--port 8790] [--host 127.0.0.1]
 * Port default: $WECHAT_SANDBOX_PORT, else 8790.
 */

import { startSimulator } from './index';

function arg(name: string): string | undefined {
	const argv = process.argv.slice(2);
	const i = argv.indexOf(`--${name}`);
	if (i >= 0) return argv[i + 1];
	const eq = argv.find((a) => a.startsWith(`--${name}=`));
	return eq?.slice(name.length + 3);
}

async function main(): Promise<void> {
	const portText = arg('port') ?? process.env.WECHAT_SANDBOX_PORT ?? '8790';
	const port = Number(portText);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port "${portText}"`);
	const sim = await startSimulator({ port, host: arg('host') ?? '127.0.0.1' });
	console.log(`WeChat Web simulator listening on ${sim.origin}`);
	console.log(`Phone page: ${sim.origin}/__sim/`);
	console.log(`Point the client's origin override at ${sim.origin}, e.g. in another terminal:`);
	console.log(`  npx ts-node --transpile-only lib/cli/main.ts login --origin ${sim.origin}   (then "scan" on the phone page)`);
	console.log(`  npx ts-node --transpile-only lib/cli/main.ts listen --origin ${sim.origin}  (type messages on the phone page)`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping…`);
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
