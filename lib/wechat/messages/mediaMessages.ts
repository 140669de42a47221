/**
 * Image (3), voice (34), video (43/44), micro video (62) and sticker (47)
 * messages. The few attributes needed are read from the escaped Content with
 * precompiled patterns; no XML parse on these frequent types.
 */
import { decodeXmlEntities } from '../xml';
import { contentAttr, mediaReference, toSize } from './media';
import { num, positive, put, type ParseInput, type Parsed } from './parsed';

function dimensions(input: ParseInput, details: Record<string, unknown>): void {
	put(details, 'width', positive(input.raw.ImgWidth));
	put(details, 'height', positive(input.raw.ImgHeight));
}

export function parseImage(input: ParseInput): Parsed {
	const details: Record<string, unknown> = {};
	dimensions(input, details);
	const size = toSize(contentAttr(input.body, 'length'));
	put(details, 'hdSize', toSize(contentAttr(input.body, 'hdlength')));
	return { type: 'image', text: '', details, media: mediaReference('image', input.raw, input.id, { size }) };
}

export function parseVoice(input: ParseInput): Parsed {
	const details: Record<string, unknown> = {};
	put(details, 'durationMs', positive(input.raw.VoiceLength));
	const size = toSize(contentAttr(input.body, 'length'));
	return { type: 'voice', text: '', details, media: mediaReference('voice', input.raw, input.id, { size }) };
}

export function parseVideo(input: ParseInput): Parsed {
	const details: Record<string, unknown> = {};
	put(details, 'durationSeconds', positive(input.raw.PlayLength));
	dimensions(input, details);
	const size = toSize(contentAttr(input.body, 'length'));
	const type = input.msgType === 62 ? 'microvideo' : 'video';
	return { type, text: '', details, media: mediaReference('video', input.raw, input.id, { size }) };
}

export function parseEmoticon(input: ParseInput): Parsed {
	const { body, raw } = input;
	const details: Record<string, unknown> = {};
	// W4: md5 <spaces> = <spaces> "value".
	put(details, 'md5', contentAttr(body, 'md5'));
	const productId = contentAttr(body, 'productid');
	put(details, 'productId', productId);
	// Attribute values were escaped twice (XML inside escaped Content).
	put(details, 'cdnUrl', decodeXmlEntities(decodeXmlEntities(contentAttr(body, 'cdnurl'))));
	const size = toSize(contentAttr(body, 'len'));
	// HasProductId = a store sticker (OFF cannot show it).
	details.isStoreSticker = num(raw.HasProductId) === 1 || productId !== '';
	return { type: 'emoticon', text: '', details, media: mediaReference('emoticon', raw, input.id, { size }) };
}
