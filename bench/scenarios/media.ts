/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 5. Media: a video downloaded and a file uploaded through the client, against a
 * raw HTTP copy of the same bytes over the same fetch stack (for uploads:
 * the same chunked protocol written plainly, see bench/raw-upload.ts). Throughput
 * ratio and peak RSS above the baseline, sampled every 5 ms while the copy runs.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { routeUrl } from '../../lib/wechat/hosts';
import { mediaRequests } from '../../lib/wechat/media';
import type { WeChatClient } from '../../lib/wechat/client';
import type { WeChatMessage } from '../../lib/wechat/types';
import { rawUpload } from '../raw-upload';
import { loggedInClient, startSimProcess, type SimHandle } from '../sim';
import { interleaved, mb, median, round, type Row } from '../stats';

const CHUNK = 512 * 1024;

/** Runs `fn` while sampling RSS; returns its duration and the peak RSS above the RSS before it. */
async function sampled<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRss: number }> {
	(globalThis as { gc?: () => void }).gc?.();
	const base = process.memoryUsage.rss();
	let peak = base;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
	const t0 = performance.now();
	try {
		const value = await fn();
		const ms = performance.now() - t0;
		peak = Math.max(peak, process.memoryUsage.rss());
		return { value, ms, peakRss: peak - base };
	} finally {
		clearInterval(timer);
	}
}

/** Deterministic bytes generated a chunk at a time (AES-CTR keystream): a file nobody holds whole. */
export function* generatedChunks(size: number, seed: string): Generator<Uint8Array> {
	const key = createHash('sha256').update(seed).digest();
	const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
	for (let off = 0; off < size; off += CHUNK) yield cipher.update(Buffer.alloc(Math.min(CHUNK, size - off)));
}

async function receiveOne(client: WeChatClient, sim: SimHandle, size: number): Promise<WeChatMessage> {
	const controller = new AbortController();
	const injected = sim.call<{ msgId: string }>('injectMedia', { type: 'video', from: 'Alice', size });
	const { msgId } = await injected;
	for await (const ev of client.receive({ signal: controller.signal })) {
		if (ev.type !== 'messages') continue;
		const m = ev.messages.find((x) => x.id === msgId);
		if (m) {
			controller.abort();
			return m;
		}
	}
	throw new Error('video message never arrived');
}

async function drainCount(stream: AsyncIterable<Uint8Array>): Promise<number> {
	let n = 0;
	for await (const c of stream) n += c.byteLength;
	return n;
}

async function rawDownload(client: WeChatClient, origin: string, message: WeChatMessage): Promise<number> {
	const session = client.requireSession();
	const [req] = mediaRequests(session, message.media!);
	const { url, extraHeaders } = routeUrl(req.url, origin);
	const cookie = session.jar.getCookieStringSync(req.url);
	const res = await fetch(url, { headers: { ...req.headers, ...extraHeaders, cookie } });
	return drainCount(res.body as unknown as AsyncIterable<Uint8Array>);
}

let uploads = 0;
/** Every upload its own bytes: the server skips files it already has (webwxcheckupload answers a MediaId). */
const nextSeed = () => `bench-upload-${process.pid}-${++uploads}`;

export type UploadVia = (client: WeChatClient, to: string, size: number) => Promise<number>;

/** Ours: client.sendFile with a source read twice as a stream (MD5 pass, then 512 KiB chunks). */
export const uploadStreamed: UploadVia = async (client, to, size) => {
	const seed = nextSeed();
	const sent = await client.sendFile(to, { source: { size, open: () => generatedChunks(size, seed) }, fileName: 'big.bin', mimeType: 'application/octet-stream' });
	return sent.mediaId ? size : 0;
};

/** Before the streaming source existed: the caller had to hold the whole file (BENCH_UPLOAD_BUFFERED=1 shows it). */
export const uploadBuffered: UploadVia = async (client, to, size) => {
	const bytes = Buffer.concat([...generatedChunks(size, nextSeed())]);
	const sent = await client.sendFile(to, { bytes, fileName: 'big.bin', mimeType: 'application/octet-stream' });
	return sent.mediaId ? size : 0;
};

