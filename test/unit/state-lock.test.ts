/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withStateLock } from '../../lib/cli/state-lock';

describe('command line state lock', () => {
	let dir: string;
	beforeEach(async () => {
		dir = await fs.mkdtemp(path.join(os.tmpdir(), 'state-lock-'));
	});
	afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

	it('runs read-modify-write sections one at a time: no count is lost', async () => {
		const file = path.join(dir, 'state.json');
		await fs.writeFile(file, '0');
		const bump = () =>
			withStateLock(file, async () => {
				const n = Number(await fs.readFile(file, 'utf8'));
				await new Promise((r) => setTimeout(r, 2));
				await fs.writeFile(file, String(n + 1));
			});
		await Promise.all(Array.from({ length: 20 }, bump));
		expect(Number(await fs.readFile(file, 'utf8'))).toBe(20);
		await expect(fs.stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
	});

	it('takes over a lock whose holder died, and releases the lock when the work throws', async () => {
		const file = path.join(dir, 'state.json');
		// A pid that cannot be alive (above the kernel's pid_max).
		await fs.writeFile(`${file}.lock`, '99999999');
		await expect(withStateLock(file, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
		await expect(fs.stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
		expect(await withStateLock(file, async () => 'ran')).toBe('ran');
	});

	it('an empty lock left by a holder killed before writing its pid is taken over once it is a few seconds old', async () => {
		const file = path.join(dir, 'state.json');
		await fs.writeFile(`${file}.lock`, '');
		const old = new Date(Date.now() - 60_000);
		await fs.utimes(`${file}.lock`, old, old);
		expect(await withStateLock(file, async () => 'ran')).toBe('ran');
	});

	it('many waiters on a dead holder\'s lock: one at a time still, no count lost', async () => {
		const file = path.join(dir, 'state.json');
		await fs.writeFile(file, '0');
		await fs.writeFile(`${file}.lock`, '99999999');
		const bump = () =>
			withStateLock(file, async () => {
				const n = Number(await fs.readFile(file, 'utf8'));
				await new Promise((r) => setTimeout(r, 2));
				await fs.writeFile(file, String(n + 1));
			});
		await Promise.all(Array.from({ length: 10 }, bump));
		expect(Number(await fs.readFile(file, 'utf8'))).toBe(10);
	});
});
