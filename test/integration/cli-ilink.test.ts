/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * The command line on the iLink route, as a process against the iLink
 * simulator: login with the pair code typed on stdin, listen (a kill -9 loses
 * nothing, a restart repeats nothing the simulator already consumed), send
 * within the budget, and a stale session that ends listen without any login.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startIlinkSimulator } from '../../sandbox/ilink-simulator';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { cli } from '../helpers/cli-process';
import { registerSecretSource } from '../helpers/secret-scan';

let sim: IlinkSimulator;
let dir: string;
let state: string;

beforeAll(async () => {
	sim = await startIlinkSimulator({ updatesHoldMs: 300, qrHoldMs: 200 });
	registerSecretSource(() => sim.issuedSecrets());
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-ilink-cli-'));
	state = path.join(dir, 'ilink.json');
});
afterAll(async () => {
	await sim.close();
	await fs.rm(dir, { recursive: true, force: true });
});

const base = () => ['--route', 'ilink', '--origin', sim.origin, '--session', state];
const texts = (lines: string[]) => lines.map((l) => String((JSON.parse(l) as { text?: unknown }).text));

describe('command line, iLink route', () => {
	it('login: QR in stderr, the number the phone shows typed on stdin, state file 0600 without the token in any output', async () => {
		const run = cli(['login', ...base()]);
		const qr = await sim.waitForQr(20000);
		sim.scan(qr.qrcode);
		const code = sim.requireVerifyCode(undefined, qr.qrcode);
		await waitUntil(() => run.stderr.includes('type it here'), 'the pair code prompt');
		run.type(code);
		await waitUntil(() => sim.requests.some((r) => r.endpoint === 'get_qrcode_status' && r.query.verify_code === code), 'the code sent with the status poll');
		sim.confirm(qr.qrcode);
		expect(await run.done).toBe(0);
		const out = JSON.parse(run.lines[0]) as { loggedIn: boolean; route: string; botId: string };
		expect(out).toMatchObject({ loggedIn: true, route: 'ilink', botId: sim.bot()?.botId });
		expect((await fs.stat(state)).mode & 0o777).toBe(0o600);
		const token = sim.bot()?.botToken ?? '';
		expect(token.length).toBeGreaterThan(8);
		expect(run.stderr).not.toContain(token);
		expect(run.lines.join('\n')).not.toContain(token);
	});

	it('listen: one line per owner message, no context token; a kill -9 and a restart lose nothing and repeat nothing', async () => {
		const first = cli(['listen', ...base()]);
		await waitUntil(() => first.stderr.includes('Listening'), 'listening');
		const a = sim.ownerSends('first');
		const b = sim.ownerSends('second');
		await first.waitFor((l) => l.includes('"second"'));
		first.kill('SIGKILL');
		await first.done;
		// Arrives while nothing listens; the service keeps it until the next getupdates.
		sim.ownerSends('while down');
		const second = cli(['listen', ...base()]);
		await second.waitFor((l) => l.includes('"while down"'));
		sim.ownerSends('after restart');
		await second.waitFor((l) => l.includes('"after restart"'));
		second.kill('SIGINT');
		expect(await second.done).toBe(0);
		expect(texts(first.lines)).toEqual(['first', 'second']);
		// Nothing lost; the only line that may come again is the one stdout took as the kill landed
		// (between the pipe write and the journal's record: lib/cli/journal.ts).
		const again = texts(second.lines);
		expect(again.filter((t) => t !== 'second')).toEqual(['while down', 'after restart']);
		expect(again.slice(0, again.length - 2).every((t) => t === 'second') && again.length <= 3).toBe(true);
		second.lines.splice(0, again.length - 2);
		const ids = [...first.lines, ...second.lines].map((l) => String((JSON.parse(l) as { id: unknown }).id));
		expect(ids.slice(0, 2)).toEqual([a.messageId, b.messageId]);
		for (const line of [...first.lines, ...second.lines]) {
			expect(line).not.toMatch(/context_?token/i);
			expect(line).not.toContain(a.contextToken);
		}
	});

	it('send while listen runs: to the owner by default, the budget left in the answer; the 11th send: exit 6, nothing sent, though listen saves meanwhile', async () => {
		const listen = cli(['listen', ...base()]);
		await waitUntil(() => listen.stderr.includes('Listening'), 'listening');
		sim.ownerSends('ask me');
		// The owner's message reaches the budget through listen.
		await listen.waitFor((l) => l.includes('"ask me"'));
		const before = sim.sent.length;
		const ok = cli(['send', ...base(), '--text', 'hello owner']);
		expect(await ok.done).toBe(0);
		const answer = JSON.parse(ok.lines[0]) as { sent: boolean; sendsLeft: number; windowExpiresAt: string };
		expect(answer.sent).toBe(true);
		expect(answer.sendsLeft).toBe(9);
		expect(Date.parse(answer.windowExpiresAt)).toBeGreaterThan(Date.now());
		expect(sim.sent.slice(before).map((s) => s.text)).toEqual(['hello owner']);
		const png = path.join(dir, 'photo.png');
		await fs.writeFile(png, Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 1)]));
		expect(await cli(['send', ...base(), '--file', png]).done).toBe(0);
		expect(sim.sent[sim.sent.length - 1].itemType).toBe(2); // an image, by its extension
		for (let i = 0; i < 8; i++) expect(await cli(['send', ...base(), '--text', `n${i}`]).done).toBe(0);
		// listen keeps polling (and saving its cursor) all along; the count must survive its saves.
		const polls = sim.requests.filter((r) => r.endpoint === 'getupdates').length;
		await waitUntil(() => sim.requests.filter((r) => r.endpoint === 'getupdates').length >= polls + 2, 'two more polls of listen');
		const over = cli(['send', ...base(), '--text', 'one too many']);
		expect(await over.done).toBe(6);
		expect(over.stderr).toMatch(/owner/i);
		expect(sim.sent.map((s) => s.text)).not.toContain('one too many');
		listen.kill('SIGINT');
		expect(await listen.done).toBe(0);
	});

	it('login with stdin closed at the number prompt: exit 2 and a clear message, not a silent success', async () => {
		const run = cli(['login', ...base().slice(0, 4), '--session', path.join(dir, 'other.json')]);
		const qr = await sim.waitForQr(20000);
		sim.scan(qr.qrcode);
		sim.requireVerifyCode(undefined, qr.qrcode);
		await waitUntil(() => run.stderr.includes('type it here'), 'the pair code prompt');
		run.endInput();
		expect(await run.done).toBe(2);
		expect(run.stderr).toMatch(/no number was entered/);
	});

	it('a stale session (bound elsewhere): listen ends with exit 3 and starts no login', async () => {
		const listen = cli(['listen', ...base()]);
		await waitUntil(() => listen.stderr.includes('Listening'), 'listening');
		const qrBefore = sim.requests.filter((r) => r.path.includes('get_bot_qrcode')).length;
		sim.staleSession();
		expect(await listen.done).toBe(3);
		expect(listen.stderr).toMatch(/error:/);
		expect(sim.requests.filter((r) => r.path.includes('get_bot_qrcode')).length).toBe(qrBefore);
	});
});

async function waitUntil(pred: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!pred()) {
		if (Date.now() > until) throw new Error(`timeout waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
