/**
 * Node's implementations of the client's injected dependencies, for the command
 * line and the tests (inside n8n the nodes pass n8n's request helpers and sleep).
 * This file is the package's one narrow exception to n8n's Cloud rule against
 * Node timers: the command line runs outside n8n and has nothing else to wait with.
 */
/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import type { Clock } from '../wechat/clock';
import { NetworkError } from '../wechat/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../wechat/transport';

function abortError(): Error {
	const err = new Error('The operation was aborted.');
	err.name = 'AbortError';
	return err;
}

export const nodeClock: Clock = {
	now: () => Date.now(),
	random: () => Math.random(),
	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		return new Promise((resolve, reject) => {
			if (signal?.aborted) return reject(abortError());
			const onAbort = () => {
				clearTimeout(timer);
				reject(abortError());
			};
			const timer = setTimeout(() => {
				signal?.removeEventListener('abort', onAbort);
				resolve();
			}, Math.max(0, ms));
			signal?.addEventListener('abort', onAbort, { once: true });
		});
	},
};

/** Transport over Node's fetch (undici): never follows redirects, times out, aborts. */
export class FetchTransport implements HttpTransport {
	async request(req: HttpRequest): Promise<HttpResponse> {
		const controller = new AbortController();
		let timedOut = false;
		const onAbort = () => controller.abort();
		if (req.signal?.aborted) throw abortError();
		req.signal?.addEventListener('abort', onAbort, { once: true });
		const timer = setTimeout(() => {
			timedOut = true;
			controller.abort();
		}, req.timeoutMs);
		const cleanup = () => {
			clearTimeout(timer);
			req.signal?.removeEventListener('abort', onAbort);
		};
		try {
			const res = await fetch(req.url, {
				method: req.method,
				headers: req.headers,
				body: req.body as BodyInit | undefined,
				redirect: 'manual',
				signal: controller.signal,
			});
			const headers: Record<string, string | string[] | undefined> = {};
			res.headers.forEach((value, name) => {
				if (name !== 'set-cookie') headers[name] = value;
			});
			headers['set-cookie'] = res.headers.getSetCookie();
			if (req.responseType === 'text') {
				const text = await res.text();
				cleanup();
				return { status: res.status, headers, text };
			}
			// The timeout covers the wait for headers; a long download may take longer.
			clearTimeout(timer);
			const body = res.body;
			const stream = (async function* () {
				try {
					if (!body) return;
					for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
				} finally {
					cleanup();
				}
			})();
			return {
				status: res.status,
				headers,
				stream,
				cancel: () => {
					cleanup();
					controller.abort();
				},
			};
		} catch (err) {
			cleanup();
			if (req.signal?.aborted) throw abortError();
			if (timedOut) throw new NetworkError(`No answer within ${req.timeoutMs} ms.`);
			const cause = (err as { cause?: { code?: string; message?: string } }).cause;
			throw new NetworkError(`Connection failed${cause?.code ? ` (${cause.code})` : ''}.`);
		}
	}
}
