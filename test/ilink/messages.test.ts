import { normalizeMessage, publicMessage } from '../../lib/ilink';
import type { WeixinMessage } from '../../lib/ilink';
import { BOT, CTX, OWNER } from './helpers';

const base = (items: unknown[], extra: Partial<WeixinMessage> = {}): WeixinMessage => ({
	seq: 3,
	message_id: '7301234567890123456',
	from_user_id: OWNER,
	to_user_id: BOT,
	create_time_ms: 1765100000123,
	message_type: 1,
	message_state: 2,
	context_token: CTX,
	item_list: items as WeixinMessage['item_list'],
	...extra,
});
const KEY16 = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
const HEX = KEY16.toString('hex');
const MEDIA = { encrypt_query_param: 'eqp', aes_key: KEY16.toString('base64'), encrypt_type: 1 };

describe('WeixinMessage → route-neutral message (ilink-protocol.md §4)', () => {
	test('text: id, text, chat and sender, timestamp, context token, raw kept', () => {
		const raw = base([{ type: 1, text_item: { text: 'hello' } }]);
		const m = normalizeMessage(raw);
		expect(m).toMatchObject({
			route: 'ilink',
			id: '7301234567890123456',
			type: 'text',
			text: 'hello',
			chat: { id: OWNER, kind: 'user', name: '' },
			sender: { id: OWNER, name: '' },
			isGroup: false,
			fromMe: false,
			mentions: [],
			mentionsMe: false,
			timestamp: 1765100000,
			timestampMs: 1765100000123,
			contextToken: CTX,
		});
		expect(m.raw).toBe(raw);
		expect(m.media).toBeUndefined();
	});

	test('voice: the transcript is the text; the SILK reference is kept', () => {
		const m = normalizeMessage(base([{ type: 3, voice_item: { media: MEDIA, encode_type: 6, playtime: 2300, text: '你好' } }]));
		expect(m).toMatchObject({ type: 'voice', text: '你好', media: { kind: 'voice', encodeType: 6, durationMs: 2300, mimeType: 'audio/silk', aesKey: MEDIA.aes_key, encryptQueryParam: 'eqp' } });
	});

	test('image: hex aeskey preferred; size from hd/mid size', () => {
		const m = normalizeMessage(base([{ type: 2, image_item: { media: { ...MEDIA, full_url: 'https://novac2c.cdn.weixin.qq.com/c2c/download?x=1' }, aeskey: HEX, mid_size: 1234 } }]));
		expect(m.type).toBe('image');
		expect(m.media).toEqual({
			route: 'ilink',
			kind: 'image',
			msgId: '7301234567890123456',
			encryptQueryParam: 'eqp',
			aesKey: MEDIA.aes_key,
			aesKeyHex: HEX,
			fullUrl: 'https://novac2c.cdn.weixin.qq.com/c2c/download?x=1',
			size: 1234,
			mimeType: 'image/jpeg',
		});
	});

	test('file: name and the string len as size; video: size and play length', () => {
		expect(normalizeMessage(base([{ type: 4, file_item: { media: MEDIA, file_name: 'a.pdf', len: '12345' } }])).media).toMatchObject({ kind: 'file', fileName: 'a.pdf', size: 12345 });
		expect(normalizeMessage(base([{ type: 5, video_item: { media: MEDIA, video_size: 999, play_length: 7 } }])).media).toMatchObject({ kind: 'video', size: 999, durationMs: 7, mimeType: 'video/mp4' });
	});

	test('several media: image > video > file > voice; texts joined', () => {
		const m = normalizeMessage(base([
			{ type: 3, voice_item: { media: MEDIA } },
			{ type: 4, file_item: { media: MEDIA, file_name: 'f' } },
			{ type: 1, text_item: { text: 'caption' } },
			{ type: 5, video_item: { media: MEDIA } },
		]));
		expect(m.type).toBe('video');
		expect(m.text).toBe('caption');
	});

	test('quote: svr_id as id (else the quoted msg_id), title, text and media of the quoted item', () => {
		const m = normalizeMessage(base([{ type: 1, text_item: { text: 'this one' }, ref_msg: { title: 'summary', svr_id: '7301234567890123999', message_item: { type: 2, msg_id: '5', image_item: { media: MEDIA } } } }]));
		expect(m.quoted).toMatchObject({ id: '7301234567890123999', title: 'summary', type: 'image', media: { kind: 'image', msgId: '7301234567890123999' } });
		const idOnly = normalizeMessage(base([{ type: 1, text_item: { text: 'x' }, ref_msg: { message_item: { type: 1, msg_id: 77, text_item: { text: 'quoted' } } } }]));
		expect(idOnly.quoted).toEqual({ id: '77', type: 'text', text: 'quoted' });
	});

	test("the bot's own message: fromMe, the chat is the recipient", () => {
		const m = normalizeMessage(base([{ type: 1, text_item: { text: 'reply' } }], { message_type: 2, from_user_id: BOT, to_user_id: OWNER }));
		expect(m).toMatchObject({ fromMe: true, chat: { id: OWNER }, sender: { id: BOT } });
	});

	test('hostile or partial input never throws: no items, junk items, tool items, missing ids', () => {
		expect(normalizeMessage({} as WeixinMessage)).toMatchObject({ type: 'unknown', text: '', id: ':' });
		const junk = normalizeMessage(base([null, 5, { type: 11 }, { type: 2, image_item: {} }], { message_id: undefined, client_id: 'c1' }));
		expect(junk).toMatchObject({ type: 'image', id: 'c1' });
		expect(junk.media).toBeUndefined();
	});
});

describe('publicMessage: what output may show', () => {
	it('drops the conversation context token from the message and from raw, and keeps everything else', () => {
		const m = normalizeMessage(base([{ type: 1, text_item: { text: 'hi' } }]));
		expect(m.contextToken).toBe(CTX);
		const shown = publicMessage(m);
		expect(JSON.stringify(shown)).not.toContain(CTX);
		expect(shown).toMatchObject({ id: m.id, text: 'hi', route: 'ilink' });
		expect(shown.raw.from_user_id).toBe(m.raw.from_user_id);
		// The normalized message itself is untouched (the budget still needs the token).
		expect(m.raw.context_token).toBe(CTX);
	});
});
