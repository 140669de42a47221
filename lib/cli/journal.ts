/**
 * The command line's delivery journal: what `listen` has received but not yet
 * written out. A route whose server forgets a message once it handed it out
 * (iLink: getupdates consumes) must keep the batch before anything else can
 * fail; and a line counts as delivered only once stdout took it, so a slow
 * reader plus a kill -9 loses nothing.
 *
 * One append-only file of JSON lines next to the session file:
 *   {"add":["<line>", …]}   a batch, appended and fsynced the moment it arrives
 *   {"out":N}               N more of the held lines were written out
 * Held = every added line after the first (sum of out) ones. A torn last record
 * (a kill during an append) is ignored: its batch was never acknowledged to
 * anyone, and the cursor after it was not saved yet (the caller saves the
 * cursor only after `hold`). When nothing is held the file is emptied.
 *
 * The one window left: a kill after stdout took a line and before its `out`
 * record is appended (two system calls apart) repeats that one line on restart:
 * at least once there, never lost. Exactly once across that point would need
 * the reader to acknowledge, which a pipe cannot.
 */
/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import { closeSync, openSync, promises as fs, writeSync } from 'node:fs';

const OUT_RECORD = `${JSON.stringify({ out: 1 })}\n`;

export class DeliveryJournal {
	private held: string[] = [];

	private constructor(private readonly file: string) {}

	/** Opens (or creates, mode 0600: lines are message content) the journal and reads what is still held. */
	static async open(file: string): Promise<DeliveryJournal> {
		const journal = new DeliveryJournal(file);
		let text = '';
		try {
			text = await fs.readFile(file, 'utf8');
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
		}
		const read = readRecords(text);
		journal.held = read.held;
		// A torn or foreign tail (a kill during an append) is cut off now, so the next batch is not appended to it.
		if (text && (!text.endsWith('\n') || !read.complete)) await journal.rewrite();
		return journal;
	}

	/** The `id` of each held line that is a JSON object with one (the messages' ids). */
	pendingIds(): string[] {
		const ids: string[] = [];
		for (const line of this.held) {
			try {
				const id = (JSON.parse(line) as { id?: unknown } | null)?.id;
				if (typeof id === 'string' || typeof id === 'number') ids.push(String(id));
			} catch {
				// Not JSON: nothing to remember.
			}
		}
		return ids;
	}

	/** The file holds exactly the held lines (or nothing). */
	private async rewrite(): Promise<void> {
		await fs.writeFile(this.file, this.held.length ? `${JSON.stringify({ add: this.held })}\n` : '', { mode: 0o600 });
	}

	/** The lines received and not yet written out, oldest first. */
	pending(): readonly string[] {
		return this.held;
	}

	/** Keeps a batch durably (appended and fsynced) before it is written out or its cursor saved. */
	async hold(lines: readonly string[]): Promise<void> {
		if (!lines.length) return;
		await this.append(`${JSON.stringify({ add: lines })}\n`, true);
		this.held.push(...lines);
	}

	/**
	 * Writes every held line through `write` (resolved once the line was taken),
	 * recording each with a synchronous append the moment the write settled: no
	 * other work runs between the two, which keeps the repeat window to the two
	 * system calls.
	 */
	async drain(write: (line: string) => Promise<void>): Promise<number> {
		let written = 0;
		if (!this.held.length) return 0;
		const fd = openSync(this.file, 'a', 0o600);
		try {
			while (this.held.length) {
				await write(this.held[0]);
				writeSync(fd, OUT_RECORD);
				this.held.shift();
				written++;
			}
		} finally {
			closeSync(fd);
		}
		// Nothing held: start the file afresh, so it never grows with the stream.
		await fs.writeFile(this.file, '', { mode: 0o600 });
		return written;
	}

	private async append(record: string, sync: boolean): Promise<void> {
		// (Batches only; `out` records are written synchronously in drain.)
		const handle = await fs.open(this.file, 'a', 0o600);
		try {
			await handle.appendFile(record, 'utf8');
			if (sync) await handle.sync();
		} finally {
			await handle.close();
		}
	}
}

/** The held lines a journal's text describes; a torn or foreign record ends the reading there. */
export function replay(text: string): string[] {
	return readRecords(text).held;
}

/** What `text` holds, and whether every record of it was read (nothing torn or foreign skipped). */
function readRecords(text: string): { held: string[]; complete: boolean } {
	const added: string[] = [];
	let out = 0;
	for (const line of text.split('\n')) {
		if (!line) continue;
		let record: unknown;
		try {
			record = JSON.parse(line);
		} catch {
			return { held: added.slice(Math.min(out, added.length)), complete: false };
		}
		const add = (record as { add?: unknown } | null)?.add;
		const n = (record as { out?: unknown } | null)?.out;
		if (Array.isArray(add) && add.every((l) => typeof l === 'string')) added.push(...(add as string[]));
		else if (typeof n === 'number' && Number.isInteger(n) && n > 0) out += n;
		else return { held: added.slice(Math.min(out, added.length)), complete: false };
	}
	return { held: added.slice(Math.min(out, added.length)), complete: true };
}

/** process.stdout.write as a promise that settles when the stream took the line. */
export function writeLine(stream: NodeJS.WritableStream, line: string): Promise<void> {
	return new Promise((resolve, reject) => {
		stream.write(`${line}\n`, (err) => (err ? reject(err) : resolve()));
	});
}
