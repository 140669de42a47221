/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test and sandbox code runs under plain Node, outside n8n */
/**
 * The HTTP front: classifies each request into an endpoint, records it, applies
 * queued faults, checks the logical host (CONTRACT "Addressing") and dispatches.
 * Nothing a client sends can crash it: unexpected errors become a 500 answer.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Endpoint, RecordedRequest, SimTraffic } from './api';
import type { SimContext } from './context';
import { control } from './control';
import { getIcon, getMedia, getMsgImg, getVideo, getVoice } from './downloads';
import { Exchange } from './exchange';
import { applyFault } from './faults';
import { jslogin, loginPoll, newLoginPage, pushLoginUrl, qrcode } from './login';
import { boundaryOf, parseMultipart } from './multipart';
import { stateSummary } from './operations';
import { PAGE_HTML } from './page';
import { revoke, send } from './send';
import { batchGetContact, getContact, logout, opLog, statusNotify, webwxinit } from './session-endpoints';
import { synccheck, webwxsync } from './sync';
import { checkUpload, uploadMedia } from './upload';
import { CGI } from './util';

type Handler = (ctx: SimContext, ex: Exchange) => void;

const HANDLERS: Record<Endpoint, Handler> = {
	jslogin,
	login: loginPoll,
	webwxnewloginpage: newLoginPage,
	webwxpushloginurl: pushLoginUrl,
	webwxinit,
	webwxstatusnotify: statusNotify,
	webwxgetcontact: getContact,
	webwxbatchgetcontact: batchGetContact,
	synccheck,
	webwxsync,
	webwxsendmsg: (ctx, ex) => send(ctx, ex, 'webwxsendmsg'),
	webwxrevokemsg: revoke,
	webwxsendemoticon: (ctx, ex) => send(ctx, ex, 'webwxsendemoticon'),
	webwxcheckupload: checkUpload,
	webwxuploadmedia: uploadMedia,
	webwxsendmsgimg: (ctx, ex) => send(ctx, ex, 'webwxsendmsgimg'),
	webwxsendvideomsg: (ctx, ex) => send(ctx, ex, 'webwxsendvideomsg'),
	webwxsendappmsg: (ctx, ex) => send(ctx, ex, 'webwxsendappmsg'),
	webwxgetmsgimg: getMsgImg,
	webwxgetvoice: getVoice,
	webwxgetvideo: getVideo,
	webwxgetmedia: getMedia,
	webwxgeticon: getIcon,
	webwxgetheadimg: getIcon,
	webwxlogout: logout,
	webwxoplog: opLog,
	qrcode,
	page: (_ctx, ex) => ex.send(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, PAGE_HTML),
};

/**
 * The official host table (protocol.md §2.1), kept here on purpose instead of
 * importing the client's copy: a bug there must not be mirrored by the server.
 */
export function companionHosts(mainHost: string): { main: string; login: string; file: string; push: string } {
	const main = mainHost.toLowerCase();
	const pick = (label: string, suffix: string) => ({ main, login: `login.${label}.${suffix}`, file: `file.${label}.${suffix}`, push: `webpush.${label}.${suffix}` });
	if (main.includes('wx2.qq.com')) return pick('wx2', 'qq.com');
	if (main.includes('wx8.qq.com')) return pick('wx8', 'qq.com');
	if (main.includes('qq.com')) return pick('wx', 'qq.com');
	if (main.includes('web2.wechat.com')) return pick('web2', 'wechat.com');
	if (main.includes('wechat.com')) return pick('web', 'wechat.com');
	return { main, login: 'login.weixin.qq.com', file: 'file.wx.qq.com', push: 'webpush.weixin.qq.com' };
}

/** Every login host of the official table (any is accepted before login). */
const LOGIN_HOSTS = ['login.weixin.qq.com', 'login.wx.qq.com', 'login.wx2.qq.com', 'login.wx8.qq.com', 'login.web.wechat.com', 'login.web2.wechat.com'];

export function endpointOf(path: string): Endpoint | 'control' | 'unknown' {
	if (path === '/__sim' || path === '/__sim/' || path === '/__sim/index.html') return 'page';
	if (path.startsWith('/__sim/api/')) return 'control';
	if (path.startsWith('/qrcode/')) return 'qrcode';
	if (path === '/jslogin') return 'jslogin';
	if (path.startsWith(CGI)) {
		const name = path.slice(CGI.length);
		if (name !== 'jslogin' && name !== 'qrcode' && name !== 'page' && name in HANDLERS) return name as Endpoint;
	}
	return 'unknown';
}

