/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error -- test and tooling code runs under plain Node, outside n8n */
/**
 * A real n8n process with this package installed the way n8n's community
 * package installer does it (packed tgz, untarred under the user folder's
 * nodes/, dev/peer dependencies stripped), on 127.0.0.1 only. Used by
 * `npm start` and by the end-to-end tests.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cleanEnv, commandLine, LaunchError, lastLines, runOrFail, signalGroup, stopProcessGroup } from './commands';
import { explain } from './remedies';
import { lineEnv, n8nBin, ROOT, RUNTIME, VERSIONS, type N8nLine } from './runtime';

export { n8nBin, ROOT, RUNTIME, VERSIONS, type N8nLine };
export const PACKAGE_NAME = 'n8n-nodes-wechat-web';
export const OWNER = { email: 'owner@wechat-sandbox.local', password: 'Sandbox1234!', firstName: 'Sandbox', lastName: 'Owner' };

/**
 * Makes the pinned n8n of this line usable (installs, checks, heals: runtime.ts),
 * synchronously for the test suites' beforeAll.
 */
export function ensureN8n(line: N8nLine): void {
	execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'install.ts'), line], { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
}

/** Builds and packs the package; resolves with the tgz path. */
export async function packPackage(outDir: string): Promise<string> {
	await runOrFail('Building the package', 'npm', ['run', 'build', '--silent'], { cwd: ROOT, env: cleanEnv() });
	mkdirSync(outDir, { recursive: true });
	const out = await runOrFail('Packing the package', 'npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: ROOT, env: cleanEnv() });
	const name = out.trim().split('\n').filter((l) => l.endsWith('.tgz')).pop();
	if (!name) throw new LaunchError('npm pack named no package file', 'run `npm pack` by hand to see why', 'npm pack', lastLines(out));
	return path.join(outDir, name);
}

/** Untars the package into <userFolder>/.n8n/nodes like n8n's GUI installer (peer/dev deps dropped). */
export function installPackage(userFolder: string, tgz: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const dir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1']);
	const pkgFile = path.join(dir, 'package.json');
	const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
	for (const k of ['devDependencies', 'peerDependencies', 'optionalDependencies']) delete pkg[k];
	writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } }, null, 2));
}

/** The sandbox's throwaway key: every sandbox credential stays readable across restarts. */
// eslint-disable-next-line @n8n/community-nodes/no-hardcoded-secrets
const SANDBOX_ENCRYPTION_KEY = 'wechat-web-sandbox-key-0123456789';

export interface InstanceOptions {
	line: N8nLine;
	port: number;
	userFolder?: string;
	/** n8n's credential encryption key; the fixed sandbox key when absent (never for a real account). */
	encryptionKey?: string;
	/** Extra environment (e.g. queue mode). */
	env?: Record<string, string>;
	logLevel?: string;
}

export class N8nInstance {
	readonly line: N8nLine;
	readonly port: number;
	readonly userFolder: string;
	readonly logFile: string;
	private proc: ChildProcess | null = null;
	private readonly extraEnv: Record<string, string>;
	private readonly logLevel: string;
	private readonly encryptionKey: string;
	/** Private (0700) folder for the files handed to n8n's CLI (credentials in clear among them). */
	private ioDir: string | undefined;
	apiKey = '';
	private cookie = '';

	constructor(opts: InstanceOptions) {
		this.line = opts.line;
		this.port = opts.port;
		this.userFolder = opts.userFolder ?? mkdtempSync(path.join(os.tmpdir(), 'n8n-wechat-'));
		this.logFile = path.join(this.userFolder, 'n8n.log');
		this.extraEnv = opts.env ?? {};
		this.logLevel = opts.logLevel ?? 'info';
		this.encryptionKey = opts.encryptionKey ?? SANDBOX_ENCRYPTION_KEY;
	}

