/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * The launcher's parts that need no n8n: the environment its npm commands get,
 * the remedies it prints, the port check, the one-launcher lock and the phases.
 * (`npm start` itself, end to end, is test/e2e/launcher.e2e.ts.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, LaunchError, run, runOrFail } from '../../sandbox/launcher/commands';
import { InstanceLock } from '../../sandbox/launcher/instance-lock';
import { portFree, portHolder, requirePortsFree } from '../../sandbox/launcher/ports';
import { Progress } from '../../sandbox/launcher/progress';
import { explain } from '../../sandbox/launcher/remedies';
import { examples } from '../../sandbox/launcher/n8n-instance';
import { BOT_CREDENTIAL, examplesToImport, importSandbox, readyLines, SANDBOX_CREDENTIAL, sandboxImportNeeded, type Imported, type SandboxN8n } from '../../sandbox/launcher/sandbox-setup';
import { userFolderSecrets } from '../../sandbox/launcher/secrets';

describe('launcher: the environment of the npm commands it runs', () => {
	const saved = { ...process.env };
	afterEach(() => {
		for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
		Object.assign(process.env, saved);
	});

	it("drops what `npm start` inherits from the project's .npmrc and npm's script variables, keeps the user's registry and cache", async () => {
		Object.assign(process.env, {
			npm_config_ignore_scripts: 'true',
			npm_config_local_prefix: '/work/project',
			npm_lifecycle_event: 'start',
			npm_package_name: 'n8n-nodes-wechat-web',
			INIT_CWD: '/work/project',
			npm_config_registry: 'https://registry.example.test/',
			npm_config_cache: '/tmp/a-cache',
		});
		const env = cleanEnv({ EXTRA: '1' });
		expect(env.npm_config_ignore_scripts).toBeUndefined();
		expect(env.npm_config_local_prefix).toBeUndefined();
		expect(env.npm_lifecycle_event).toBeUndefined();
		expect(env.npm_package_name).toBeUndefined();
		expect(env.INIT_CWD).toBeUndefined();
		expect(env.npm_config_registry).toBe('https://registry.example.test/');
		expect(env.npm_config_cache).toBe('/tmp/a-cache');
		expect(env.EXTRA).toBe('1');
		// What a child npm then sees: ignore-scripts back at its default.
		const res = await run('npm', ['config', 'get', 'ignore-scripts'], { cwd: os.tmpdir(), env: cleanEnv() });
		expect(res.output.trim()).toBe('false');
	}, 30_000);

	it('a failing command becomes a LaunchError with the command, its last lines and a remedy; never a bare "Command failed"', async () => {
		const frames = Array.from({ length: 15 }, (_, i) => `echo "npm error gyp ERR! stack     at step${i} (/rt/node_modules/which/which.js:${i}:33)"`).join('; ');
		const err = await runOrFail('Building sqlite3 for Node 24', 'bash', ['-c', `echo "gyp info it worked"; echo "gyp ERR! stack Error: not found: make" >&2; ${frames}; echo "gyp ERR! not ok"; exit 1`]).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(LaunchError);
		const report = (err as LaunchError).report();
		expect(report).toMatch(/^✗ Building sqlite3 for Node 24 failed \(exit 1\)/);
		expect(report).toContain("command: bash -c 'echo");
		// The cause stays in the tail: stack frames are left out of it.
		expect(report).toContain('gyp ERR! stack Error: not found: make');
		expect(report).toContain('gyp ERR! not ok');
		expect(report.slice(report.indexOf('its last lines:'))).not.toContain('which.js');
		expect(report).toMatch(/what to do: .*build-essential python3/);
		expect(report).not.toMatch(/Command failed/);
	});
});

describe('launcher: remedies', () => {
	it.each([
		['gyp ERR! stack Error: not found: make', /no compiler was found.*apt-get install -y build-essential python3/],
		['gyp ERR! find Python \ngyp ERR! configure error', /needs Python to build/],
		["Error: The module '/x/node_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115", /did not build for this Node/],
		['DriverPackageNotInstalledError: SQLite package has not been found installed', /sqlite3 is not usable/],
		['Your Node.js version 20.20.2 is currently not supported by n8n', /delete \.n8n-runtime\/node24/],
		['npm error code ECONNREFUSED\nnpm error request to https://registry.npmjs.org/n8n failed', /could not reach its registry/],
		['npm error nospc ENOSPC: no space left on device', /disk is full/],
		['Error: listen EADDRINUSE: address already in use 127.0.0.1:5678', /N8N_PORT=/],
	])('%s', (output, remedy) => {
		expect(explain(output)).toMatch(remedy);
	});

	it('names the log file when it recognises nothing', () => {
		expect(explain('something nobody has seen', '/rt/logs/install.log')).toMatch(/\/rt\/logs\/install\.log/);
	});
});

