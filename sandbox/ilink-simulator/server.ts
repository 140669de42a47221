/* eslint-disable @n8n/community-nodes/no-restricted-imports -- sandbox code runs under plain Node, outside n8n */
/**
 * The HTTP front: maps a path to an endpoint, records the request, applies
 * queued faults and dispatches. Nothing a client sends can crash it: an
 * unexpected error becomes a 500.
 */

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { IlinkEndpoint, RecordedRequest } from './api';
import { getConfig, notify, sendTyping } from './config';
import { control } from './control';
import { Exchange } from './exchange';
import { applyFault } from './faults';
import { getBotQrcode, getQrcodeStatus } from './login';
import { cdnDownload, cdnUpload, getUploadUrl } from './media';
import { sendMessage } from './send';
import type { SimState } from './state';
import { getUpdates } from './updates';

type Handler = (state: SimState, ex: Exchange) => void;

const HANDLERS: Record<IlinkEndpoint, Handler> = {
	get_bot_qrcode: getBotQrcode,
	get_qrcode_status: getQrcodeStatus,
	getupdates: getUpdates,
	sendmessage: sendMessage,
	getconfig: getConfig,
	sendtyping: sendTyping,
	notifystart: (s, ex) => notify(s, ex, true),
	notifystop: (s, ex) => notify(s, ex, false),
	getuploadurl: getUploadUrl,
	cdn_upload: cdnUpload,
	cdn_download: cdnDownload,
};

const PATHS: Record<string, IlinkEndpoint> = {
	'/ilink/bot/get_bot_qrcode': 'get_bot_qrcode',
	'/ilink/bot/get_qrcode_status': 'get_qrcode_status',
	'/ilink/bot/getupdates': 'getupdates',
	'/ilink/bot/sendmessage': 'sendmessage',
	'/ilink/bot/getconfig': 'getconfig',
	'/ilink/bot/sendtyping': 'sendtyping',
	'/ilink/bot/msg/notifystart': 'notifystart',
	'/ilink/bot/msg/notifystop': 'notifystop',
	'/ilink/bot/getuploadurl': 'getuploadurl',
	'/c2c/upload': 'cdn_upload',
	'/c2c/download': 'cdn_download',
};

function endpointOf(path: string): IlinkEndpoint | 'control' | 'unknown' {
	if (path.startsWith('/__sim/')) return 'control';
	return PATHS[path] ?? 'unknown';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size <= limit) chunks.push(c);
		});
		req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
		req.on('error', () => resolve(null));
	});
}

function recordedBody(ex: Exchange, endpoint: string): unknown {
	if (ex.body.length === 0) return undefined;
	if (endpoint === 'cdn_upload') return { bytes: ex.body.length };
	return ex.jsonBody() ?? ex.body.subarray(0, 65536).toString('utf8');
}

async function handle(state: SimState, ex: Exchange): Promise<void> {
	const endpoint = endpointOf(ex.path);
	const rec = ex.record;
	Object.assign(rec, { endpoint, path: ex.path, query: ex.query });
	if (state.recording && endpoint !== 'control') state.requests.push(rec);
	const body = await readBody(ex.req, endpoint === 'cdn_upload' ? 110 * 1024 * 1024 : 4 * 1024 * 1024);
	if (body === null) return void ex.send(413, { 'Content-Type': 'text/plain', Connection: 'close' }, 'body too large');
	ex.body = body;
	rec.body = recordedBody(ex, endpoint);
	if (endpoint === 'control') return control(state, ex);
	if (endpoint === 'unknown') return void ex.send(404, { 'Content-Type': 'text/plain' }, 'Not Found');
	const fault = state.faults.take(endpoint);
	if (fault && (await applyFault(ex, fault, state.hung))) return;
	HANDLERS[endpoint](state, ex);
}

export function createIlinkServer(state: SimState): Server {
	return createServer((req, res) => {
		const record: RecordedRequest = { endpoint: 'unknown', method: req.method ?? 'GET', path: '', query: {}, headers: { ...req.headers }, at: state.now(), warnings: [] };
		const ex = new Exchange(req, res, record);
		handle(state, ex).catch((err: unknown) => {
			ex.send(500, { 'Content-Type': 'text/plain' }, `simulator error: ${err instanceof Error ? err.message : String(err)}`);
		});
	});
}