export async function media(downloadSize: number, uploadSize: number, rounds: number, upload: UploadVia = uploadStreamed, downloadRounds = rounds + 2): Promise<{ rows: Row[]; raw: unknown }> {
	const sim = await startSimProcess({ loginHoldMs: 25_000, syncHoldMs: 25_000, recordRequests: false, sendBurst: null });
	try {
		const client = await loggedInClient(sim);
		const message = await receiveOne(client, sim, downloadSize);
		const alice = await sim.call<string>('userName', 'Alice');
		await rawDownload(client, sim.origin, message); // the simulator makes the bytes on first use: not part of any round
		const [ourDl, rawDl] = await interleaved(downloadRounds, [
			async () => sampled(async () => drainCount((await client.download(message.media!)).stream)),
			async () => sampled(() => rawDownload(client, sim.origin, message)),
		]);
		const [ourUp, rawUp] = await interleaved(rounds, [async () => sampled(() => upload(client, alice, uploadSize)), async () => {
				const seed = nextSeed();
				return sampled(async () => ((await rawUpload(sim.origin, client.toJSON(), alice, uploadSize, () => generatedChunks(uploadSize, seed))) ? uploadSize : 0));
			}]);
		for (const s of [...ourDl, ...rawDl]) if (s.value !== downloadSize) throw new Error(`download got ${s.value} of ${downloadSize} bytes`);
		const stored = await sim.call<{ size: number } | null>('lastUpload');
		if (stored?.size !== uploadSize) throw new Error(`upload stored ${stored?.size} of ${uploadSize} bytes`);
		const mbps = (bytes: number, ms: number) => bytes / 1024 / 1024 / (ms / 1000);
		const tput = (x: Array<{ ms: number }>, bytes: number) => median(x.map((s) => mbps(bytes, s.ms)));
		const dlRatio = median(ourDl.map((o, r) => rawDl[r].ms / o.ms));
		const upRatio = median(ourUp.map((o, r) => rawUp[r].ms / o.ms));
		const peak = (x: Array<{ peakRss: number }>) => Math.max(...x.map((s) => s.peakRss));
		const rows: Row[] = [
			{ scenario: '5 media', metric: `download ${mb(downloadSize)} MB video: throughput`, ours: round(tput(ourDl, downloadSize), 0), baseline: { name: 'raw fetch stream', value: round(tput(rawDl, downloadSize), 0) }, ratio: round(dlRatio), unit: 'MB/s', goal: '≥ 0.9× raw', met: dlRatio >= 0.9 },
			{ scenario: '5 media', metric: 'download: peak RSS above baseline', ours: mb(peak(ourDl)), baseline: { name: 'raw fetch stream', value: mb(peak(rawDl)) }, unit: 'MB', goal: '< 100 MB', met: peak(ourDl) < 100 * 2 ** 20 },
			{ scenario: '5 media', metric: `upload ${mb(uploadSize)} MB file (${Math.ceil(uploadSize / CHUNK)} chunks${uploadSize > 25 * 2 ** 20 ? ' + checkupload' : ''}): throughput`, ours: round(tput(ourUp, uploadSize), 0), baseline: { name: 'raw chunked POSTs', value: round(tput(rawUp, uploadSize), 0) }, ratio: round(upRatio), unit: 'MB/s', goal: '≥ 0.9× raw', met: upRatio >= 0.9 },
			{ scenario: '5 media', metric: 'upload: peak RSS above baseline', ours: mb(peak(ourUp)), baseline: { name: 'raw chunked POSTs', value: mb(peak(rawUp)) }, unit: 'MB', goal: '< 100 MB', met: peak(ourUp) < 100 * 2 ** 20 },
		];
		const strip = (x: Array<{ ms: number; peakRss: number }>) => x.map((s) => ({ ms: round(s.ms, 1), peakRssMb: mb(s.peakRss) }));
		return { rows, raw: { rounds, downloadRounds, downloadSize, uploadSize, ourDownload: strip(ourDl), rawDownload: strip(rawDl), ourUpload: strip(ourUp), rawUpload: strip(rawUp) } };
	} finally {
		await sim.close();
	}
}