describe('launcher: ports', () => {
	let server: Server;
	let port: number;
	beforeAll(async () => {
		server = createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		port = (server.address() as { port: number }).port;
	});
	afterAll(() => server.close());

	it('sees a held port, names its holder and the setting that moves it', async () => {
		expect(await portFree(port)).toBe(false);
		expect(portHolder(port)).toMatchObject({ pid: process.pid });
		const err = await requirePortsFree([{ port, purpose: 'the n8n editor', setting: 'N8N_PORT' }]).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(LaunchError);
		expect((err as LaunchError).what).toContain(`Port ${port} (the n8n editor) is already in use by another program (pid ${process.pid}`);
		expect((err as LaunchError).remedy).toMatch(/^stop that program, or choose another port: N8N_PORT=\d+ npm start$/);
		const suggested = Number(/N8N_PORT=(\d+)/.exec((err as LaunchError).remedy)?.[1]);
		expect(suggested).not.toBe(port);
		expect(await portFree(suggested)).toBe(true);
	});
});

describe('launcher: one npm start per runtime folder', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'launcher-lock-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('a live launcher is named with its URLs; a dead one is replaced', () => {
		const file = path.join(dir, 'npm-start.json');
		// A launcher that is running (this test's parent process stands in for it).
		writeFileSync(file, JSON.stringify({ pid: process.ppid, startedAt: 'then', editorUrl: 'http://127.0.0.1:5678/', sandboxUrl: 'http://127.0.0.1:8790/__sim/' }));
		const lock = new InstanceLock(dir);
		const err = (() => {
			try {
				lock.acquire();
			} catch (e) {
				return e;
			}
			return undefined;
		})();
		expect(err).toBeInstanceOf(LaunchError);
		expect((err as LaunchError).what).toBe(`npm start is already running here (pid ${process.ppid}, since then): n8n editor http://127.0.0.1:5678/, sandbox http://127.0.0.1:8790/__sim/`);
		expect((err as LaunchError).remedy).toContain(`kill ${process.ppid}`);

		// A launcher that is gone: its file is stale and taken over.
		writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: 'then' }));
		expect(lock.acquire()).toBeUndefined();
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
		lock.update({ editorUrl: 'http://127.0.0.1:5678/' });
		expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, editorUrl: 'http://127.0.0.1:5678/' });
		lock.release();
		expect(() => readFileSync(file)).toThrow();
	});
});

describe('launcher: phases', () => {
	it('names each phase when it starts and when it ends, with its time; a failing phase does not claim success', async () => {
		const lines: string[] = [];
		const p = new Progress((l) => lines.push(l));
		expect(await p.phase('building the package', async () => 42)).toBe(42);
		await expect(p.phase('starting n8n 2.41.1', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
		expect(lines[0]).toMatch(/^\[0:00\] ▸ building the package …$/);
		expect(lines[1]).toMatch(/^\[0:00\] ✓ building the package \(0s\)$/);
		expect(lines[2]).toMatch(/▸ starting n8n 2\.41\.1 …$/);
		expect(lines).toHaveLength(3);
	});
});

describe("launcher: a real account's secrets", () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'launcher-secrets-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('are random per user folder, kept 0600, and the same on the next start', () => {
		const first = userFolderSecrets(dir);
		expect(first.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
		expect(first.ownerPassword).toMatch(/^(?=.*\d)(?=.*[A-Z]).{8,64}$/);
		expect(statSync(first.file).mode & 0o777).toBe(0o600);
		expect(userFolderSecrets(dir)).toEqual(first);
		const other = mkdtempSync(path.join(os.tmpdir(), 'launcher-secrets-'));
		try {
			expect(userFolderSecrets(other).encryptionKey).not.toBe(first.encryptionKey);
		} finally {
			rmSync(other, { recursive: true, force: true });
		}
	});

	it('keep the key of a user folder n8n already started in (another key would lock n8n out of its data)', () => {
		mkdirSync(path.join(dir, '.n8n'));
		const recorded = `recorded-${process.pid}`;
		writeFileSync(path.join(dir, '.n8n', 'config'), JSON.stringify({ encryptionKey: recorded }));
		expect(userFolderSecrets(dir).encryptionKey).toBe(recorded);
	});
});

