/* eslint-disable @n8n/community-nodes/no-restricted-globals -- sandbox code runs under plain Node, outside n8n */
/**
 * Per-endpoint fault queue (`sim.fault(endpoint, fault, times)`), consulted
 * before the normal rules. `slow` delays the real answer; `malformed` cuts
 * the real JSON answer in half; the others answer (or drop) at once.
 */

import type { FaultKind, IlinkEndpoint } from './api';
import type { Exchange } from './exchange';

export const ENDPOINTS: readonly IlinkEndpoint[] = [
	'get_bot_qrcode',
	'get_qrcode_status',
	'getupdates',
	'sendmessage',
	'getconfig',
	'sendtyping',
	'notifystart',
	'notifystop',
	'getuploadurl',
	'cdn_upload',
	'cdn_download',
];

export class FaultQueue {
	private readonly queues = new Map<IlinkEndpoint, Array<{ fault: FaultKind; left: number }>>();

	add(endpoint: IlinkEndpoint, fault: FaultKind, times = 1): void {
		if (!ENDPOINTS.includes(endpoint)) throw new Error(`Unknown endpoint "${endpoint}"`);
		if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
		const q = this.queues.get(endpoint) ?? [];
		q.push({ fault, left: times });
		this.queues.set(endpoint, q);
	}

	take(endpoint: IlinkEndpoint): FaultKind | undefined {
		const q = this.queues.get(endpoint);
		const head = q?.[0];
		if (!q || !head) return undefined;
		if (--head.left <= 0) q.shift();
		return head.fault;
	}

	clear(): void {
		this.queues.clear();
	}
}

/**
 * Applies a fault. Resolves true when the request is dealt with, false when
 * the normal handling must continue (after a delay, or with a mangled answer).
 */
export async function applyFault(ex: Exchange, fault: FaultKind, hung: Set<Exchange>): Promise<boolean> {
	ex.record.fault = fault.kind;
	switch (fault.kind) {
		case 'status':
			ex.send(fault.status, { 'Content-Type': 'text/plain' }, `sim fault: status ${fault.status}`);
			return true;
		case 'drop':
			ex.destroy();
			return true;
		case 'hang':
			hung.add(ex);
			ex.onClose(() => hung.delete(ex));
			return true;
		case 'slow':
			await new Promise((resolve) => setTimeout(resolve, fault.ms));
			return !ex.open;
		case 'malformed':
			ex.mangle = true;
			return false;
		case 'errcode':
			ex.json({ errcode: fault.errcode, errmsg: fault.errmsg ?? '' });
			return true;
		case 'ret':
			ex.json({ ret: fault.ret, errmsg: fault.errmsg ?? '' });
			return true;
	}
}
