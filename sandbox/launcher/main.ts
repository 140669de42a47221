/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * `npm start`: n8n with this package installed (as n8n's community-package
 * installer would), the WeChat sandbox, a sandbox credential and the example
 * workflows. Everything listens on 127.0.0.1; Ctrl-C stops what it started.
 *
 *   N8N_LINE=2 (default: n8n 2.41.1 on Node 24, installed from the npm package `node`) | 1 (n8n 1.123.81 on this Node 20)
 *   WECHAT_SANDBOX=off   real-account setup: no sandbox, no sandbox credential
 *   N8N_PORT=5678  WECHAT_SANDBOX_PORT=8790 (the Web route's simulator)  WECHAT_ILINK_SANDBOX_PORT (the iLink
 *   route's simulator, default WECHAT_SANDBOX_PORT + 1)  WECHAT_RUNTIME_DIR=.n8n-runtime
 *   npm start -- --check   start, check that both URLs answer 200, stop (exit 0 when they did)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startIlinkSimulator, type IlinkSimulator } from '../ilink-simulator';
import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator/api';
import { LaunchError, stopActiveCommands, stopProcessGroup } from './commands';
import { InstanceLock } from './instance-lock';
import { examples, installPackage, N8nInstance, OWNER, packPackage, waitFor200 } from './n8n-instance';
import { requirePortsFree, type PortNeed } from './ports';
import { importSandbox, readyLines, sandboxImportNeeded, type Imported } from './sandbox-setup';
import { userFolderSecrets } from './secrets';
import { duration, Progress } from './progress';
import { ensureRuntime, LINES, RUNTIME, VERSIONS, type N8nLine } from './runtime';

interface Options {
	line: N8nLine;
	sandbox: boolean;
	port: number;
	sandboxPort: number;
	/** The iLink simulator (the bot chat). */
	ilinkPort: number;
	check: boolean;
}

function portSetting(name: string, fallback: number): number {
	const text = process.env[name];
	if (text === undefined || text === '') return fallback;
	const port = Number(text);
	if (!Number.isInteger(port) || port < 1 || port > 64535) throw new LaunchError(`${name}=${text} is not a port number`, `set ${name} to a free port between 1024 and 64535, or leave it unset for ${fallback}`);
	return port;
}

function options(): Options {
	const lineText = process.env.N8N_LINE ?? '2';
	if (lineText !== '1' && lineText !== '2') throw new LaunchError(`N8N_LINE=${lineText} is not a known n8n line`, 'use N8N_LINE=2 (n8n 2.41.1, the default) or N8N_LINE=1 (n8n 1.123.81 on Node 20)');
	const sandboxPort = portSetting('WECHAT_SANDBOX_PORT', 8790);
	return {
		line: lineText,
		sandbox: !['off', '0', 'false', 'no'].includes(String(process.env.WECHAT_SANDBOX ?? '').toLowerCase()),
		port: portSetting('N8N_PORT', 5678),
		sandboxPort,
		ilinkPort: portSetting('WECHAT_ILINK_SANDBOX_PORT', sandboxPort + 1),
		check: process.argv.includes('--check'),
	};
}

function portsNeeded(o: Options): PortNeed[] {
	const needs: PortNeed[] = [{ port: o.port, purpose: 'the n8n editor', setting: 'N8N_PORT' }];
	if (o.line === '2') needs.push({ port: o.port + 1000, purpose: "n8n's task-runner broker, always N8N_PORT + 1000", setting: 'N8N_PORT' });
	if (o.sandbox) {
		needs.push({ port: o.sandboxPort, purpose: 'the WeChat sandbox', setting: 'WECHAT_SANDBOX_PORT' });
		needs.push({ port: o.ilinkPort, purpose: 'the WeChat bot (iLink) sandbox', setting: 'WECHAT_ILINK_SANDBOX_PORT' });
	}
	return needs;
}

function readImported(file: string): Imported {
	try {
		return JSON.parse(readFileSync(file, 'utf8')) as Imported;
	} catch {
		return {};
	}
}