	/** A file path in this instance's private folder: written 0600 by the caller, removed after use. */
	private ioFile(name: string): string {
		this.ioDir ??= mkdtempSync(path.join(os.tmpdir(), 'n8n-wechat-io-'));
		return path.join(this.ioDir, `${name}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {
			...lineEnv(this.line),
			// Jest sets NODE_ENV=test, which silences n8n's logger (and with it `execute --rawOutput`).
			NODE_ENV: 'production',
			N8N_USER_FOLDER: this.userFolder,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(this.port),
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: this.baseUrl,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			DB_SQLITE_POOL_SIZE: '2',
			N8N_LOG_LEVEL: this.logLevel,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			...this.extraEnv,
			...extra,
		};
		if (this.line === '1') {
			env.N8N_RUNNERS_ENABLED = 'false';
			env.WEBHOOK_URL = `${this.baseUrl}/`;
		} else {
			delete env.N8N_RUNNERS_ENABLED;
			delete env.WEBHOOK_URL;
			env.N8N_DISABLED_MODULES = 'mcp-registry';
			env.N8N_UNVERIFIED_PACKAGES_ENABLED = 'true';
			env.N8N_RUNNERS_BROKER_PORT = String(this.port + 1000);
		}
		return env;
	}

	/**
	 * Runs an n8n CLI command (server may or may not run); resolves with stdout.
	 * Asynchronous on purpose: the simulator the command talks to often lives in
	 * this very process, and a blocking call would starve it.
	 */
	cli(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
		const env = this.env({ ...extraEnv, N8N_LOG_LEVEL: 'info' });
		if (this.line === '2') env.N8N_RUNNERS_BROKER_PORT = String(this.port + 1500 + Math.floor(Math.random() * 300));
		return new Promise((resolve, reject) => {
			execFile(n8nBin(this.line), args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
				if (!err) return resolve(stdout);
				// Never a bare "Command failed": the command, n8n's own last lines, a remedy.
				const output = `${stdout}\n${stderr}`;
				const failure = new LaunchError(`n8n ${args[0]} failed (exit ${err.code ?? 'killed'})`, explain(output), commandLine('n8n', args), lastLines(output));
				reject(Object.assign(failure, { stdout, stderr }));
			});
		});
	}

	async importCredentials(creds: unknown[]): Promise<void> {
		const f = this.ioFile('cred');
		writeFileSync(f, JSON.stringify(creds), { mode: 0o600 });
		try {
			await this.cli(['import:credentials', `--input=${f}`]);
		} finally {
			rmSync(f, { force: true });
		}
	}

	async importWorkflows(workflows: unknown[]): Promise<void> {
		for (const wf of workflows) {
			const f = this.ioFile('wf');
			writeFileSync(f, JSON.stringify([wf]), { mode: 0o600 });
			try {
				await this.cli(['import:workflow', `--input=${f}`]);
			} finally {
				rmSync(f, { force: true });
			}
		}
	}

	/** `id` and `name` of every workflow in the database (`n8n list:workflow`, which prints `id|name` lines). */
	async listWorkflows(): Promise<Array<{ id: string; name: string }>> {
		const out = await this.cli(['list:workflow']);
		const found: Array<{ id: string; name: string }> = [];
		for (const line of out.split('\n')) {
			const m = /^([A-Za-z0-9_-]{1,36})\|(.+)$/.exec(line.trim());
			if (m) found.push({ id: m[1], name: m[2] });
		}
		return found;
	}

	/** Activates a workflow before the server starts (1.x update:workflow, 2.x publish:workflow). */
	async activateOffline(id: string): Promise<void> {
		if (this.line === '2') await this.cli(['publish:workflow', `--id=${id}`]);
		else await this.cli(['update:workflow', `--id=${id}`, '--active=true']);
	}

	/** `n8n execute --id` and the run's JSON (the part after the logger's lines). */
	async execute(id: string): Promise<{ data: { resultData: { error?: unknown; runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, Record<string, unknown>> }>> }; error?: unknown }>> } } }> {
		let out: string;
		try {
			out = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		} catch (err) {
			out = String((err as { stdout?: string }).stdout ?? '');
			if (!out.includes('{')) throw err;
		}
		writeFileSync(path.join(this.userFolder, `execute-${id}.txt`), out);
		// The run's JSON sits between log lines (n8n may log after it too): from the first
		// line that opens an object to the last line that closes one that parses.
		const start = out.startsWith('{') ? 0 : out.indexOf('\n{') + 1;
		const opened = start > 0 || out.startsWith('{');
		for (let end = out.lastIndexOf('\n}'); opened && end > start; end = out.lastIndexOf('\n}', end - 1)) {
			try {
				return JSON.parse(out.slice(start, end + 2));
			} catch {
				// A shorter candidate may be the complete document.
			}
		}
		throw new Error(`n8n execute ${id} printed no run JSON:\n${out.slice(0, 2000)}`);
	}

	async exportCredential(id: string): Promise<Record<string, unknown>> {
		// Decrypted credentials: only in the private folder, and gone whatever happens.
		const f = this.ioFile('export');
		writeFileSync(f, '', { mode: 0o600 });
		try {
			await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${f}`]);
			const data = JSON.parse(readFileSync(f, 'utf8'));
			return (Array.isArray(data) ? data[0] : data).data;
		} finally {
			rmSync(f, { force: true });
		}
	}

	/** `n8n start` by default; queue mode also runs `n8n worker` (ready when it says so). */
	async start(timeoutMs = 120000, command: { args: string[]; ready: string } = { args: ['start'], ready: 'Editor is now accessible' }): Promise<void> {
		const log = openSync(this.logFile, 'a');
		const readyBefore = this.logText().split(command.ready).length - 1;
		// Its own process group, so stopping it also stops the task runners it starts.
		this.proc = spawn(n8nBin(this.line), command.args, { env: this.env(), stdio: ['ignore', log, log], detached: true });
		closeSync(log);
		const cmd = commandLine('n8n', command.args);
		const t0 = Date.now();
		while (Date.now() - t0 < timeoutMs) {
			if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
				const tail = this.tail(15);
				throw new LaunchError(`n8n ${VERSIONS[this.line]} exited while starting (exit ${this.proc.exitCode ?? this.proc.signalCode})`, explain(tail, this.logFile), cmd, tail);
			}
			if (this.logText().split(command.ready).length - 1 > readyBefore) return;
			await sleep(250);
		}
		await this.stop();
		throw new LaunchError(`n8n ${VERSIONS[this.line]} did not start within ${Math.round(timeoutMs / 1000)} s`, explain(this.tail(15), this.logFile), cmd, this.tail(15));
	}

	async stop(): Promise<void> {
		const p = this.proc;
		if (!p || p.exitCode !== null) return;
		const done = new Promise((r) => p.once('exit', r));
		// Its whole group (n8n's task runners too): SIGTERM, SIGKILL after 20 s.
		await stopProcessGroup(p.pid as number);
		await done;
		this.proc = null;
		if (this.ioDir) rmSync(this.ioDir, { recursive: true, force: true });
		this.ioDir = undefined;
	}

	/** Ends the process without letting it shut down (a crashed machine). */
	async kill(): Promise<void> {
		const p = this.proc;
		if (!p || p.exitCode !== null) return;
		const done = new Promise((r) => p.once('exit', r));
		signalGroup(p.pid as number, 'SIGKILL');
		await done;
		this.proc = null;
	}

	/** The n8n process's pid (also its process group's id), once started. */
	get pid(): number | undefined {
		return this.proc?.pid;
	}

	get running(): boolean {
		return !!this.proc && this.proc.exitCode === null;
	}

	logText(): string {
		try {
			return readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	tail(lines: number): string {
		return this.logText().split('\n').slice(-lines).join('\n');
	}

	/** Owner account + public API key (fresh instance); `owner` and no API key for a real account. */
	async setupOwnerAndApiKey(owner: typeof OWNER = OWNER, withApiKey = true): Promise<void> {
		const j = { 'content-type': 'application/json' };
		let res = await fetch(`${this.baseUrl}/rest/owner/setup`, { method: 'POST', headers: j, body: JSON.stringify(owner) });
		if (!res.ok && res.status !== 400) throw new Error(`owner setup: HTTP ${res.status}`);
		res = await fetch(`${this.baseUrl}/rest/login`, {
			method: 'POST',
			headers: j,
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password }),
		});
		if (!res.ok) throw new Error(`login: HTTP ${res.status}`);
		this.cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
		if (!withApiKey) return;
		const scopesRes = await this.rest('GET', '/rest/api-keys/scopes');
		const scopes = (scopesRes as { data?: string[] }).data ?? [];
		const key = (await this.rest('POST', '/rest/api-keys', { label: `e2e-${Date.now()}`, expiresAt: null, scopes })) as { data: { rawApiKey?: string; apiKey?: string } };
		this.apiKey = key.data.rawApiKey ?? key.data.apiKey ?? '';
	}

	async rest(method: string, p: string, body?: unknown): Promise<unknown> {
		const res = await fetch(`${this.baseUrl}${p}`, {
			method,
			headers: { 'content-type': 'application/json', cookie: this.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
		return text ? JSON.parse(text) : {};
	}

	async api(method: string, p: string, body?: unknown): Promise<unknown> {
		const res = await fetch(`${this.baseUrl}/api/v1${p}`, {
			method,
			headers: { 'content-type': 'application/json', 'X-N8N-API-KEY': this.apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /api/v1${p}: HTTP ${res.status} ${text.slice(0, 300)}`);
		return text ? JSON.parse(text) : {};
	}

	cleanup(): void {
		if (this.ioDir) rmSync(this.ioDir, { recursive: true, force: true });
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/** Resolves when the URL answers HTTP 200 (n8n's /healthz, the sandbox page), else rejects after `timeoutMs`. */
export async function waitFor200(url: string, timeoutMs: number): Promise<void> {
	const t0 = Date.now();
	let last = '';
	while (Date.now() - t0 < timeoutMs) {
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
			await res.arrayBuffer();
			if (res.status === 200) return;
			last = `HTTP ${res.status}`;
		} catch (err) {
			last = (err as Error).message;
		}
		await sleep(500);
	}
	throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

export function examples(): Array<{ file: string; workflow: Record<string, unknown> }> {
	const dir = path.join(ROOT, 'examples');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.map((file) => ({ file, workflow: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
}
