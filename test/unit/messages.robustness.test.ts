/**
 * normalizeMessage on hostile, huge or incomplete payloads: never throws,
 * never pollutes, stays linear.
 */
import { normalizeMessage } from '../../lib/wechat/messages';
import type { RawAddMsg } from '../../lib/wechat/types';
import * as P from './fixtures/messages/payloads';
import { ALICE, BOB, GROUP, makeContext, rawMsg } from './fixtures/messages/world';

const ctx = makeContext();

afterEach(() => {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('missing and odd fields', () => {
	test.each([
		['empty object', {}],
		['only MsgType', { MsgType: 1 }],
		['null Content', { MsgType: 1, Content: null }],
		['numeric Content', { MsgType: 1, Content: 42 }],
		['MsgType as string', { MsgType: '49', Content: P.LINK_CONTENT }],
		['null RecommendInfo on 37', { MsgType: 37, RecommendInfo: null, Content: '' }],
		['RecommendInfo a string on 42', { MsgType: 42, RecommendInfo: 'x', Content: P.CARD_CONTENT }],
		['AppInfo null on 49', { MsgType: 49, AppMsgType: 5, AppInfo: null, Content: P.LINK_CONTENT }],
		['no Content on 49/6', { MsgType: 49, AppMsgType: 6, FileName: 'a.pdf', FileSize: '10' }],
		['no Content on 10002', { MsgType: 10002 }],
		['no Content on 10000', { MsgType: 10000 }],
		['no Content on 51', { MsgType: 51, StatusNotifyCode: 4 }],
		['no Content on 47', { MsgType: 47, HasProductId: 1 }],
		['no Content on 1/48', { MsgType: 1, SubMsgType: 48 }],
		['no Content on 3', { MsgType: 3 }],
	])('%s', (_name, raw) => {
		const input = raw as unknown as RawAddMsg;
		const msg = normalizeMessage(input, ctx);
		expect(msg.raw).toBe(input);
		expect(typeof msg.id).toBe('string');
		expect(typeof msg.text).toBe('string');
		expect(typeof msg.type).toBe('string');
		expect(Array.isArray(msg.mentions)).toBe(true);
		expect(Number.isFinite(msg.timestamp)).toBe(true);
	});

	test('empty object → unknown, fromMe (no FromUserName), no throw', () => {
		const msg = normalizeMessage({} as RawAddMsg, ctx);
		expect(msg).toMatchObject({ id: '', type: 'unknown', text: '', fromMe: true, timestamp: 0, mentions: [], mentionsMe: false });
	});

	test('file with no Content still yields a media reference from the JSON fields', () => {
		const msg = normalizeMessage({ MsgId: '5', MsgType: 49, AppMsgType: 6, FileName: 'a.pdf', FileSize: '10', FromUserName: ALICE, MediaId: '@m' } as RawAddMsg, ctx);
		expect(msg.type).toBe('file');
		expect(msg.media).toMatchObject({ kind: 'file', fileName: 'a.pdf', size: 10, mediaId: '@m', mimeType: 'application/pdf' });
	});

	test('null / non-object raw does not throw', () => {
		expect(() => normalizeMessage(null as unknown as RawAddMsg, ctx)).not.toThrow();
		expect(normalizeMessage(null as unknown as RawAddMsg, ctx).type).toBe('unknown');
	});
});

describe('__proto__ keys in JSON input', () => {
	const payloads = [
		['text', '{"__proto__":{"polluted":"yes"},"MsgId":"1","MsgType":1,"Content":"hi","FromUserName":"@x","ToUserName":"@y","CreateTime":1}'],
		['friend request', '{"MsgId":"2","MsgType":37,"Content":"","FromUserName":"fmessage","RecommendInfo":{"__proto__":{"polluted":"yes"},"UserName":"@s","NickName":"S","Ticket":"t"}}'],
		['app', `{"MsgId":"3","MsgType":49,"AppMsgType":6,"AppInfo":{"__proto__":{"polluted":"yes"}},"FileName":"__proto__","Content":${JSON.stringify(P.FILE_CONTENT)},"FromUserName":"@x"}`],
		['constructor.prototype', '{"MsgId":"4","MsgType":1,"constructor":{"prototype":{"polluted":"yes"}},"Content":"x"}'],
	];
	test.each(payloads)('%s', (_name, json) => {
		const raw = JSON.parse(json) as RawAddMsg;
		const msg = normalizeMessage(raw, ctx);
		expect(msg.raw).toBe(raw);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((msg.details as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf(msg.details)).toBe(Object.prototype);
	});

	test('hostile XML in Content does not pollute', () => {
		const content =
			'&lt;msg&gt;&lt;appmsg&gt;&lt;__proto__&gt;&lt;polluted&gt;yes&lt;/polluted&gt;&lt;/__proto__&gt;&lt;title&gt;t&lt;/title&gt;&lt;type&gt;5&lt;/type&gt;&lt;/appmsg&gt;&lt;/msg&gt;';
		const msg = normalizeMessage(rawMsg({ MsgType: 49, AppMsgType: 5, Content: content }), ctx);
		expect(msg.type).toBe('link');
		expect(msg.text).toBe('t');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('contact lookups with hostile names still resolve to strings', () => {
		const msg = normalizeMessage(rawMsg({ FromUserName: '__proto__', Content: 'x' }), makeContext({ contact: () => undefined }));
		expect(msg.chat).toEqual({ id: '__proto__', kind: 'user', name: '__proto__' });
	});
});

describe('file names from the wire', () => {
	test.each([
		['../../etc/passwd', 'etc_passwd'],
		['..\\..\\AppData\\evil.bat', 'AppData_evil.bat'],
		['a/b/c.txt', 'a_b_c.txt'],
		['nul\u0000byte.pdf', 'nulbyte.pdf'],
		['evil\u202Etxt.exe', 'eviltxt.exe'],
		['&lt;script&gt;.html', 'script_.html'],
	])('FileName %j → %j', (fileName, want) => {
		const msg = normalizeMessage(rawMsg({ MsgType: 49, AppMsgType: 6, FileName: fileName, Content: '' }), ctx);
		expect(msg.media?.fileName).toBe(want);
	});

	test('300-character name capped at 200, extension kept', () => {
		const msg = normalizeMessage(rawMsg({ MsgType: 49, AppMsgType: 6, FileName: 'n'.repeat(300) + '.docx', Content: '' }), ctx);
		expect(msg.media?.fileName).toHaveLength(200);
		expect(msg.media?.fileName?.endsWith('.docx')).toBe(true);
		expect(msg.media?.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
	});
});

describe('lone surrogates (invalid UTF-16)', () => {
	test.each([
		['text', { Content: 'a\uD800b<br/>\uDC00c' }, 'a\uD800b\n\uDC00c'],
		['group text', { FromUserName: GROUP, Content: `${BOB}:<br/>@Me In Group\u2005\uD83D` }, '@Me In Group\u2005\uD83D'],
		['system', { MsgType: 10000, Content: '"\uDFFF"加入了群聊' }, '"\uDFFF"加入了群聊'],
	])('%s: kept, no throw', (_name, raw, want) => {
		const msg = normalizeMessage(rawMsg(raw), ctx);
		expect(msg.text).toBe(want);
	});

	test('in XML payloads and names', () => {
		const c = makeContext({ selfNickName: 'Me\uD800', contact: () => ({ UserName: ALICE, NickName: '\uDC00Alice' }) });
		const content = P.FILE_CONTENT.replace('report Q3', 'rep\uD800ort');
		const msg = normalizeMessage(rawMsg({ MsgType: 49, AppMsgType: 6, Content: content, FileName: 'x\uD800.pdf' }), c);
		expect(msg.type).toBe('file');
		expect(msg.chat.name).toBe('\uDC00Alice');
		expect(msg.media?.fileName).toBe('x\uFFFD.pdf');
	});
});

describe('huge Content (10 MB)', () => {
	const TEN_MB = 10 * 1024 * 1024;

	test('text is kept whole, quickly', () => {
		const content = 'x'.repeat(TEN_MB - 20) + '&amp;<br/>@Bob\u2005';
		const t = Date.now();
		const msg = normalizeMessage(rawMsg({ FromUserName: GROUP, Content: `${ALICE}:<br/>${content}` }), ctx);
		expect(Date.now() - t).toBeLessThan(3000);
		expect(msg.type).toBe('text');
		expect(msg.text.length).toBe(TEN_MB - 20 + 1 + 1 + 5);
		expect(msg.text.endsWith('&\n@Bob\u2005')).toBe(true);
		expect(msg.mentions).toEqual(['Bob']);
	});

	test('10 MB of emoji spans and entities', () => {
		const unit = '<span class="emoji emoji1f602"></span>&lt;';
		const content = unit.repeat(Math.floor(TEN_MB / unit.length));
		const msg = normalizeMessage(rawMsg({ Content: content }), ctx);
		expect(msg.text.startsWith('😂<😂<')).toBe(true);
	});

	test('10 MB app message: XML not parsed, JSON fields still used', () => {
		const content = P.FILE_CONTENT.replace('&lt;des&gt;', '&lt;des&gt;' + 'y'.repeat(TEN_MB));
		const t = Date.now();
		const msg = normalizeMessage(rawMsg({ MsgType: 49, AppMsgType: 6, Content: content, FileName: 'big.pdf', FileSize: '5' }), ctx);
		expect(Date.now() - t).toBeLessThan(3000);
		expect(msg.type).toBe('file');
		expect(msg.text).toBe('big.pdf');
		expect(msg.details.totalLen).toBeUndefined();
		expect(msg.media).toMatchObject({ fileName: 'big.pdf', size: 5, mimeType: 'application/pdf' });
	});

	test.each([
		['revoke', 10002, `&lt;sysmsg type="revokemsg"&gt;&lt;revokemsg&gt;&lt;replacemsg&gt;${'z'.repeat(TEN_MB)}&lt;/replacemsg&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;`, 'revoke'],
		['system', 10000, '&lt;sysmsg type="pat"&gt;' + 'z'.repeat(TEN_MB), 'system'],
		['emoticon', 47, P.EMOTICON_CONTENT + 'md5="'.repeat(TEN_MB / 8), 'emoticon'],
		['status notify', 51, '&lt;msg&gt;&lt;op id="4"&gt;&lt;username&gt;' + 'a,'.repeat(TEN_MB / 2), 'statusNotify'],
		['location', 48, '&lt;msg&gt;&lt;location x="1" y="2" label="' + 'l'.repeat(TEN_MB), 'location'],
		['card', 42, '&lt;msg username="' + 'u'.repeat(TEN_MB), 'card'],
	])('10 MB %s does not blow up', (_name, msgType, content, type) => {
		const t = Date.now();
		const msg = normalizeMessage(rawMsg({ MsgType: msgType, Content: content }), ctx);
		expect(Date.now() - t).toBeLessThan(3000);
		expect(msg.type).toBe(type);
	});
});

describe('throughput (sanity bound, far below the 50k/s goal)', () => {
	test('a realistic mix normalizes at > 5 000 msgs/s', () => {
		const mix: RawAddMsg[] = [];
		for (let i = 0; i < 100; i++) {
			mix.push(rawMsg({ Content: 'hello there, how are you?' }));
			mix.push(rawMsg({ FromUserName: GROUP, Content: `${BOB}:<br/>@Me In Group\u2005ok <span class="emoji emoji1f602"></span>` }));
			mix.push(rawMsg({ FromUserName: GROUP, Content: `${ALICE}:<br/>lunch?` }));
			mix.push(rawMsg({ MsgType: 3, Content: P.IMAGE_CONTENT }));
			mix.push(rawMsg({ MsgType: 47, Content: P.EMOTICON_CONTENT }));
			mix.push(rawMsg({ MsgType: 49, AppMsgType: 5, Content: P.LINK_CONTENT }));
		}
		const n = 10_000;
		const t = Date.now();
		for (let i = 0; i < n; i++) normalizeMessage(mix[i % mix.length], ctx);
		const perSecond = n / Math.max(1, Date.now() - t) * 1000;
		expect(perSecond).toBeGreaterThan(5000);
	});
});
