/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test code runs under plain Node */
/**
 * The launcher itself, through `npm start` as a user types it (so npm hands it the
 * project's .npmrc, ignore-scripts=true included, as it does for a user), on a
 * copy of a working runtime, never the one the other suites use:
 *   (a) the Node 24 binary deleted → reinstalled; both URLs answer 200, the echo
 *       workflow answers a message typed on the phone; the iLink simulator runs beside
 *       it with the bot credential pointed at it, both routes are in the Ready block,
 *       the Web phone links to the bot chat, whose QR the active bot example asked for;
 *       Ctrl-C leaves nothing running;
 *   (b) sqlite3 replaced by a module built for Node 20's ABI → without a compiler on PATH,
 *       the cause and the remedy; with one, rebuilt; same checks,
 *       a second `npm start` meanwhile says where the first one is, and after the
 *       launcher is killed outright the next `npm start` stops the n8n it left;
 *   (d) a real account (WECHAT_SANDBOX=off): a random key and owner password, kept 0600;
 *   (c) the n8n port held by another program → the port, the holder and N8N_PORT named.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureN8n, N8nInstance, ROOT, RUNTIME, sleep, VERSIONS } from '../../sandbox/launcher/n8n-instance';
import { BOT_CREDENTIAL } from '../../sandbox/launcher/sandbox-setup';
import { launchChromium } from './browser';
import { n8nDir, nodeBinDir } from '../../sandbox/launcher/runtime';

const N8N_PORT = 5741;
const SANDBOX_PORT = 8841;
/** The iLink simulator: the sandbox port + 1 unless WECHAT_ILINK_SANDBOX_PORT says otherwise. */
const ILINK_PORT = SANDBOX_PORT + 1;
const COPY = path.join(ROOT, '.e2e', 'launcher-runtime');
const SHOTS = path.join(ROOT, '.e2e', 'screenshots');

let launches = 0;

interface Launch {
	proc: ChildProcess;
	output: () => string;
	exited: Promise<number | null>;
	ended: () => boolean;
}

const launched: Launch[] = [];

/** After a failed test: no launcher or n8n of it left to disturb the next one. */
async function killLeftovers(): Promise<void> {
	for (const l of launched.filter((x) => !x.ended())) {
		try {
			process.kill(-(l.proc.pid as number), 'SIGKILL');
		} catch {
			// Gone.
		}
		await l.exited;
	}
	try {
		const { n8nPid } = JSON.parse(readFileSync(path.join(COPY, 'npm-start.json'), 'utf8')) as { n8nPid?: number };
		if (n8nPid) process.kill(-n8nPid, 'SIGKILL');
	} catch {
		// No lock file, or that n8n is gone.
	}
	for (let i = 0; i < 20 && processesUsingCopy().length; i++) await sleep(500);
}

/** `npm start` in its own process group, as a terminal runs it; environment as a user has it. */
function npmStart(args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Launch {
	let out = '';
	const env: NodeJS.ProcessEnv = { ...process.env, WECHAT_RUNTIME_DIR: COPY, N8N_PORT: String(N8N_PORT), WECHAT_SANDBOX_PORT: String(SANDBOX_PORT), ...extraEnv };
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	delete env.NODE_ENV;
	const proc = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	proc.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
	proc.stderr?.on('data', (b: Buffer) => (out += b.toString('utf8')));
	// What a person saw, kept for whoever reads a failed CI run.
	const logFile = path.join(ROOT, '.e2e', `npm-start-${++launches}.log`);
	let ended = false;
	const exited = new Promise<number | null>((resolve) =>
		proc.on('close', (code) => {
			ended = true;
			writeFileSync(logFile, out);
			resolve(code);
		}),
	);
	const launch = { proc, output: () => out, exited, ended: () => ended };
	launched.push(launch);
	return launch;
}

async function waitForOutput(l: Launch, pattern: RegExp, timeoutMs: number): Promise<void> {
	const t0 = Date.now();
	let done = false;
	void l.exited.then(() => (done = true));
	while (Date.now() - t0 < timeoutMs) {
		if (pattern.test(l.output())) return;
		if (done) break;
		await sleep(500);
	}
	throw new Error(`npm start did not print ${pattern} (exited: ${done}); its output:\n${l.output().slice(-4000)}`);
}

async function status(url: string): Promise<number> {
	const res = await fetch(url);
	await res.arrayBuffer();
	return res.status;
}

/** Processes whose command line mentions the copied runtime (n8n, its task runners, the launcher). */
function processesUsingCopy(): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
			const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
			if (cmd.includes(COPY) || env.includes(`WECHAT_RUNTIME_DIR=${COPY}`)) found.push(`${pid}: ${cmd.slice(0, 120)}`);
		} catch {
			// Gone meanwhile.
		}
	}
	return found;
}

