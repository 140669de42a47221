/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and sandbox code runs under plain Node, outside n8n */
/**
 * One HTTP request/response pair as the handlers see it: parsed query, cookies,
 * body and logical host in; typed answers out. Every answer goes through `send`
 * so recording and the `truncated` fault apply uniformly, and client
 * disconnects are noticed (held requests are released, `aborted` recorded).
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Endpoint, FaultKind, RecordedRequest } from './api';
import { parseCookies, parseQuery, wireJson } from './util';

export type BodyKind = 'js' | 'xml' | 'json' | 'bytes' | 'html';

export class Exchange {
	readonly path: string;
	readonly query: Record<string, string>;
	readonly cookies: Record<string, string>;
	/** The logical host (x-wechat-host); undefined when the header is absent. */
	readonly logicalHost: string | undefined;
	body: Buffer = Buffer.alloc(0);
	endpoint: Endpoint | 'unknown' | 'control' = 'unknown';
	answered = false;
	aborted = false;
	/** Applied to the body of the eventual answer (the `truncated` fault). */
	bodyTransform?: (body: Buffer) => Buffer;
	private readonly closeListeners: Array<() => void> = [];

	constructor(
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		readonly record: RecordedRequest,
		private readonly onFinish: (ex: Exchange) => void,
	) {
		const raw = req.url ?? '/';
		const q = raw.indexOf('?');
		this.path = q < 0 ? raw : raw.slice(0, q);
		this.query = parseQuery(q < 0 ? '' : raw.slice(q));
		this.cookies = parseCookies(req.headers.cookie);
		const h = req.headers['x-wechat-host'];
		const host = Array.isArray(h) ? h[0] : h;
		this.logicalHost = host ? host.trim().toLowerCase().replace(/:\d+$/, '') : undefined;
		res.on('close', () => {
			if (!this.answered) {
				this.aborted = true;
				this.record.aborted = true;
				this.record.endedAt = Date.now();
				this.onFinish(this);
			}
			for (const l of this.closeListeners.splice(0)) l();
		});
	}

	private parsedJson?: { value: unknown };

	/** The body parsed as JSON; undefined when it is not JSON. */
	jsonBody(): unknown {
		if (!this.parsedJson) {
			let value: unknown;
			try {
				value = JSON.parse(this.body.toString('utf8'));
			} catch {
				value = undefined;
			}
			this.parsedJson = { value };
		}
		return this.parsedJson.value;
	}

	header(name: string): string | undefined {
		const v = this.req.headers[name.toLowerCase()];
		return Array.isArray(v) ? v[0] : v;
	}

	/** Called when the connection closes (answered or not). */
	onClose(listener: () => void): void {
		if (this.res.writableFinished || this.res.destroyed) listener();
		else this.closeListeners.push(listener);
	}

	get open(): boolean {
		return !this.answered && !this.aborted && !this.res.destroyed;
	}

	send(status: number, headers: Record<string, string | string[]>, body: Buffer | string = ''): void {
		if (!this.open) return;
		this.answered = true;
		let buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
		if (this.bodyTransform) buf = this.bodyTransform(buf);
		this.record.status = status;
		this.record.endedAt = Date.now();
		this.onFinish(this);
		this.res.writeHead(status, { ...headers, 'Content-Length': String(buf.length) });
		this.res.end(buf);
	}

	/** JavaScript-assignment bodies (jslogin, login, synccheck). */
	js(body: string): void {
		this.send(200, { 'Content-Type': 'text/javascript' }, body);
	}

	/** JSON is served as text/plain, like the real server. */
	json(value: unknown): void {
		this.send(200, { 'Content-Type': 'text/plain' }, wireJson(value));
	}

	/** `BaseResponse` only, with an explanation header for humans and tests. */
	ret(ret: number, reason = '', extra: Record<string, unknown> = {}): void {
		if (ret !== 0 && reason) this.res.setHeader('x-sim-reason', encodeURIComponent(reason));
		this.json({ BaseResponse: { Ret: ret, ErrMsg: '' }, ...extra });
	}

	/** 200 with an empty body: how media endpoints refuse (protocol.md §1.20). */
	emptyMedia(contentType: string, reason: string): void {
		this.send(200, { 'Content-Type': contentType, 'x-sim-reason': encodeURIComponent(reason) }, '');
	}

	notFound(reason = 'not found'): void {
		this.send(404, { 'Content-Type': 'text/html', 'x-sim-reason': encodeURIComponent(reason) }, '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>');
	}

	badRequest(reason: string): void {
		this.send(400, { 'Content-Type': 'text/plain', 'x-sim-reason': encodeURIComponent(reason) }, reason);
	}

	/** `reset` fault: drop the connection without an answer. */
	destroy(fault: FaultKind['kind']): void {
		this.answered = true;
		this.record.fault = fault;
		this.record.endedAt = Date.now();
		this.onFinish(this);
		this.req.socket.destroy();
	}
}
