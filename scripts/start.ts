/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * `npm start`: n8n with this package installed (as n8n's community-package
 * installer would), the WeChat sandbox, a sandbox credential and the example
 * workflows. Everything listens on 127.0.0.1; Ctrl-C stops what it started.
 *
 *   N8N_LINE=2 (default, n8n 2.41.1 on Node 24 from the npm package node@24) | 1 (n8n 1.123.81 on Node 20)
 *   WECHAT_SANDBOX=off   real-account setup: no simulator, no sandbox credential
 *   N8N_PORT=5678  WECHAT_SANDBOX_PORT=8790
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureN8n, examples, installPackage, N8nInstance, OWNER, packPackage, RUNTIME, type N8nLine } from '../test/e2e/n8n-instance';
import { startSimulator } from '../test/simulator';
import type { Simulator } from '../test/simulator/api';

const SANDBOX_CREDENTIAL_ID = 'wechatSandbox001';

async function main(): Promise<void> {
	const line = (process.env.N8N_LINE === '1' ? '1' : '2') as N8nLine;
	const sandbox = !['off', '0', 'false', 'no'].includes(String(process.env.WECHAT_SANDBOX ?? '').toLowerCase());
	const port = Number(process.env.N8N_PORT ?? 5678);
	ensureN8n(line, console.log);
	const userFolder = path.join(RUNTIME, `home-${line}${sandbox ? '-sandbox' : ''}`);
	const fresh = !existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));
	mkdirSync(userFolder, { recursive: true });
	console.log('Building and packing the package…');
	installPackage(userFolder, packPackage(path.join(RUNTIME, 'pack')));

	let sim: Simulator | null = null;
	const n8n = new N8nInstance({ line, port, userFolder, logLevel: 'info' });
	if (sandbox) {
		sim = await startSimulator({ port: Number(process.env.WECHAT_SANDBOX_PORT ?? 8790) });
		if (fresh) {
			await n8n.importCredentials([
				{
					id: SANDBOX_CREDENTIAL_ID,
					name: 'WeChat Sandbox',
					type: 'weChatWebApi',
					data: { loginMode: 'desktop', originOverride: sim.origin, minSendIntervalSeconds: 1, maxSendsPerMinute: 30, sessionImport: '', session: '', sessionRevision: '' },
				},
			]);
			const demo = examples();
			await n8n.importWorkflows(demo.map((e) => e.workflow));
			for (const e of demo) if ((e.workflow as { meta?: { activeInSandbox?: boolean } }).meta?.activeInSandbox) await n8n.activateOffline(String(e.workflow.id));
		}
	}
	writeFileSync(path.join(userFolder, 'README.txt'), 'n8n user folder made by `npm start`; delete it to start over.\n');
	console.log(`Starting n8n ${line === '2' ? '2.41.1' : '1.123.81'}…`);
	await n8n.start(180000);
	if (fresh) await n8n.setupOwnerAndApiKey().catch((err) => console.log(`(owner setup skipped: ${(err as Error).message})`));

	console.log('');
	console.log(`  n8n editor:        ${n8n.baseUrl}   (owner ${OWNER.email} / ${OWNER.password})`);
	if (sim) {
		console.log(`  WeChat sandbox:    ${sim.origin}/__sim/   ("the phone": scan + confirm the QR, type messages)`);
		console.log('  The workflow "WeChat sandbox: echo bot" is active: confirm the login on the phone page,');
		console.log('  then type a message into a chat and see it answered, and the run listed in n8n.');
	} else {
		console.log('  Real account: create a "WeChat Web Account" credential, add a WeChat Web Trigger and activate');
		console.log('  the workflow; the QR code arrives on its Login Events output and in this log.');
	}
	console.log(`  n8n log:           ${n8n.logFile}`);
	console.log('  Ctrl-C stops n8n and the sandbox.');

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping…');
		await n8n.stop();
		await sim?.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	// Echo n8n's QR log lines so a real-account user sees the code here too.
	let shown = 0;
	setInterval(() => {
		const text = n8n.logText();
		if (text.length > shown) {
			const fresh = text.slice(shown);
			shown = text.length;
			if (/WeChat|QR/i.test(fresh)) process.stdout.write(fresh.split('\n').filter((l) => /WeChat|QR|[▀▄█]/.test(l)).join('\n') + '\n');
		}
		if (!n8n.running && !stopping) {
			console.log('n8n exited; see the log above.');
			void stop();
		}
	}, 1000);
}

main().catch((err: unknown) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
