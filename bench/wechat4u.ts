/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * wechat4u 0.7.14 as a contender. It builds `https://<host>/…` URLs from its CONF;
 * we point every one at a loopback proxy (`http://127.0.0.1:<port>/<host>/…`) that
 * forwards to the simulator with the logical host in `x-wechat-host`, so the
 * simulator stays as strict with wechat4u as with our client. wechat4u starts from
 * a session our client logged in (tokens and cookies), via its `botData` restore.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from '../lib/wechat/session';
import type { Delivered, StartReceiver } from './receivers';

interface Wechat4u {
	CONF: Record<string, unknown>;
	on(event: string, fn: (arg: never) => void): void;
	restart(): Promise<void>;
	stop(): void;
	state: string;
}
type Wechat4uCtor = new (data?: unknown) => Wechat4u;

/** Loopback proxy: `/<host>/path?query` → simulator `path?query` with `x-wechat-host: <host>`. */
export async function startHostProxy(simOrigin: string): Promise<{ origin: string; close: () => Promise<void> }> {
	const target = new URL(simOrigin);
	const server: Server = createServer((req, res) => {
		const m = /^\/([^/]+)(\/.*)$/.exec(req.url ?? '');
		if (!m) {
			res.writeHead(400).end('no host segment');
			return;
		}
		const headers = { ...req.headers, host: target.host, 'x-wechat-host': m[1] };
		const up = request({ hostname: target.hostname, port: target.port, method: req.method, path: m[2], headers }, (upRes) => {
			res.writeHead(upRes.statusCode ?? 502, upRes.headers);
			upRes.pipe(res);
		});
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

/** wechat4u's state from our session: tokens, data ticket and cookies; CONF URLs through the proxy. */
function botData(sessionJson: string, proxyOrigin: string, conf: Record<string, unknown>): unknown {
	const s = Session.fromJSON(sessionJson);
	const cookies: Record<string, string> = {};
	for (const c of s.jar.getCookiesSync(`https://${s.hosts.main}/`)) cookies[c.key] = c.value;
	const CONF: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(conf)) {
		if (typeof v === 'string' && /^https:\/\//.test(v) && (k.startsWith('API_') || k === 'origin' || k === 'baseUri')) CONF[k] = v.replace(/^https:\/\//, `${proxyOrigin}/`);
	}
	return {
		PROP: { uin: s.tokens.uin, sid: s.tokens.sid, skey: s.tokens.skey, passTicket: s.tokens.passTicket, webwxDataTicket: cookies.webwx_data_ticket ?? '' },
		CONF,
		COOKIE: cookies,
		user: s.user ?? {},
	};
}

export function wechat4uReceiver(proxyOrigin: string, mainHost: string): StartReceiver {
	const Wechat = require('wechat4u') as Wechat4uCtor;
	return async (_origin, sessionJson, onMessages) => {
		// CONF for the session's main host, as wechat4u derives it after a login redirect.
		const template = new Wechat().CONF;
		const getCONF = (require('wechat4u/lib/util/conf') as { getCONF: (host: string) => Record<string, unknown> }).getCONF;
		const bot = new Wechat(botData(sessionJson, proxyOrigin, { ...template, ...getCONF(mainHost) }));
		bot.on('error', () => undefined);
		bot.on('message', (msg: { MsgId: string; Content?: string; OriginalContent?: string }) => {
			const d: Delivered = { id: String(msg.MsgId), text: String(msg.OriginalContent ?? msg.Content ?? '') };
			onMessages([d]);
		});
		await bot.restart();
		return {
			stop: async () => {
				bot.stop();
				await new Promise((r) => setTimeout(r, 50));
			},
		};
	};
}