async function main(): Promise<void> {
	const o = options();
	const progress = new Progress();
	const lock = new InstanceLock(RUNTIME);
	let n8n: N8nInstance | null = null;
	let sim: Simulator | null = null;
	let ilink: IlinkSimulator | null = null;
	let stopping = false;

	const stop = async (code: number, why?: string) => {
		if (stopping) return;
		stopping = true;
		if (why) console.log(`\n${why}: stopping n8n and the sandbox…`);
		stopActiveCommands();
		await n8n?.stop().catch(() => undefined);
		await sim?.close().catch(() => undefined);
		await ilink?.close().catch(() => undefined);
		lock.release();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0, 'Ctrl-C'));
	process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
	process.on('SIGHUP', () => void stop(0, 'SIGHUP'));

	try {
		console.log(`npm start: n8n ${VERSIONS[o.line]} (Node ${LINES[o.line].nodeMajor}) with n8n-nodes-wechat-web${o.sandbox ? ' and the WeChat sandbox' : ''}; runtime in ${RUNTIME}`);
		const leftover = lock.acquire();
		if (leftover) {
			progress.line(`  stopping the n8n an earlier npm start left running (pid ${leftover})`);
			await stopProcessGroup(leftover);
		}
		await requirePortsFree(portsNeeded(o));
		await ensureRuntime(o.line, progress);

		const userFolder = path.join(RUNTIME, `home-${o.line}${o.sandbox ? '-sandbox' : ''}`);
		mkdirSync(userFolder, { recursive: true });
		writeFileSync(path.join(userFolder, 'README.txt'), 'n8n user folder made by `npm start`; delete it to start over.\n');
		const importedFile = path.join(userFolder, 'imported.json');
		// A user folder whose database was deleted by hand starts over.
		const imported = existsSync(path.join(userFolder, '.n8n', 'database.sqlite')) ? readImported(importedFile) : {};
		const save = () => writeFileSync(importedFile, JSON.stringify(imported, null, 2));

		await progress.phase('building the package', async () => installPackage(userFolder, await packPackage(path.join(RUNTIME, 'pack'))));
		// A real account's session is encrypted with a key of this user folder's own.
		const secrets = o.sandbox ? undefined : userFolderSecrets(userFolder);
		const owner = secrets ? { ...OWNER, password: secrets.ownerPassword } : OWNER;
		const instance = new N8nInstance({ line: o.line, port: o.port, userFolder, logLevel: 'info', encryptionKey: secrets?.encryptionKey });
		n8n = instance;
		if (o.sandbox) {
			const [simulator, bot] = await progress.phase('starting the WeChat sandbox (Web and iLink)', async () => {
				const web = await startSimulator({ port: o.sandboxPort });
				sim = web;
				// The bot's service: a poll held 35 s and a QR valid 5 min, as WeChat's own.
				const il = await startIlinkSimulator({ port: o.ilinkPort });
				ilink = il;
				return [web, il] as const;
			});
			const demo = examples();
			if (sandboxImportNeeded(imported, simulator.origin, bot.origin, demo))
				await progress.phase('importing the sandbox credentials and example workflows', () => importSandbox(instance, simulator.origin, bot.origin, demo, imported, save));
		}
		await progress.phase(`starting n8n ${VERSIONS[o.line]}`, async () => {
			const started = instance.start(240_000);
			lock.update({ n8nPid: instance.pid });
			await started;
			await waitFor200(`${instance.baseUrl}/healthz`, 60_000);
		});
		if (!imported.owner) {
			// The sandbox's owner gets an API key (handy for trying the public API); a real account's does not.
			await instance.setupOwnerAndApiKey(owner, o.sandbox).then(
				() => {
					imported.owner = true;
					save();
				},
				(err: Error) => progress.line(`  (owner account not set up: ${err.message}; n8n will ask for one in the browser)`),
			);
		}
		const editorUrl = `${instance.baseUrl}/`;
		const webSim = sim as Simulator | null;
		const botSim = ilink as IlinkSimulator | null;
		// The Web phone links to the bot chat on the port above its own; any other port is named in the link.
		const sandboxUrl = webSim ? `${webSim.origin}/__sim/${o.ilinkPort === o.sandboxPort + 1 ? '' : `?ilink=${o.ilinkPort}`}` : undefined;
		const botChatUrl = botSim ? `${botSim.origin}/__sim/${o.ilinkPort === o.sandboxPort + 1 ? '' : `?web=${o.sandboxPort}`}` : undefined;
		await waitFor200(editorUrl, 30_000);
		if (sandboxUrl) await waitFor200(sandboxUrl, 30_000);
		if (botChatUrl) await waitFor200(botChatUrl, 30_000);
		lock.update({ editorUrl, sandboxUrl, botChatUrl });

		const passwordNote = secrets ? `password in ${secrets.file}` : `password ${owner.password}`;
		for (const line of readyLines({ editorUrl, ownerEmail: owner.email, passwordNote, webPhoneUrl: sandboxUrl, botChatUrl, logFile: instance.logFile, elapsed: duration(progress.elapsedMs) })) console.log(line);

		if (o.check) {
			console.log(`check: the n8n editor${sandboxUrl ? ' and the sandbox' : ''} answered HTTP 200${botChatUrl ? ' (the Web phone and the bot chat)' : ''}`);
			await stop(0);
			return;
		}
		watch(instance, () => stopping, (why) => void stop(1, why));
	} catch (err) {
		console.error(err instanceof LaunchError ? `\n${err.report()}` : err instanceof Error ? err.stack : err);
		await stop(1);
	}
}

/** Echoes n8n's QR and WeChat log lines here; ends the launcher when n8n ends on its own. */
function watch(n8n: N8nInstance, stopping: () => boolean, onExit: (why: string) => void): void {
	let shown = n8n.logText().length;
	setInterval(() => {
		const text = n8n.logText();
		if (text.length > shown) {
			const fresh = text.slice(shown);
			shown = text.length;
			const lines = fresh.split('\n').filter((l) => /WeChat|QR|[▀▄█]/.test(l));
			if (lines.length) process.stdout.write(lines.join('\n') + '\n');
		}
		if (!n8n.running && !stopping()) {
			console.error(`\n✗ n8n exited on its own; its last lines:\n${n8n.tail(15)}\n  The whole log: ${n8n.logFile}`);
			onExit('n8n exited');
		}
	}, 1000);
}

void main();
