/** The operations the iLink route has, by resource and operation (names as on the Web route). */
import type { IlinkItemOperation } from './context';
import { download } from './download';
import { sendFile, sendImage, sendMedia, sendText, sendVideo } from './send';
import { getStatus, logout } from './session';
import { sendTyping } from './typing';

export const ILINK_OPERATIONS: Record<string, Record<string, IlinkItemOperation>> = {
	message: { sendText, sendMedia, sendImage, sendVideo, sendFile, sendTyping },
	media: { download },
	session: { getStatus, logout },
};

/** Operations that spend the send budget (the credential must learn what they counted). */
export const SENDS = new Set(['sendText', 'sendMedia', 'sendImage', 'sendVideo', 'sendFile']);

export function ilinkOperation(resource: string, operation: string): IlinkItemOperation | undefined {
	const ops = ILINK_OPERATIONS[resource];
	return ops && Object.prototype.hasOwnProperty.call(ops, operation) ? ops[operation] : undefined;
}
