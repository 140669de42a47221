/**
 * Message → Send Text / Send Media / Send Image / Send Video / Send File on the
 * iLink route: to the owner (recipient.ts), within the send budget the client
 * keeps (a send beyond it is refused before any request). Every result carries
 * the budget after the send (budget-fields.ts).
 */
import type { IDataObject } from 'n8n-workflow';
import type { SendKind, SentMessage } from '../../../lib/ilink';
import { InvalidInputError, sendKindFor } from '../../../lib/ilink';
import { budgetFields } from './budget-fields';
import { inputFile } from '../../shared/binary';
import type { IlinkActionContext, IlinkItemOperation } from './context';
import { recipientOf } from './recipient';

function sentFields(sent: SentMessage, to: string): IDataObject {
	return {
		msgId: sent.messageId ?? null,
		clientMsgId: sent.clientId,
		toUserName: to,
		to: { id: to },
		sentAt: new Date().toISOString(),
	};
}

export const sendText: IlinkItemOperation = async (ctx, i) => {
	const client = await ctx.client();
	const to = recipientOf(ctx, client, i);
	const text = String(ctx.fn.getNodeParameter('text', i) ?? '');
	if (!text) throw new InvalidInputError('The message text is empty.', 'Enter the text to send.');
	const sent = await client.sendText(to, text, { signal: ctx.signal });
	const last = sent[sent.length - 1];
	return [{ json: { ...sentFields(last, to), type: 'text', text, parts: sent.length, ...budgetFields(client, to) } }];
};

/** The input item's binary data, named like the Web route names it. */
async function binaryFile(ctx: IlinkActionContext, i: number): Promise<{ data: Uint8Array; fileName: string; mimeType: string }> {
	const { bytes, fileName, mimeType } = await inputFile(ctx.fn, i);
	return { data: bytes, fileName, mimeType };
}

/** `kind` fixed (Send Image / Video / File) or, for Send Media, by MIME type. */
function sendBinary(kind?: SendKind): IlinkItemOperation {
	return async (ctx, i) => {
		const client = await ctx.client();
		const to = recipientOf(ctx, client, i);
		const file = await binaryFile(ctx, i);
		const sendKind = kind ?? sendKindFor(file.mimeType);
		const sent = await client.sendMedia(to, file, { kind: sendKind, signal: ctx.signal });
		return [
			{
				json: {
					...sentFields(sent, to),
					type: sent.kind,
					kind: sent.kind,
					fileName: file.fileName,
					mimeType: file.mimeType,
					fileSize: sent.size,
					...budgetFields(client, to),
				},
			},
		];
	};
}

export const sendMedia = sendBinary();
export const sendImage = sendBinary('image');
export const sendVideo = sendBinary('video');
export const sendFile = sendBinary('file');