describe('launcher: the sandbox it sets up (both routes)', () => {
	const WEB = 'http://127.0.0.1:8790';
	const BOT = 'http://127.0.0.1:8791';

	/** An n8n that records what the setup asks of it. */
	function fakeN8n(inDatabase: Array<{ id: string; name: string }> = []) {
		const calls: string[] = [];
		const creds: Array<Record<string, unknown>> = [];
		const n8n: SandboxN8n = {
			importCredentials: async (c) => {
				calls.push('credentials');
				creds.push(...(c as Array<Record<string, unknown>>));
			},
			importWorkflows: async (w) => {
				for (const wf of w as Array<{ name: string }>) calls.push(`import ${wf.name}`);
			},
			activateOffline: async (id) => void calls.push(`activate ${id}`),
			listWorkflows: async () => {
				calls.push('list');
				return inDatabase;
			},
		};
		return { n8n, calls, creds };
	}

	it('creates one credential per route, the bot one pointed at the iLink simulator with WeChat\'s limits, and activates the examples marked for it', async () => {
		const demo = examples();
		const imported: Imported = {};
		let saves = 0;
		const { n8n, calls, creds } = fakeN8n();
		expect(sandboxImportNeeded(imported, WEB, BOT, demo)).toBe(true);
		const done = await importSandbox(n8n, WEB, BOT, demo, imported, () => saves++);
		expect(creds).toEqual([
			{ id: SANDBOX_CREDENTIAL.id, name: 'WeChat Sandbox', type: 'weChatWebApi', data: expect.objectContaining({ originOverride: WEB }) },
			{ id: BOT_CREDENTIAL.id, name: 'WeChat Bot (sandbox)', type: 'weChatIlinkApi', data: expect.objectContaining({ originOverride: BOT, sendsPerMessage: 10, windowHours: 23, throttleMinutes: 30, pairCode: '', session: '' }) },
		]);
		// A fresh database is not asked what it holds.
		expect(calls).not.toContain('list');
		expect(done.workflows).toEqual(expect.arrayContaining(['WeChat sandbox: echo bot', 'WeChat bot: AI assistant', 'WeChat bot: notify me']));
		expect(calls).toContain('activate wechatEchoBot001');
		expect(calls).toContain('activate wechatBotAssist1');
		expect(calls).not.toContain('activate wechatBotNotify1');
		expect(imported).toMatchObject({ sandboxOrigin: WEB, ilinkOrigin: BOT, workflows: true });
		expect(new Set(imported.workflowNames)).toEqual(new Set(demo.map((e) => e.workflow.name)));
		expect(saves).toBeGreaterThan(0);

		// The next start: nothing to do. A moved iLink simulator: only the credentials again.
		expect(sandboxImportNeeded(imported, WEB, BOT, demo)).toBe(false);
		const again = fakeN8n();
		expect(sandboxImportNeeded(imported, WEB, 'http://127.0.0.1:9999', demo)).toBe(true);
		await importSandbox(again.n8n, WEB, 'http://127.0.0.1:9999', demo, imported, () => undefined);
		expect(again.calls).toEqual(['credentials']);
		expect(again.creds.map((c) => c.id)).toEqual([BOT_CREDENTIAL.id]);
	});

	it('a user folder from before (examples imported, names not recorded) gets the new examples only; one already there by name or id is left alone', async () => {
		const demo = examples();
		const imported: Imported = { sandboxOrigin: WEB, workflows: true, owner: true };
		const before = demo.filter((e) => !String(e.workflow.name).startsWith('WeChat bot:')).map((e) => ({ id: String(e.workflow.id), name: String(e.workflow.name) }));
		// The user renamed the notify example (same id): not overwritten.
		before.push({ id: 'wechatBotNotify1', name: 'my renamed notifier' });
		const { n8n, calls } = fakeN8n(before);
		expect(sandboxImportNeeded(imported, WEB, BOT, demo)).toBe(true);
		const done = await importSandbox(n8n, WEB, BOT, demo, imported, () => undefined);
		expect(done.workflows).toEqual(['WeChat bot: AI assistant']);
		expect(calls).toEqual(['credentials', 'list', 'import WeChat bot: AI assistant', 'activate wechatBotAssist1']);
		expect(sandboxImportNeeded(imported, WEB, BOT, demo)).toBe(false);
		// A deleted example stays deleted: recorded names are not imported again.
		const next = fakeN8n([]);
		await importSandbox(next.n8n, WEB, BOT, demo, imported, () => undefined);
		expect(next.calls).toEqual([]);
		expect(examplesToImport(demo, imported, []).todo).toEqual([]);
	});

	it('the Ready block names both routes, which is which, and their phone pages', () => {
		const lines = readyLines({
			editorUrl: 'http://127.0.0.1:5678/',
			ownerEmail: 'owner@wechat-sandbox.local',
			passwordNote: 'password Sandbox1234!',
			webPhoneUrl: `${WEB}/__sim/`,
			botChatUrl: `${BOT}/__sim/`,
			logFile: '/rt/n8n.log',
			elapsed: '16s',
		});
		const text = lines.join('\n');
		const web = lines.find((l) => l.trimStart().startsWith('Web '));
		const ilink = lines.find((l) => l.trimStart().startsWith('iLink '));
		expect(web).toMatch(/http:\/\/127\.0\.0\.1:8790\/__sim\/ +your whole account .*refuses most real accounts on it since 2025/);
		expect(ilink).toMatch(/http:\/\/127\.0\.0\.1:8791\/__sim\/ +the official bot: one bot chat with you; works for every account/);
		// The two URLs start in the same column, as do the descriptions.
		expect(web?.indexOf('http')).toBe(ilink?.indexOf('http'));
		expect(web?.indexOf('your whole')).toBe(ilink?.indexOf('the official'));
		expect(text).toContain('credential "WeChat Bot (sandbox)"');
		expect(text).toContain('"WeChat bot: AI assistant" is active');
		expect(text).toMatch(/n8n editor: +http:\/\/127\.0\.0\.1:5678\/ +\(owner owner@wechat-sandbox\.local, password Sandbox1234!\)/);
		expect(lines[lines.length - 1]).toBe('  Ready in 16s. Ctrl-C stops n8n and the sandbox.');
		expect(readyLines({ editorUrl: 'e', ownerEmail: 'o', passwordNote: 'password in f', logFile: 'l', elapsed: '1s' }).join('\n')).toMatch(/Real account: .*WeChat Bot \(iLink\) API/);
	});
});

