/**
 * Per-endpoint fault queue (`sim.fault(endpoint, kind, times)`), consulted before
 * normal handling. Most kinds answer at once; `truncated` wraps the eventual real
 * answer and `selectorSpin` is left to synccheck, which needs the session.
 */

import type { Endpoint, FaultKind } from './api';
import type { BodyKind, Exchange } from './exchange';

export const BODY_KIND: Record<Endpoint, BodyKind> = {
	jslogin: 'js',
	login: 'js',
	synccheck: 'js',
	webwxnewloginpage: 'xml',
	webwxpushloginurl: 'json',
	webwxinit: 'json',
	webwxstatusnotify: 'json',
	webwxgetcontact: 'json',
	webwxbatchgetcontact: 'json',
	webwxsync: 'json',
	webwxsendmsg: 'json',
	webwxrevokemsg: 'json',
	webwxsendemoticon: 'json',
	webwxcheckupload: 'json',
	webwxuploadmedia: 'json',
	webwxsendmsgimg: 'json',
	webwxsendvideomsg: 'json',
	webwxsendappmsg: 'json',
	webwxgetmsgimg: 'bytes',
	webwxgetvoice: 'bytes',
	webwxgetvideo: 'bytes',
	webwxgetmedia: 'bytes',
	webwxgeticon: 'bytes',
	webwxgetheadimg: 'bytes',
	webwxlogout: 'html',
	webwxoplog: 'json',
	qrcode: 'bytes',
	page: 'html',
};

export class FaultQueue {
	private readonly queues = new Map<Endpoint, Array<{ fault: FaultKind; left: number }>>();

	add(endpoint: Endpoint, fault: FaultKind, times = 1): void {
		if (!(endpoint in BODY_KIND)) throw new Error(`Unknown endpoint "${endpoint}"`);
		if ((fault.kind === 'retcode' || fault.kind === 'selectorSpin') && endpoint !== 'synccheck') {
			throw new Error(`Fault "${fault.kind}" only applies to synccheck`);
		}
		if (fault.kind === 'staleKey' && endpoint !== 'webwxsync') throw new Error('Fault "staleKey" only applies to webwxsync');
		if (fault.kind === 'ret' && BODY_KIND[endpoint] !== 'json') throw new Error(`Fault "ret" only applies to JSON endpoints, not ${endpoint}`);
		if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
		const q = this.queues.get(endpoint) ?? [];
		q.push({ fault, left: times });
		this.queues.set(endpoint, q);
	}

	/** The next fault for this endpoint, consuming one use. */
	take(endpoint: Endpoint): FaultKind | undefined {
		const q = this.queues.get(endpoint);
		if (!q || q.length === 0) return undefined;
		const head = q[0];
		head.left--;
		if (head.left <= 0) q.shift();
		return head.fault;
	}

	clear(): void {
		this.queues.clear();
	}
}

const GARBAGE = '<html><head><title>502 Bad Gateway</title></head><body>upstream sent garbage</body></html>';

/**
 * Applies a fault. Returns true when the request is dealt with (answered,
 * dropped or hung); false when normal handling must continue.
 */
export function applyFault(ex: Exchange, endpoint: Endpoint, fault: FaultKind, hung: Set<Exchange>): boolean {
	ex.record.fault = fault.kind;
	switch (fault.kind) {
		case 'status':
			ex.send(fault.status, { 'Content-Type': 'text/plain' }, `sim fault: status ${fault.status}`);
			return true;
		case 'reset':
			ex.destroy('reset');
			return true;
		case 'hang':
			hung.add(ex);
			ex.onClose(() => hung.delete(ex));
			return true;
		case 'malformed':
			if (BODY_KIND[endpoint] === 'json') ex.send(200, { 'Content-Type': 'text/plain' }, '{"BaseResponse":null,"garbage":[1,2,3]}');
			else ex.send(200, { 'Content-Type': 'text/html' }, GARBAGE);
			return true;
		case 'truncated':
			ex.bodyTransform = (b) => b.subarray(0, Math.floor(b.length / 2));
			return false;
		case 'empty':
			ex.send(200, { 'Content-Type': 'text/plain' }, '');
			return true;
		case 'retcode':
			ex.js(`window.synccheck={retcode:"${fault.retcode}",selector:"0"}`);
			return true;
		case 'ret':
			if (endpoint === 'webwxpushloginurl') ex.json({ ret: String(fault.ret), msg: 'sim fault' });
			else ex.json({ BaseResponse: { Ret: fault.ret, ErrMsg: '' } });
			return true;
		case 'selectorSpin':
		case 'staleKey':
			return false;
		case 'invalidUtf8':
			ex.bodyTransform = (b) => replaceAll(b, BAD_UTF8_MARKER, BAD_UTF8_BYTES);
			return false;
	}
}

/** Text a test puts into a message so the `invalidUtf8` fault can swap it for broken bytes. */
export const BAD_UTF8_MARKER = Buffer.from('@@BADUTF8@@');
/** A lone continuation byte, a truncated 2-byte sequence, 0xFF/0xFE, an encoded surrogate (CESU-8) and an overlong '/'. */
const BAD_UTF8_BYTES = Buffer.from([0x80, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc0, 0xaf]);

function replaceAll(body: Buffer, marker: Buffer, bytes: Buffer): Buffer {
	const parts: Buffer[] = [];
	let from = 0;
	for (let at = body.indexOf(marker); at >= 0; at = body.indexOf(marker, from)) {
		parts.push(body.subarray(from, at), bytes);
		from = at + marker.length;
	}
	parts.push(body.subarray(from));
	return Buffer.concat(parts);
}
