/**
 * "Download media": a message's image/voice/video/file streamed into n8n's
 * binary storage. Too large or unavailable media never fails the batch: the
 * item goes out without binary data and says why in `mediaError`.
 */
import type { IBinaryData, ITriggerFunctions } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat/client';
import { isAbort } from '../../lib/wechat/errors';
import type { MediaStream } from '../../lib/wechat/media';
import type { WeChatMessage } from '../../lib/wechat/types';
import { binaryStream } from '../shared/binary';

export interface MediaResult {
	binary?: IBinaryData;
	error?: string;
	/** Set when the download was cut short because the trigger is closing. */
	aborted?: boolean;
}

function megabytes(bytes: number): string {
	return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

class TooLarge extends Error {}

/** Passes bytes through until more than `maxBytes` arrived, then stops with TooLarge. */
async function* capped(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
	let total = 0;
	for await (const chunk of source) {
		total += chunk.byteLength;
		if (total > maxBytes) throw new TooLarge();
		yield chunk;
	}
}

export async function downloadMessageMedia(
	ctx: ITriggerFunctions,
	client: WeChatClient,
	message: WeChatMessage,
	maxBytes: number,
	signal: AbortSignal,
): Promise<MediaResult> {
	const ref = message.media;
	if (!ref) return {};
	const tooLarge = (size?: number) =>
		`The ${ref.kind} is ${size !== undefined ? megabytes(size) : 'larger than the limit'}, more than the ${megabytes(maxBytes)} limit ("Max Media Size"); it was not downloaded.`;
	if (ref.size !== undefined && ref.size > maxBytes) return { error: tooLarge(ref.size) };
	let media: MediaStream;
	try {
		media = await client.download(ref, { signal });
	} catch (err) {
		if (isAbort(err, signal)) return { aborted: true };
		return { error: (err as Error).message };
	}
	if (media.size !== undefined && media.size > maxBytes) {
		media.cancel();
		return { error: tooLarge(media.size) };
	}
	try {
		const stream = binaryStream(capped(media.stream, maxBytes), () => media.cancel());
		const binary = await ctx.helpers.prepareBinaryData(stream, media.fileName, media.mimeType);
		return { binary };
	} catch (err) {
		media.cancel();
		if (isAbort(err, signal)) return { aborted: true };
		if (err instanceof TooLarge) return { error: tooLarge() };
		return { error: `The ${ref.kind} could not be downloaded: ${(err as Error).message}` };
	}
}