describe('launcher: the iLink example workflows', () => {
	const byName = (name: string) => examples().find((e) => e.workflow.name === name)?.workflow as { id: string; nodes: Array<Record<string, unknown>>; connections: Record<string, { main: Array<Array<{ node: string }>> }> };
	const wechat = (wf: ReturnType<typeof byName>) => wf.nodes.filter((n) => String(n.type).startsWith('n8n-nodes-wechat-web.'));

	it.each(['WeChat bot: AI assistant', 'WeChat bot: notify me'])('%s: every WeChat node on the iLink route with the sandbox bot credential; every connection names a node', (name) => {
		const wf = byName(name);
		expect(wf).toBeDefined();
		expect(wf.id).toMatch(/^[A-Za-z0-9]{16}$/);
		for (const n of wechat(wf)) {
			expect(n.parameters).toMatchObject({ authentication: 'weChatIlinkApi' });
			expect(n.credentials).toEqual({ weChatIlinkApi: BOT_CREDENTIAL });
		}
		const names = new Set(wf.nodes.map((n) => n.name));
		for (const [from, c] of Object.entries(wf.connections)) {
			expect(names.has(from)).toBe(true);
			for (const out of c.main) for (const to of out) expect(names.has(to.node)).toBe(true);
		}
		expect(wf.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
	});

	it('the assistant answers the owner with a send-text reply after the typing indicator; it needs no model key', () => {
		const wf = byName('WeChat bot: AI assistant');
		const nodes = wechat(wf);
		expect(nodes.find((n) => String(n.type).endsWith('.weChatWebTrigger'))).toBeDefined();
		const reply = nodes.find((n) => (n.parameters as { operation?: string }).operation === 'sendText');
		expect(reply?.parameters).toMatchObject({ resource: 'message', text: '={{ $json.answer }}' });
		expect(reply?.parameters).not.toHaveProperty('recipient');
		expect(wf.nodes.some((n) => /langchain|openAi|anthropic/i.test(String(n.type)))).toBe(false);
	});

	it('notify me checks the session status before it sends, and keeps what it may not send', () => {
		const wf = byName('WeChat bot: notify me');
		const order = ['Every hour', 'The notification', 'Bot status', 'May it send now?', 'Send?'];
		for (let i = 0; i < order.length - 1; i++) expect(wf.connections[order[i]].main[0].map((c) => c.node)).toEqual([order[i + 1]]);
		expect(wf.nodes.find((n) => n.name === 'Bot status')?.parameters).toMatchObject({ resource: 'session', operation: 'getStatus' });
		expect(wf.connections['Send?'].main[0].map((c) => c.node)).toEqual(['Send to me']);
		expect(wf.connections['Send?'].main[1].map((c) => c.node)).toEqual(['Not sent now: kept for later']);
		const decide = String((wf.nodes.find((n) => n.name === 'May it send now?')?.parameters as { jsCode: string }).jsCode);
		expect(decide).toMatch(/sendsLeft/);
		expect(decide).toMatch(/windowExpiresAt/);
	});
});
