/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * The e2e tests' loopback HTTP peer: collects what workflows POST (JSON bodies
 * and binary uploads, hashed) and serves fixture files for workflows to fetch.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
	path: string;
	query: Record<string, string>;
	json?: Record<string, unknown>;
	bytes?: number;
	sha256?: string;
	contentType?: string;
	at: number;
}

export class Sink {
	readonly received: Received[] = [];
	private server: Server | null = null;
	private readonly fixtures = new Map<string, { bytes: Buffer; type: string }>();
	/** Answer this path only after so many ms (keeps executions in flight). */
	readonly delays = new Map<string, number>();
	port = 0;

	get origin(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	serve(path: string, bytes: Buffer, type: string): string {
		this.fixtures.set(path, { bytes, type });
		return `${this.origin}${path}`;
	}

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const url = new URL(req.url ?? '/', 'http://sink');
				const fixture = this.fixtures.get(url.pathname);
				if (req.method === 'GET' && fixture) {
					res.writeHead(200, { 'content-type': fixture.type, 'content-length': fixture.bytes.length });
					res.end(fixture.bytes);
					return;
				}
				const body = Buffer.concat(chunks);
				const entry: Received = { path: url.pathname, query: Object.fromEntries(url.searchParams), at: Date.now(), contentType: req.headers['content-type'] };
				if ((req.headers['content-type'] ?? '').includes('json')) {
					try {
						entry.json = JSON.parse(body.toString('utf8'));
					} catch {
						entry.json = { unparsable: body.toString('utf8').slice(0, 200) };
					}
				} else {
					entry.bytes = body.length;
					entry.sha256 = createHash('sha256').update(body).digest('hex');
				}
				this.received.push(entry);
				const answer = () => {
					res.writeHead(200, { 'content-type': 'application/json' });
					res.end('{"ok":true}');
				};
				const delay = this.delays.get(url.pathname);
				if (delay) setTimeout(answer, delay);
				else answer();
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		this.port = (this.server?.address() as AddressInfo).port;
	}

	on(path: string): Received[] {
		return this.received.filter((r) => r.path === path);
	}

	async waitFor(path: string, count: number, timeoutMs = 60000): Promise<Received[]> {
		const t0 = Date.now();
		while (Date.now() - t0 < timeoutMs) {
			if (this.on(path).length >= count) return this.on(path);
			await new Promise((r) => setTimeout(r, 200));
		}
		throw new Error(`sink ${path}: ${this.on(path).length} of ${count} within ${timeoutMs} ms`);
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
