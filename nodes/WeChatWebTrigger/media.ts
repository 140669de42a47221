/**
 * "Download media": a message's image/voice/video/file streamed into n8n's
 * binary storage. Too large or unavailable media never fails the batch: the
 * item goes out without binary data and says why in `mediaError`.
 */
import type { IBinaryData, ITriggerFunctions } from 'n8n-workflow';
import type { MediaStream, WeChatClient, WeChatMessage } from '../../lib/wechat';
import { capped, isAbort, MediaTooLargeError } from '../../lib/wechat';
import { binaryStream, megabytes } from '../shared/binary';

export interface MediaResult {
	binary?: IBinaryData;
	error?: string;
	/** Set when the download was cut short because the trigger is closing. */
	aborted?: boolean;
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
		// The client refuses a larger announced size at once and stops reading past the cap.
		media = await client.download(ref, { signal, maxBytes });
	} catch (err) {
		if (isAbort(err, signal)) return { aborted: true };
		if (err instanceof MediaTooLargeError) return { error: tooLarge(err.size) };
		return { error: (err as Error).message };
	}
	try {
		// The client caps already; capping here too keeps the limit whatever client is passed in.
		const stream = binaryStream(capped(media.stream, maxBytes, () => media.cancel()), () => media.cancel());
		const binary = await ctx.helpers.prepareBinaryData(stream, media.fileName, media.mimeType);
		return { binary };
	} catch (err) {
		media.cancel();
		if (isAbort(err, signal)) return { aborted: true };
		if (err instanceof MediaTooLargeError) return { error: tooLarge(err.size) };
		return { error: `The ${ref.kind} could not be downloaded: ${(err as Error).message}` };
	}
}
