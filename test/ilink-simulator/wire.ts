/**
 * Raw-fetch helpers for the iLink simulator tests: the official client's
 * headers and bodies written out by hand (no client library).
 */

import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { startIlinkSimulator, type IlinkSimulator, type IlinkSimulatorOptions } from '../../sandbox/ilink-simulator';
import { registerSecretSource } from '../helpers/secret-scan';

export const BASE_INFO = { channel_version: '2.4.9', bot_agent: 'OpenClaw' };

export function uinHeader(n = randomBytes(4).readUInt32BE(0)): string {
	return Buffer.from(String(n), 'utf8').toString('base64');
}

export function postHeaders(token?: string): Record<string, string> {
	const h: Record<string, string> = {
		'Content-Type': 'application/json',
		AuthorizationType: 'ilink_bot_token',
		'X-WECHAT-UIN': uinHeader(),
		'iLink-App-Id': 'bot',
		'iLink-App-ClientVersion': '132105',
	};
	if (token) h.Authorization = `Bearer ${token}`;
	return h;
}

export interface Answer {
	status: number;
	text: string;
	json: Record<string, unknown>;
	headers: Headers;
}

async function answerOf(res: Response): Promise<Answer> {
	const text = await res.text();
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(text) as Record<string, unknown>;
	} catch {
		// not JSON (CDN, 4xx text)
	}
	return { status: res.status, text, json, headers: res.headers };
}

export class Wire {
	token?: string;
	constructor(readonly sim: IlinkSimulator) {}

	async post(endpoint: string, body: Record<string, unknown>, headers?: Record<string, string | undefined>): Promise<Answer> {
		const h: Record<string, string> = { ...postHeaders(this.token) };
		for (const [k, v] of Object.entries(headers ?? {})) {
			if (v === undefined) delete h[k];
			else h[k] = v;
		}
		const res = await fetch(`${this.sim.apiBase}/ilink/bot/${endpoint}`, { method: 'POST', headers: h, body: JSON.stringify(body) });
		return answerOf(res);
	}

	/** A bot call: the body plus base_info, as every official bot POST. */
	call(endpoint: string, body: Record<string, unknown> = {}, headers?: Record<string, string | undefined>): Promise<Answer> {
		return this.post(endpoint, { ...body, base_info: BASE_INFO }, headers);
	}

	async qrStatus(qrcode: string, verifyCode?: string): Promise<Answer> {
		let url = `${this.sim.apiBase}/ilink/bot/get_qrcode_status?qrcode=${encodeURIComponent(qrcode)}`;
		if (verifyCode) url += `&verify_code=${encodeURIComponent(verifyCode)}`;
		return answerOf(await fetch(url, { headers: { 'iLink-App-Id': 'bot', 'iLink-App-ClientVersion': '132105' } }));
	}

	async raw(path: string, init?: RequestInit): Promise<Answer> {
		return answerOf(await fetch(`${this.sim.origin}${path}`, init));
	}

	/** A bound bot whose token this wire uses. */
	bind(): string {
		this.token = this.sim.bind().botToken;
		return this.token;
	}
}

export async function startSim(options: IlinkSimulatorOptions = {}): Promise<{ sim: IlinkSimulator; wire: Wire }> {
	const sim = await startIlinkSimulator({ updatesHoldMs: 200, qrHoldMs: 200, ...options });
	registerSecretSource(() => sim.issuedSecrets());
	return { sim, wire: new Wire(sim) };
}

export function encryptEcb(plain: Buffer, key: Buffer): Buffer {
	const c = createCipheriv('aes-128-ecb', key, null);
	return Buffer.concat([c.update(plain), c.final()]);
}

export function md5(b: Buffer): string {
	return createHash('md5').update(b).digest('hex');
}

/** The uint64 fields re-quoted, like the official client's parser (so ids keep their digits). */
export function parseLossless(text: string): Record<string, unknown> {
	return JSON.parse(text.replace(/"(message_id|msg_id|svr_id)":(\d+)/g, '"$1":"$2"')) as Record<string, unknown>;
}
