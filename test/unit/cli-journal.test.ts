/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/** The command line's delivery journal: held batches survive a kill, written lines are not repeated. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeliveryJournal, replay } from '../../lib/cli/journal';

let dir: string;
beforeEach(async () => {
	dir = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-'));
});
afterEach(async () => {
	await fs.rm(dir, { recursive: true, force: true });
});

describe('DeliveryJournal', () => {
	it('a batch held and not yet written out is there after a restart (a kill between hold and write)', async () => {
		const file = path.join(dir, 's.json.journal');
		const first = await DeliveryJournal.open(file);
		await first.hold(['a', 'b']);
		// The process dies here: nothing written out.
		const again = await DeliveryJournal.open(file);
		expect(again.pending()).toEqual(['a', 'b']);
		const written: string[] = [];
		await again.drain(async (l) => void written.push(l));
		expect(written).toEqual(['a', 'b']);
		expect((await DeliveryJournal.open(file)).pending()).toEqual([]);
		expect(await fs.readFile(file, 'utf8')).toBe('');
		expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
	});

	it('a kill in the middle of writing out repeats only the lines stdout had not taken', async () => {
		const file = path.join(dir, 'j');
		const journal = await DeliveryJournal.open(file);
		await journal.hold(['m1', 'm2', 'm3']);
		const written: string[] = [];
		await expect(
			journal.drain(async (l) => {
				if (l === 'm3') throw new Error('EPIPE: the reader went away');
				written.push(l);
			}),
		).rejects.toThrow(/EPIPE/);
		expect(written).toEqual(['m1', 'm2']);
		expect((await DeliveryJournal.open(file)).pending()).toEqual(['m3']);
	});

	it('a slow reader: nothing counts as written before the write settled', async () => {
		const file = path.join(dir, 'j');
		const journal = await DeliveryJournal.open(file);
		await journal.hold(['slow']);
		let release!: () => void;
		const drained = journal.drain(() => new Promise<void>((r) => (release = r)));
		await new Promise((r) => setImmediate(r));
		// Killed while the reader has not taken the line yet.
		expect((await DeliveryJournal.open(file)).pending()).toEqual(['slow']);
		release();
		await drained;
		expect((await DeliveryJournal.open(file)).pending()).toEqual([]);
	});

	it('a torn last record (a kill during an append) is cut off on open, so the next batch is read back whole; pendingIds names the held messages', async () => {
		const file = path.join(dir, 'j');
		await fs.writeFile(file, '{"add":["{\\"id\\":\\"1\\"}"]}\n{"add":["{\\"id\\":', { mode: 0o600 });
		const journal = await DeliveryJournal.open(file);
		expect(journal.pending()).toEqual(['{"id":"1"}']);
		await journal.hold(['{"id":"2"}', 'not json']);
		const again = await DeliveryJournal.open(file);
		expect(again.pending()).toEqual(['{"id":"1"}', '{"id":"2"}', 'not json']);
		expect(again.pendingIds()).toEqual(['1', '2']);
	});

	it('replay: out records count across batches; a torn last record or a foreign line ends the reading', () => {
		const text = ['{"add":["a","b"]}', '{"out":1}', '{"add":["c"]}', '{"out":1}', ''].join('\n');
		expect(replay(text)).toEqual(['c']);
		expect(replay(`${text}{"add":["d"`)).toEqual(['c']);
		expect(replay('{"add":["a"]}\n{"__proto__":{"x":1}}\n{"add":["b"]}\n')).toEqual(['a']);
		expect(replay('{"add":["a"]}\n{"out":5}\n')).toEqual([]);
		expect(replay('')).toEqual([]);
	});
});
