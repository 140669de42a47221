/** The login QR: the `/l/<uuid>` link rendered locally as PNG and as terminal text (§1.2). */
import { qrToBuffer, qrToString } from '../vendor';
import { QR_HOST } from './hosts';

export function qrLink(uuid: string): string {
	return `https://${QR_HOST}/l/${uuid}`;
}

export async function qrPng(text: string): Promise<Buffer> {
	return qrToBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
}

/** Compact terminal rendering (two modules per character row). */
export async function qrTerminal(text: string): Promise<string> {
	return qrToString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}
