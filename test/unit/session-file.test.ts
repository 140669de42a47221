/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node, outside n8n */
/**
 * Issue 16 item 9: the command line's session file is written through a
 * temporary file that nobody can plant in advance — random name, opened with
 * `wx` (a symlink there is never followed), 0600 — then renamed; a failure
 * leaves no temporary file behind.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSessionFile, writeSessionFile } from '../../lib/cli/session-file';

const SESSION = JSON.stringify({ format: 'wechat-web-session', tokens: { skey: '@crypt_0000_secret' } });

let dir: string;
let elsewhere: string;
let victim: string;

beforeEach(async () => {
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-session-file-'));
	elsewhere = await fs.mkdtemp(path.join(os.tmpdir(), 'wechat-victim-'));
	victim = path.join(elsewhere, 'victim.txt');
	await fs.writeFile(victim, 'VICTIM', { mode: 0o644 });
	await fs.chmod(victim, 0o644);
});

afterEach(async () => {
	jest.restoreAllMocks();
	await fs.rm(dir, { recursive: true, force: true });
	await fs.rm(elsewhere, { recursive: true, force: true });
});

async function expectVictimUntouched(): Promise<void> {
	expect(await fs.readFile(victim, 'utf8')).toBe('VICTIM');
	expect((await fs.stat(victim)).mode & 0o777).toBe(0o644);
}

async function expectPrivateRegularFile(file: string): Promise<void> {
	const st = await fs.lstat(file);
	expect(st.isFile()).toBe(true); // not a symlink to somewhere else
	expect(st.mode & 0o777).toBe(0o600);
	expect(await readSessionFile(file)).toBe(SESSION);
}

describe('session file writes (issue 16 item 9)', () => {
	it('never writes through a link planted under a predictable temporary name', async () => {
		const file = path.join(dir, 'wechat-session.json');
		const now = 1_700_000_000_000;
		jest.spyOn(Date, 'now').mockReturnValue(now);
		// The name a writer using the clock would pick (the old code: `.<name>.<Date.now()>.tmp`).
		const planted = path.join(dir, `.wechat-session.json.${now}.tmp`);
		await fs.symlink(victim, planted);

		await writeSessionFile(file, SESSION);

		await expectVictimUntouched();
		await expectPrivateRegularFile(file);
	});

	it('never follows or removes a file that already exists under its random temporary name', async () => {
		const file = path.join(dir, 'wechat-session.json');
		const fixed = Buffer.alloc(12, 0xab);
		// First name collides with a planted link; the writer must take another one.
		// The module object itself (a namespace import would be a frozen copy).
		const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
		const spy = jest.spyOn(crypto, 'randomBytes').mockImplementationOnce(() => fixed);
		const planted = path.join(dir, `.wechat-session.json.${fixed.toString('hex')}.tmp`);
		await fs.symlink(victim, planted);

		await writeSessionFile(file, SESSION);

		expect(spy).toHaveBeenCalled();
		await expectVictimUntouched();
		expect((await fs.lstat(planted)).isSymbolicLink()).toBe(true); // someone else's file stays
		await expectPrivateRegularFile(file);
	});

	it('replaces an existing session file (or a link in its place) atomically, mode 0600, without writing through it', async () => {
		const file = path.join(dir, 'wechat-session.json');
		await fs.symlink(victim, file);

		await writeSessionFile(file, SESSION);
		await expectVictimUntouched();
		await expectPrivateRegularFile(file);

		await writeSessionFile(file, SESSION);
		await expectPrivateRegularFile(file);
		expect((await fs.readdir(dir)).sort()).toEqual(['wechat-session.json']);
	});

	it('leaves no temporary file behind when the rename fails', async () => {
		// A non-empty directory where the file should go: rename cannot replace it.
		const file = path.join(dir, 'wechat-session.json');
		await fs.mkdir(file);
		await fs.writeFile(path.join(file, 'keep'), 'x');

		await expect(writeSessionFile(file, SESSION)).rejects.toThrow();

		expect(await fs.readdir(dir)).toEqual(['wechat-session.json']);
	});
});