/** Ctrl-C as a terminal sends it (to the whole foreground group), then: nothing left behind. */
async function ctrlC(l: Launch): Promise<void> {
	process.kill(-(l.proc.pid as number), 'SIGINT');
	let timer: NodeJS.Timeout | undefined;
	const code = await Promise.race([l.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 60_000)))]);
	clearTimeout(timer);
	expect(code).not.toBe('timeout');
	for (let i = 0; i < 20 && processesUsingCopy().length; i++) await sleep(500);
	expect(processesUsingCopy()).toEqual([]);
	await expect(status(`http://127.0.0.1:${N8N_PORT}/healthz`)).rejects.toThrow();
	await expect(status(`http://127.0.0.1:${SANDBOX_PORT}/__sim/`)).rejects.toThrow();
	await expect(status(`http://127.0.0.1:${ILINK_PORT}/__sim/`)).rejects.toThrow();
}

async function botPhone(): Promise<{ login?: { status: string }; bot?: { botId: string }; chat: Array<{ from: string; text?: string }> }> {
	const res = await fetch(`http://127.0.0.1:${ILINK_PORT}/__sim/phone`);
	return (await res.json()) as { login?: { status: string }; bot?: { botId: string }; chat: Array<{ from: string; text?: string }> };
}

async function simApi(p: string, body?: unknown): Promise<Record<string, unknown>> {
	const res = await fetch(`http://127.0.0.1:${SANDBOX_PORT}/__sim/api/${p}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await res.json()) as Record<string, unknown>;
}

/** Copies the working line-2 runtime: Node whole, n8n hard-linked except the native modules the test changes. */
function copyRuntime(): void {
	rmSync(COPY, { recursive: true, force: true });
	mkdirSync(COPY, { recursive: true });
	const src = (p: string) => path.join(RUNTIME, p);
	cpSync(src('node24'), path.join(COPY, 'node24'), { recursive: true, verbatimSymlinks: true });
	const n8n = `n8n-${VERSIONS['2']}`;
	execFileSync('cp', ['-al', src(n8n), path.join(COPY, n8n)]);
	for (const mod of ['sqlite3', 'isolated-vm']) {
		const rel = path.join(n8n, 'node_modules', mod);
		rmSync(path.join(COPY, rel), { recursive: true, force: true });
		cpSync(src(rel), path.join(COPY, rel), { recursive: true, verbatimSymlinks: true });
	}
}

/** PATH as it is, but /usr/bin seen through a folder of links without make and the C/C++ compilers. */
function pathWithoutCompilers(): string {
	const shim = path.join(os.tmpdir(), `no-compilers-${process.pid}`);
	rmSync(shim, { recursive: true, force: true });
	mkdirSync(shim);
	const compiler = /^(g?make|cc|c\+\+|cpp|gcc|g\+\+|clang|x86_64-linux-gnu-(gcc|g\+\+|cpp|c\+\+))(-[\d.]+)?$/;
	for (const name of readdirSync('/usr/bin')) if (!compiler.test(name)) symlinkSync(path.join('/usr/bin', name), path.join(shim, name));
	return (process.env.PATH ?? '')
		.split(':')
		.map((d) => (d === '/usr/bin' ? shim : d))
		.filter((d) => !['/bin', '/usr/local/bin'].includes(d) || !existsSync(path.join(d, 'make')))
		.join(':');
}

/** A native module built for this Node 20 (NODE_MODULE_VERSION 115), from test/e2e/fixtures/abi-probe. */
function buildNode20Module(): string {
	const dir = path.join(os.tmpdir(), `abi-probe-${process.pid}`);
	rmSync(dir, { recursive: true, force: true });
	cpSync(path.join(__dirname, 'fixtures', 'abi-probe'), dir, { recursive: true });
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	execFileSync('npm', ['rebuild', '--ignore-scripts=false'], { cwd: dir, env, stdio: 'pipe' });
	return path.join(dir, 'build', 'Release', 'abi_probe.node');
}

describe('npm start on a damaged runtime', () => {
	let blocker: Server | undefined;

	beforeAll(() => {
		ensureN8n('2');
		copyRuntime();
	}, 10 * 60 * 1000);

	afterEach(killLeftovers, 60_000);

	afterAll(async () => {
		blocker?.close();
		rmSync(COPY, { recursive: true, force: true });
	});

	it('(a) reinstalls a deleted Node 24 binary, then serves the editor and a working sandbox; Ctrl-C leaves nothing', async () => {
		const bin = path.join(nodeBinDir('2').replace(RUNTIME, COPY), 'node');
		rmSync(bin);
		expect(existsSync(bin)).toBe(false);

		const l = npmStart();
		await waitForOutput(l, /Ready in/, 8 * 60 * 1000);
		const out = l.output();
		expect(out).toMatch(/the Node 24 binary is missing \(.*launcher-runtime\/node24\/node_modules\/node\/bin\/node\)/);
		expect(out).toMatch(/✓ installing Node 24\.\d+\.\d+ \(\d/);
		expect(out).toMatch(/✓ starting n8n 2\.41\.1 \(\d/);
		expect(out).not.toMatch(/Command failed/);
		expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
		expect(await status(`http://127.0.0.1:${N8N_PORT}/`)).toBe(200);
		expect(await status(`http://127.0.0.1:${SANDBOX_PORT}/__sim/`)).toBe(200);
		// Both routes, side by side in the Ready block; the iLink simulator answers on its own port.
		expect(out).toMatch(new RegExp(`\\n {4}Web {4}http://127\\.0\\.0\\.1:${SANDBOX_PORT}/__sim/ +your whole account .*since 2025`));
		expect(out).toMatch(new RegExp(`\\n {4}iLink  http://127\\.0\\.0\\.1:${ILINK_PORT}/__sim/ +the official bot: one bot chat with you; works for every account`));
		expect(out).toMatch(/✓ importing the sandbox credentials and example workflows/);
		expect(await status(`http://127.0.0.1:${ILINK_PORT}/__sim/`)).toBe(200);
		// The active "WeChat bot: AI assistant" started a QR login on the bot's service.
		let botQr = false;
		for (let i = 0; i < 60 && !botQr; i++) {
			botQr = (await botPhone()).login?.status === 'wait';
			if (!botQr) await sleep(1000);
		}
		expect(botQr).toBe(true);

		// The first minute a user has, in a real browser on the phone page: Scan, then
		// Confirm, write to a chat, and the echo workflow's answer appears in that chat.
		let waiting = false;
		for (let i = 0; i < 60 && !waiting; i++) {
			const st = (await simApi('state')) as { pendingLogins: Array<{ state: string }> };
			waiting = st.pendingLogins.some((p) => p.state === 'waiting');
			if (!waiting) await sleep(1000);
		}
		expect(waiting).toBe(true);
		// n8n's command line on the launcher's user folder (the sandbox's key): runs and reads what npm start set up.
		const folder = new N8nInstance({ line: '2', port: N8N_PORT, userFolder: path.join(COPY, 'home-2-sandbox') });
		const browser = await launchChromium();
		try {
			const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
			await page.goto(`http://127.0.0.1:${SANDBOX_PORT}/__sim/`);
			const scan = page.locator('#login button', { hasText: 'Scan' });
			const confirm = page.locator('#login button', { hasText: 'Confirm' });
			await scan.waitFor();
			expect(await scan.isEnabled()).toBe(true);
			expect(await confirm.isEnabled()).toBe(false);
			await scan.click();
			// After the scan the phone asks for the confirmation, and only then.
			await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLButtonElement>('#login button')).some((b) => b.textContent === 'Confirm' && !b.disabled));
			expect(await scan.isEnabled()).toBe(false);
			await confirm.click();
			await page.locator('#status', { hasText: /· logged in/ }).waitFor({ timeout: 60_000 });
			await page.locator('#chats li', { hasText: 'Ali' }).first().click();
			const text = '你好，n8n！明天下午三点开会。';
			await page.locator('#text').fill(text);
			await page.locator('#send').click();
			await page.locator('.row.in .bubble', { hasText: text }).waitFor({ timeout: 10_000 });
			await page.locator('.row.out .bubble', { hasText: `You said: ${text}` }).waitFor({ timeout: 60_000 });
			mkdirSync(SHOTS, { recursive: true });
			await page.screenshot({ path: path.join(SHOTS, 'sandbox-phone.png') });

			// The Web phone links to the bot chat; there: Scan, Confirm, write to the bot, its answer arrives.
			const link = page.locator('#botLink');
			await link.waitFor();
			expect(await link.getAttribute('href')).toBe(`http://127.0.0.1:${ILINK_PORT}/__sim/`);
			await link.click();
			await page.waitForURL(`http://127.0.0.1:${ILINK_PORT}/__sim/`);
			await page.locator('#login button', { hasText: 'Scan' }).click();
			await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLButtonElement>('#login button')).some((b) => b.textContent === 'Confirm' && !b.disabled));
			await page.locator('#login button', { hasText: 'Confirm' }).click();
			await page.locator('#status', { hasText: 'bot bound' }).waitFor({ timeout: 60_000 });
			// The trigger takes the session and polls.
			for (let i = 0; i < 60 && !(await page.locator('#status', { hasText: 'n8n listening' }).count()); i++) await sleep(1000);
			// "WeChat bot: notify me" before the owner ever wrote: the window is not open, so it keeps the notification and sends nothing.
			const early = await folder.execute('wechatBotNotify1');
			expect(early.data.resultData.error).toBeUndefined();
			const ran = early.data.resultData.runData;
			expect(ran['Not sent now: kept for later']?.[0]?.data?.main[0]?.[0]?.json).toMatchObject({ send: false, reason: expect.stringMatching(/window is closed/) });
			expect(ran['Send to me']).toBeUndefined();
			expect((await botPhone()).chat).toEqual([]);
			// Then the owner writes.
			const question = '现在几点了？';
			await page.locator('#text').fill(question);
			await page.locator('#send').click();
			await page.locator('.row.out .bubble', { hasText: question }).waitFor({ timeout: 10_000 });
			await page.locator('.row.in .bubble').first().waitFor({ timeout: 60_000 });
			const phone = await botPhone();
			expect(phone.chat.filter((m) => m.from === 'bot').map((m) => m.text)).toEqual([expect.stringMatching(/^It is \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/)]);
			await page.locator('#budgetBody', { hasText: /Sends left\s*9 of 10/ }).waitFor({ timeout: 10_000 });
			// Now the window is open: "notify me" sends (the kept notification with it, in one message).
			const later = await folder.execute('wechatBotNotify1');
			expect(later.data.resultData.error).toBeUndefined();
			expect(later.data.resultData.runData['Send to me']?.[0]?.data?.main[0]?.[0]?.json).toMatchObject({ sendsLeft: 8 });
			const notified = (await botPhone()).chat.filter((m) => m.from === 'bot').pop();
			// The one kept from before went out with it, in the same message (one send of the budget).
			expect(notified?.text).toMatch(/^\[\d\d-\d\d \d\d:\d\d\] Hourly check at \d\d:\d\d UTC: all systems normal\.\nHourly check at \d\d:\d\d UTC: all systems normal\.$/);
			await page.locator('#budgetBody', { hasText: /Sends left\s*8 of 10/ }).waitFor({ timeout: 10_000 });
			await page.screenshot({ path: path.join(SHOTS, 'sandbox-bot-chat.png') });
		} finally {
			await browser.close();
		}
		await ctrlC(l);
		// The bot credential, pointed at the iLink simulator, is in n8n's database.
		const cred = await folder.exportCredential(BOT_CREDENTIAL.id);
		expect(cred).toMatchObject({ originOverride: `http://127.0.0.1:${ILINK_PORT}`, sendsPerMessage: 10 });
		const names = (await folder.listWorkflows()).map((w) => w.name);
		expect(names).toEqual(expect.arrayContaining(['WeChat sandbox: echo bot', 'WeChat bot: AI assistant', 'WeChat bot: notify me']));
	}, 12 * 60 * 1000);

	it('(b) rebuilds a sqlite3 built for the wrong Node ABI; a second npm start says where the first one is', async () => {
		const planted = path.join(n8nDir('2').replace(RUNTIME, COPY), 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
		rmSync(planted);
		cpSync(buildNode20Module(), planted);
		// The plant is what it claims: under Node 24 it does not load, for its ABI.
		const probe = execFileSync(process.execPath, ['-e', `process.env.WECHAT_RUNTIME_DIR=${JSON.stringify(COPY)};require('ts-node/register/transpile-only');require(${JSON.stringify(path.join(ROOT, 'sandbox/launcher/runtime'))}).checkNative('2','sqlite3').then(r=>console.log(r))`], { cwd: ROOT, encoding: 'utf8' });
		expect(probe).toMatch(/sqlite3 does not load under Node 24.*NODE_MODULE_VERSION 115/);

		// Without a compiler the repair cannot succeed: the launcher says why and what to do.
		const noCompiler = npmStart(['--check'], { PATH: pathWithoutCompilers() });
		expect(await noCompiler.exited).toBe(1);
		expect(noCompiler.output()).toMatch(/✗ Building sqlite3 for Node 24 failed \(exit \d+\)\n {2}command: npm rebuild sqlite3 /);
		expect(noCompiler.output()).toMatch(/what to do: .*apt-get install -y build-essential python3.*then run `npm start` again/);
		expect(noCompiler.output()).not.toMatch(/Command failed/);
		for (let i = 0; i < 20 && processesUsingCopy().length; i++) await sleep(500);
		expect(processesUsingCopy()).toEqual([]);

		const l = npmStart();
		await waitForOutput(l, /Ready in/, 10 * 60 * 1000);
		const out = l.output();
		expect(out).toMatch(/sqlite3 does not load under Node 24/);
		expect(out).toMatch(/✓ building sqlite3 for Node 24/);
		expect(await status(`http://127.0.0.1:${N8N_PORT}/`)).toBe(200);
		expect(await status(`http://127.0.0.1:${SANDBOX_PORT}/__sim/`)).toBe(200);

		const second = npmStart();
		const code = await second.exited;
		expect(code).not.toBe(0);
		expect(second.output()).toMatch(new RegExp(`already running here \\(pid \\d+.*http://127\\.0\\.0\\.1:${N8N_PORT}/`));
		expect(second.output()).not.toMatch(/EADDRINUSE|Command failed/);
		// The second one stopped nothing of the first.
		expect(await status(`http://127.0.0.1:${N8N_PORT}/healthz`)).toBe(200);

		// A launcher killed outright leaves its n8n running; the next npm start stops that n8n itself.
		const running = JSON.parse(readFileSync(path.join(COPY, 'npm-start.json'), 'utf8')) as { pid: number; n8nPid: number };
		process.kill(running.pid, 'SIGKILL');
		await l.exited;
		expect(await status(`http://127.0.0.1:${N8N_PORT}/healthz`)).toBe(200);
		const third = npmStart(['--check']);
		expect(await third.exited).toBe(0);
		expect(third.output()).toMatch(new RegExp(`stopping the n8n an earlier npm start left running \\(pid ${running.n8nPid}\\)`));
		expect(third.output()).toMatch(/check: the n8n editor and the sandbox answered HTTP 200/);
		for (let i = 0; i < 20 && processesUsingCopy().length; i++) await sleep(500);
		expect(processesUsingCopy()).toEqual([]);
	}, 15 * 60 * 1000);

	it('(d) a real account (WECHAT_SANDBOX=off): a random encryption key and owner password, kept 0600, never printed', async () => {
		const l = npmStart(['--check'], { WECHAT_SANDBOX: 'off' });
		expect(await l.exited).toBe(0);
		const out = l.output();
		const file = path.join(COPY, 'home-2', 'launcher-secrets.json');
		expect(out).toContain(`password in ${file}`);
		expect(out).toMatch(/check: the n8n editor answered HTTP 200/);
		const secrets = JSON.parse(readFileSync(file, 'utf8')) as { encryptionKey: string; ownerPassword: string };
		expect(statSync(file).mode & 0o777).toBe(0o600);
		expect(secrets.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
		expect(out).not.toContain(secrets.ownerPassword);
		expect(out).not.toContain('Sandbox1234!');
		// n8n took that key: it is the one recorded in the user folder's config.
		expect(JSON.parse(readFileSync(path.join(COPY, 'home-2', '.n8n', 'config'), 'utf8')).encryptionKey).toBe(secrets.encryptionKey);
		expect(processesUsingCopy()).toEqual([]);
	}, 5 * 60 * 1000);

	it('(c) explains a port held by another program: which port, which program, the setting that moves it', async () => {
		blocker = createServer(() => undefined);
		await new Promise<void>((resolve) => (blocker as Server).listen(N8N_PORT, '127.0.0.1', resolve));
		const l = npmStart(['--check']);
		const code = await l.exited;
		const out = l.output();
		expect(code).not.toBe(0);
		expect(out).toMatch(new RegExp(`Port ${N8N_PORT} \\(the n8n editor\\) is already in use by another program \\(pid ${process.pid}`));
		expect(out).toMatch(/what to do: stop that program, or choose another port: N8N_PORT=\d+ npm start/);
		expect(out).not.toMatch(/Command failed|EADDRINUSE|at .*\.ts:\d+/);
		expect(processesUsingCopy()).toEqual([]);
	}, 5 * 60 * 1000);
});
