/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node: a local HTTP proxy drops Content-Length */
/**
 * Review issue 16, item 13: the action node's Media → Download has a
 * "Maximum Size (MB)" option (default 25, as the trigger). Larger media is
 * refused with a NodeOperationError that says the size and how to raise the
 * option: at once when the server announces the size, else while streaming —
 * the client stops reading at the limit (a proxy that drops Content-Length
 * counts how much of the body was pulled).
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeParameters } from 'n8n-workflow';
import type { Phone } from './action-fixtures';
import { binaryBytes, credentialFor, noJitter, receive, run, runError, sha256, startPhone, stopN8nTimers } from './action-fixtures';
import type { StoredCredential } from './harness';

let phone: Phone;
let cred: StoredCredential;

beforeAll(async () => {
	noJitter();
	phone = await startPhone();
	cred = credentialFor(phone);
});

afterAll(async () => {
	await phone?.sim.close();
	stopN8nTimers();
});

const download = (options: INodeParameters = {}): INodeParameters => ({
	resource: 'media',
	operation: 'download',
	source: 'item',
	mediaField: 'media',
	binaryPropertyName: 'data',
	options,
});

describe('Media → Download: Maximum Size (MB)', () => {
	test('media over the limit is refused with a NodeOperationError naming the size and the option', async () => {
		const [video, file] = await receive(phone, [
			{ type: 'video', from: 'Alice', size: 300_000 },
			{ type: 'file', fileName: 'big.zip', from: 'Alice', size: 600_000 },
		]);
		const err = await runError(cred, download({ maxSizeMb: 0.1 }), [video.item]);
		expect(err.constructor.name).toBe('NodeOperationError');
		expect(err.message).toBe('The video is 0.3 MB, more than the "Maximum Size (MB)" of 0.1 MB; it was not downloaded.');
		expect(err.description).toBe('Raise "Maximum Size (MB)" under Options (now 0.1 MB) to download larger media.');

		const out = await run(cred, download({ maxSizeMb: 0.5 }), [video.item, file.item], { continueOnFail: true });
		expect(sha256(await binaryBytes(out[0].binary!.data))).toBe(video.injected.mediaSha256);
		expect(out[1].binary).toBeUndefined();
		expect(out[1].json).toMatchObject({ error: 'The file is 0.6 MB, more than the "Maximum Size (MB)" of 0.5 MB; it was not downloaded.', code: 'INVALID_INPUT' });
	});

	test('by message ID too, in filesystem binary mode', async () => {
		const [image] = await receive(phone, [{ type: 'image', from: 'Bob', size: 30_000 }]);
		const params = { resource: 'media', operation: 'download', source: 'fields', messageId: image.injected.msgId, mediaKind: 'image', binaryPropertyName: 'data' };
		const err = await runError(cred, { ...params, options: { maxSizeMb: 0.01 } }, [{ json: {} }], { binaryMode: 'filesystem' });
		expect(err.constructor.name).toBe('NodeOperationError');
		expect(err.message).toBe('The image is 0.029 MB, more than the "Maximum Size (MB)" of 0.01 MB; it was not downloaded.');
		const ok = await run(cred, { ...params, options: { maxSizeMb: 0.03 } }, [{ json: {} }], { binaryMode: 'filesystem' });
		expect(sha256(await binaryBytes(ok[0].binary!.data))).toBe(image.injected.mediaSha256);
	});

	test('the default is 25 MB: ordinary media downloads without setting the option', async () => {
		const [file] = await receive(phone, [{ type: 'file', fileName: 'report.pdf', from: 'Carol', size: 2_000_000 }]);
		const out = await run(cred, download(), [file.item]);
		expect(sha256(await binaryBytes(out[0].binary!.data))).toBe(file.injected.mediaSha256);
	});

	test('a limit that is not a positive number is a clear error', async () => {
		const [image] = await receive(phone, [{ type: 'image', from: 'Bob', size: 1_000 }]);
		const err = await runError(cred, download({ maxSizeMb: -1 }), [image.item]);
		expect(err.message).toBe('"Maximum Size (MB)" must be a number above 0, not "-1".');
	});
});

/** Forwards to the simulator; media answers lose Content-Length (chunked), and their bytes are counted. */
async function chunkedProxy(target: string): Promise<{ server: Server; origin: string; mediaBytes: () => number }> {
	let bytes = 0;
	const server = createServer((req, res) => {
		const media = /webwxgetmedia|webwxgetmsgimg/.test(req.url ?? '');
		const up = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
			const headers = { ...answer.headers };
			if (media) delete headers['content-length'];
			res.writeHead(answer.statusCode ?? 502, headers);
			if (media) answer.on('data', (chunk: Buffer) => (bytes += chunk.length));
			answer.pipe(res);
			res.on('close', () => answer.destroy());
		});
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, mediaBytes: () => bytes };
}

describe('Media → Download: Maximum Size (MB) without an announced size', () => {
	test.each(['default', 'filesystem'] as const)('the stream stops at the limit (%s binary mode)', async (binaryMode) => {
		const size = 20 * 1024 * 1024;
		const [file] = await receive(phone, [{ type: 'file', fileName: 'huge.bin', from: 'Alice', size }]);
		const proxy = await chunkedProxy(phone.sim.origin);
		try {
			const viaProxy = credentialFor(phone, { originOverride: proxy.origin });
			const err = await runError(viaProxy, download({ maxSizeMb: 1 }), [file.item], { binaryMode });
			expect(err.constructor.name).toBe('NodeOperationError');
			expect(err.message).toBe('The file grew past the "Maximum Size (MB)" of 1 MB; it was not downloaded.');
			expect(err.description).toBe('Raise "Maximum Size (MB)" under Options (now 1 MB) to download larger media.');
			// Reading stopped near 1 MB: far less than the 20 MB the server would have sent (socket buffers aside).
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(proxy.mediaBytes()).toBeLessThan(size / 2);
			const ok = await run(viaProxy, download({ maxSizeMb: 21 }), [file.item], { binaryMode });
			expect(sha256(await binaryBytes(ok[0].binary!.data))).toBe(file.injected.mediaSha256);
		} finally {
			proxy.server.closeAllConnections();
			await new Promise((resolve) => proxy.server.close(resolve));
		}
	});
});
