/* eslint-disable @n8n/community-nodes/no-restricted-imports -- sandbox code runs under plain Node, outside n8n */
/**
 * One request/response pair: parsed query and body in, answers out. Every
 * answer goes through `send` (so the `malformed` fault and client disconnects
 * are handled in one place).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './api';
import { wireJson } from './wire-json';

export class Exchange {
	readonly path: string;
	readonly query: Record<string, string>;
	body: Buffer = Buffer.alloc(0);
	answered = false;
	/** Set by the `malformed` fault: the next JSON answer is cut in half. */
	mangle = false;
	private closed = false;
	private readonly closeListeners: Array<() => void> = [];

	constructor(
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		readonly record: RecordedRequest,
	) {
		const url = new URL(req.url ?? '/', 'http://sim.invalid');
		this.path = url.pathname;
		this.query = Object.fromEntries(url.searchParams.entries());
		res.on('close', () => {
			this.closed = true;
			for (const l of this.closeListeners.splice(0)) l();
		});
	}

	get open(): boolean {
		return !this.answered && !this.closed && !this.res.destroyed;
	}

	onClose(l: () => void): void {
		if (this.closed) l();
		else this.closeListeners.push(l);
	}

	header(name: string): string | undefined {
		const v = this.req.headers[name.toLowerCase()];
		return Array.isArray(v) ? v[0] : v;
	}

	/** Body parsed as JSON; undefined when it is not JSON. */
	jsonBody(): unknown {
		if (this.body.length === 0) return undefined;
		try {
			return JSON.parse(this.body.toString('utf8')) as unknown;
		} catch {
			return undefined;
		}
	}

	send(status: number, headers: Record<string, string>, body: Buffer | string): boolean {
		if (!this.open) return false;
		this.answered = true;
		const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		this.res.writeHead(status, { ...headers, 'Content-Length': String(buf.length) });
		this.res.end(buf);
		return true;
	}

	/** A 200 JSON answer written by the uint64-aware writer. Returns false when the client is gone. */
	json(value: unknown): boolean {
		let text = wireJson(value);
		if (this.mangle) text = text.slice(0, Math.floor(text.length / 2));
		return this.send(200, { 'Content-Type': 'application/json' }, text);
	}

	destroy(): void {
		this.answered = true;
		this.req.socket.destroy();
	}
}