/** Is `host` the right logical host for this endpoint (protocol.md §2.1)? */
function hostOk(ctx: SimContext, endpoint: Endpoint, host: string): boolean {
	const hosts = companionHosts(ctx.account.mainHost);
	switch (endpoint) {
		case 'jslogin':
		case 'login':
		case 'qrcode':
			return LOGIN_HOSTS.includes(host) || host === hosts.login;
		case 'synccheck':
			return host === hosts.push;
		case 'webwxuploadmedia':
		case 'webwxgetmedia':
			return host === hosts.file;
		case 'page':
			return true;
		default:
			return host === hosts.main;
	}
}

/** Body limits: upload chunks are 512 KiB; an unchunked big file still gets a Ret, up to this size. */
function bodyLimit(endpoint: string): number {
	return endpoint === 'webwxuploadmedia' ? 48 * 1024 * 1024 : 4 * 1024 * 1024;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) over = true;
			else chunks.push(c);
		});
		req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
		req.on('error', () => resolve(null));
		req.on('aborted', () => resolve(null));
	});
}

/** What `requests` shows as the body: JSON, multipart fields (file summarized) or text. */
function recordedBody(ex: Exchange): unknown {
	if (ex.body.length === 0) return undefined;
	const boundary = boundaryOf(ex.header('content-type'));
	if (boundary) {
		const parts = parseMultipart(ex.body, boundary);
		if (!parts) return ex.body.subarray(0, 4096).toString('utf8');
		const out: Record<string, unknown> = {};
		for (const p of parts) out[p.name] = p.filename !== undefined ? { filename: p.filename, contentType: p.contentType, size: p.data.length } : p.data.toString('utf8');
		return out;
	}
	const json = ex.jsonBody();
	if (json !== undefined) return json;
	return ex.body.subarray(0, 65536).toString('utf8');
}

async function handle(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const record: RecordedRequest = {
		endpoint: 'unknown',
		method: req.method ?? 'GET',
		host: '',
		path: '',
		query: {},
		headers: { ...req.headers },
		startedAt: Date.now(),
	};
	const ex = new Exchange(req, res, record, () => ctx.live.delete(record));
	const endpoint = endpointOf(ex.path);
	ex.endpoint = endpoint;
	Object.assign(record, { endpoint, path: ex.path, query: ex.query, host: ex.logicalHost ?? req.headers.host ?? '' });
	ctx.live.add(record);
	if (ctx.opts.recordRequests) ctx.requests.push(record);

	const body = await readBody(req, bodyLimit(endpoint));
	if (body === null) {
		res.setHeader('Connection', 'close');
		return ex.send(413, { 'Content-Type': 'text/plain' }, 'body too large or aborted');
	}
	ex.body = body;
	record.body = recordedBody(ex);

	if (endpoint === 'control' && record.method === 'GET' && ex.path.replace(/\/+$/, '') === '/__sim/api/state') {
		return ex.send(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, JSON.stringify({ ...stateSummary(ctx), traffic: trafficOf(ctx) }));
	}
	if (endpoint === 'control') return control(ctx, ex);
	if (endpoint === 'unknown') return ex.notFound(`no endpoint at ${ex.path}`);
	const fault = ctx.faults.take(endpoint);
	if (fault && applyFault(ex, endpoint, fault, ctx.hung)) return;
	const host = ex.logicalHost ?? ctx.account.mainHost;
	if (!hostOk(ctx, endpoint, host)) {
		// WR commit cb72f23: synccheck on the wrong host answers 1102.
		if (endpoint === 'synccheck') return ex.js('window.synccheck={retcode:"1102",selector:"0"}');
		return ex.notFound(`${endpoint} is not served on ${host}`);
	}
	try {
		HANDLERS[endpoint](ctx, ex);
	} catch (err) {
		if (ex.open) ex.send(500, { 'Content-Type': 'text/plain' }, `simulator error: ${err instanceof Error ? err.message : String(err)}`);
	}
}

/** TCP connections the server accepted and HTTP requests it received, per simulator (connection reuse). */
const traffic = new WeakMap<SimContext, SimTraffic>();

export function trafficOf(ctx: SimContext): SimTraffic {
	return { ...(traffic.get(ctx) ?? { connections: 0, requests: 0 }) };
}

export function createSimServer(ctx: SimContext): Server {
	const counts: SimTraffic = { connections: 0, requests: 0 };
	traffic.set(ctx, counts);
	const server = createServer((req, res) => {
		counts.requests++;
		handle(ctx, req, res).catch((err: unknown) => {
			const msg = err instanceof Error ? err.message : String(err);
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'Content-Type': 'text/plain' });
				res.end(`simulator error: ${msg}`);
			}
		});
	});
	server.on('connection', () => counts.connections++);
	return server;
}
