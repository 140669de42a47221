/**
 * The stream handed to prepareBinaryData must satisfy every way n8n reads it:
 * as an async iterable (filesystem/S3) and as an event emitter that is
 * detached with `off` once done (n8n 2.x database and in-memory modes).
 */
import { binaryStream } from '../../nodes/shared/binary';

async function* chunks(parts: string[]): AsyncGenerator<Uint8Array> {
	for (const p of parts) yield new Uint8Array(Buffer.from(p));
}

type Emitter = {
	on(e: string, fn: (arg?: unknown) => void): unknown;
	once(e: string, fn: (arg?: unknown) => void): unknown;
	off(e: string, fn: (arg?: unknown) => void): unknown;
};

/** Collects data events until end, then detaches every listener (the event-emitter reader). */
async function readByEvents(stream: Emitter): Promise<Buffer> {
	return await new Promise((resolve, reject) => {
		const got: Buffer[] = [];
		const onData = (c?: unknown) => got.push(c as Buffer);
		const detach = () => {
			stream.off('data', onData);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const onEnd = () => {
			detach();
			resolve(Buffer.concat(got));
		};
		const onError = (err?: unknown) => {
			detach();
			reject(err as Error);
		};
		stream.on('data', onData);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}

it('an event-emitter reader that detaches with off gets every byte', async () => {
	const stream = binaryStream(chunks(['he', 'llo ', 'n8n'])) as unknown as Emitter;
	await expect(readByEvents(stream)).resolves.toEqual(Buffer.from('hello n8n'));
});

it('an async-iterator reader gets every byte', async () => {
	const stream = binaryStream(chunks(['a', 'b', 'c'])) as unknown as AsyncIterable<Buffer>;
	const got: Buffer[] = [];
	for await (const c of stream) got.push(c);
	expect(Buffer.concat(got).toString()).toBe('abc');
});
