/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node, outside n8n */
/**
 * Issue 16 item 10 at the command line: an origin override to another machine
 * over http, and a session file naming a host outside WeChat, are refused with
 * a clear message before any request is sent.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { recordText } from '../helpers/secret-scan';
import { makeSession, SECRETS } from '../unit/fake-transport';

const ROOT = path.resolve(__dirname, '../..');

function cli(args: string[]): Promise<{ code: number; stderr: string }> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'lib/cli/main.ts', ...args], {
		cwd: ROOT,
		env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
	});
	let stderr = '';
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
	child.stdout.resume();
	return new Promise((resolve) =>
		child.on('close', (code) => {
			recordText(stderr);
			resolve({ code: code ?? -1, stderr });
		}),
	);
}

describe('command line host checks (issue 16 item 10)', () => {
	let dir: string;
	let server: http.Server;
	let origin: string;
	const seen: string[] = [];

	beforeAll(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-cli-hosts-'));
		// Stands in for whatever the client would reach: it only counts requests.
		server = http.createServer((req, res) => {
			seen.push(`${req.headers['x-wechat-host'] ?? '?'} ${req.url ?? ''}`);
			res.writeHead(500).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
		await fs.rm(dir, { recursive: true, force: true });
	});

	beforeEach(() => {
		seen.length = 0;
	});

	it('refuses --origin over plain http to another machine', async () => {
		const { code, stderr } = await cli(['login', '--origin', 'http://192.0.2.10:8790', '--session', path.join(dir, 'none.json')]);
		expect(code).not.toBe(0);
		expect(stderr).toMatch(/plain http to another machine/);
		expect(stderr).toMatch(/127\.0\.0\.1/);
	});

	it('refuses a session file whose main host is not WeChat, before any request', async () => {
		const data = JSON.parse(makeSession().toJSON()) as Record<string, unknown>;
		data.mainHost = 'evil.example';
		const file = path.join(dir, 'edited.json');
		await fs.writeFile(file, JSON.stringify(data), { mode: 0o600 });

		const { code, stderr } = await cli(['send', '--origin', origin, '--session', file, '--to', 'filehelper', '--text', 'hi']);

		expect(code).not.toBe(0);
		expect(stderr).toMatch(/not a WeChat host/);
		expect(stderr).toMatch(/Log in again/);
		for (const secret of Object.values(SECRETS)) expect(stderr).not.toContain(secret);
		expect(seen).toEqual([]);
	});
});
