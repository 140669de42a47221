/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test and sandbox code runs under plain Node, outside n8n */
/** The command line as a process: login (QR, then push), listen, send, and its failures. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Simulator } from '../../sandbox/simulator/api';
import { startSim } from '../helpers/sim-client';
import { cli } from '../helpers/cli-process';

describe('command line', () => {
	let sim: Simulator;
	let dir: string;
	let sessionFile: string;
	beforeAll(async () => {
		sim = await startSim();
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-cli-'));
		sessionFile = path.join(dir, 'session.json');
	});
	afterAll(async () => {
		await sim.close();
		await fs.rm(dir, { recursive: true, force: true });
	});

	it('login shows a QR, waits for the phone, writes a 0600 session file', async () => {
		const run = cli(['login', '--origin', sim.origin, '--session', sessionFile, '--qr-png', path.join(dir, 'qr.png')]);
		const qr = JSON.parse(await run.waitFor((l) => l.includes('"event":"qr"')));
		sim.scan(qr.uuid);
		sim.confirm(qr.uuid);
		expect(await run.done).toBe(0);
		expect(run.stderr).toContain('Scan this QR code');
		expect(run.stderr).toMatch(/[▀▄█]/);
		const stat = await fs.stat(sessionFile);
		expect(stat.mode & 0o777).toBe(0o600);
		const png = await fs.readFile(path.join(dir, 'qr.png'));
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		expect(run.lines.some((l) => l.includes('"loggedIn":true'))).toBe(true);
		// No token in anything printed.
		const s = sim.session();
		for (const secret of [s?.sid, s?.skey, s?.passTicket]) expect(`${run.lines.join('\n')}${run.stderr}`).not.toContain(secret as string);
	}, 60000);

	it('listen prints one JSON line per message with id, type, text and raw', async () => {
		const run = cli(['listen', '--origin', sim.origin, '--session', sessionFile]);
		await new Promise((r) => setTimeout(r, 2500));
		const a = sim.inject({ type: 'text', from: 'Alice', text: 'line one' });
		const b = sim.inject({ type: 'image', from: 'Bob' });
		await run.waitFor((l) => l.includes(b.msgId));
		run.kill('SIGINT');
		expect(await run.done).toBe(0);
		const msgs = run.lines.map((l) => JSON.parse(l));
		expect(msgs.map((m) => m.id)).toEqual([a.msgId, b.msgId]);
		expect(msgs[0]).toMatchObject({ type: 'text', text: 'line one' });
		expect(msgs[1].type).toBe('image');
		expect(msgs[0].raw.MsgId).toBe(a.msgId);
	}, 60000);

	it('send resolves the recipient by name and prints the MsgID; unknown names fail with exit 4', async () => {
		const ok = cli(['send', '--origin', sim.origin, '--session', sessionFile, '--to', 'Alice', '--text', 'from the cli']);
		expect(await ok.done).toBe(0);
		const out = JSON.parse(ok.lines[0]);
		expect(sim.sent.find((s) => s.msgId === out.msgId)?.content).toBe('from the cli');
		const file = path.join(dir, 'note.txt');
		await fs.writeFile(file, 'attachment body');
		const withFile = cli(['send', '--origin', sim.origin, '--session', sessionFile, '--to', 'Ali', '--file', file]);
		expect(await withFile.done).toBe(0);
		expect(sim.sent.find((s) => s.msgId === JSON.parse(withFile.lines[0]).msgId)?.endpoint).toBe('webwxsendappmsg');
		const bad = cli(['send', '--origin', sim.origin, '--session', sessionFile, '--to', 'Nobody Such', '--text', 'x']);
		expect(await bad.done).toBe(4);
		expect(bad.stderr).toContain('No contact or group matches "Nobody Such"');
	}, 60000);

	it('login again uses push login with the stored session; listen exits non-zero when logged out', async () => {
		const run = cli(['login', '--origin', sim.origin, '--session', sessionFile]);
		const push = JSON.parse(await run.waitFor((l) => l.includes('"event":"pushSent"')));
		sim.confirm(push.uuid);
		expect(await run.done).toBe(0);
		const listen = cli(['listen', '--origin', sim.origin, '--session', sessionFile]);
		await new Promise((r) => setTimeout(r, 2500));
		sim.forceLogout(1101);
		expect(await listen.done).toBe(3);
		expect(listen.stderr).toMatch(/logged this session out/);
	}, 60000);
});
