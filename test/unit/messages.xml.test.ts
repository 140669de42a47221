/**
 * lib/wechat/xml.ts: shape, strings only, and the security guarantees.
 */
import { parseXml, xmlAttr, xmlChild, xmlList, xmlText, XML_MAX_LENGTH } from '../../lib/wechat/xml';

afterEach(() => {
	// Nothing may ever leak onto Object.prototype.
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
});

describe('parseXml: shape', () => {
	test('webwxnewloginpage answer: every value a string (uin, pass_ticket untouched)', () => {
		const doc = parseXml(
			'<error><ret>0</ret><message></message><skey>@crypt_1a2b3c4d_0123456789abcdef0123456789abcdef</skey><wxsid>AbCd+/EfGh123456</wxsid><wxuin>2837461920</wxuin><pass_ticket>aB3%2Bxyz%2FQ0</pass_ticket><isgrayscale>1</isgrayscale></error>',
		);
		expect(doc).toEqual({
			error: {
				ret: '0',
				message: '',
				skey: '@crypt_1a2b3c4d_0123456789abcdef0123456789abcdef',
				wxsid: 'AbCd+/EfGh123456',
				wxuin: '2837461920',
				pass_ticket: 'aB3%2Bxyz%2FQ0',
				isgrayscale: '1',
			},
		});
	});

	test('refusal XML with ret 1203', () => {
		const doc = parseXml('<error><ret>1203</ret><message>为了你的帐号安全，此微信号已不允许登录网页微信。</message></error>');
		expect(xmlText(doc, 'error', 'ret')).toBe('1203');
		expect(xmlText(doc, 'error', 'message')).toBe('为了你的帐号安全，此微信号已不允许登录网页微信。');
	});

	test('attributes under @name, text of elements with attributes under #text, repeats as arrays', () => {
		const doc = parseXml('<?xml version="1.0"?><msg><emoji md5="abc" len = "12"/><a x="1">t</a><i>1</i><i>2</i></msg>');
		expect(doc).toEqual({ msg: { emoji: { '@md5': 'abc', '@len': '12' }, a: { '@x': '1', '#text': 't' }, i: ['1', '2'] } });
		expect(xmlAttr(xmlChild(doc, 'msg', 'emoji'), 'md5')).toBe('abc');
		expect(xmlText(doc, 'msg', 'a')).toBe('t');
		expect(xmlText(doc, 'msg', 'i')).toBe('1');
		expect(xmlList(doc, 'msg', 'i')).toEqual(['1', '2']);
		expect(xmlList(doc, 'msg', 'emoji')).toHaveLength(1);
		expect(xmlList(doc, 'msg', 'missing')).toEqual([]);
	});

	test('attribute and child of the same name do not collide', () => {
		expect(parseXml('<m md5="attr"><md5>child</md5></m>')).toEqual({ m: { '@md5': 'attr', md5: 'child' } });
	});

	test("attributePrefix '' merges attributes with children", () => {
		expect(parseXml('<m a="1" b="2"/>', { attributePrefix: '' })).toEqual({ m: { a: '1', b: '2' } });
	});

	test('64-bit ids stay exact strings', () => {
		expect(xmlText(parseXml('<r><msgid>9007199254740993123</msgid></r>'), 'r', 'msgid')).toBe('9007199254740993123');
	});

	test('entities: 5 standard + numeric decoded once; CDATA left alone', () => {
		const doc = parseXml('<t><a>A &amp;amp; B &lt;x&gt; &#x1F600; &#xD800;</a><b><![CDATA[1 &amp; 2 <raw>]]></b><c v="&quot;q&quot;"/></t>');
		expect(xmlText(doc, 't', 'a')).toBe('A &amp; B <x> 😀 \uFFFD');
		expect(xmlText(doc, 't', 'b')).toBe('1 &amp; 2 <raw>');
		expect(xmlAttr(xmlChild(doc, 't', 'c'), 'v')).toBe('"q"');
	});

	test('accessors are tolerant of null / strings / missing paths', () => {
		expect(xmlText(null, 'a')).toBe('');
		expect(xmlText('str', 'a')).toBe('');
		expect(xmlChild({ a: 'x' }, 'a', 'b')).toBeUndefined();
		expect(xmlAttr(undefined, 'x')).toBe('');
		expect(xmlChild({}, 'constructor')).toBeUndefined();
		expect(xmlChild({}, 'toString')).toBeUndefined();
	});
});

describe('parseXml: hostile input', () => {
	const BILLION_LAUGHS =
		'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
		'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">' +
		'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>' +
		'<lolz>&lol9;&lol;</lolz>';

	test('billion laughs: DOCTYPE entities are not expanded', () => {
		const doc = parseXml(BILLION_LAUGHS);
		expect(doc).not.toBeNull();
		expect(xmlText(doc, 'lolz')).toBe('&lol9;&lol;');
		expect(JSON.stringify(doc).length).toBeLessThan(100);
	});

	test('a simple internal entity is not expanded either', () => {
		expect(parseXml('<!DOCTYPE a [<!ENTITY me "EXPANDED">]><a>&me; <b x="&me;"/></a>')).toEqual({
			a: { '#text': '&me;', b: { '@x': '&me;' } },
		});
	});

	test.each([
		['SYSTEM file', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'],
		['SYSTEM http', '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/evil.dtd">]><foo>&xxe;</foo>'],
		['PUBLIC', '<!DOCTYPE foo [<!ENTITY xxe PUBLIC "-//X//EN" "http://127.0.0.1:1/x">]><foo>&xxe;</foo>'],
	])('external entity (%s): refused, nothing fetched or inlined', (_name, xml) => {
		const doc = parseXml(xml);
		expect(doc).toBeNull();
	});

	test('external DTD reference is not fetched; entities stay literal', () => {
		const doc = parseXml('<!DOCTYPE foo SYSTEM "http://127.0.0.1:1/evil.dtd"><foo>&ext;</foo>');
		expect(doc === null || xmlText(doc, 'foo') === '&ext;').toBe(true);
		expect(JSON.stringify(doc)).not.toContain('root:');
	});

	test('nesting: 64 levels accepted, 65 refused, 100 000 refused quickly', () => {
		const nest = (n: number): string => '<a>'.repeat(n) + 'x' + '</a>'.repeat(n);
		expect(parseXml(nest(64))).not.toBeNull();
		expect(parseXml(nest(65))).toBeNull();
		expect(parseXml(nest(20), { maxDepth: 10 })).toBeNull();
		const t = Date.now();
		expect(parseXml(nest(100_000))).toBeNull();
		expect(Date.now() - t).toBeLessThan(2000);
	});

	test('length cap: over 1 MiB → null; custom cap honoured', () => {
		const filler = 'x'.repeat(XML_MAX_LENGTH);
		expect(parseXml(`<a>${filler}</a>`)).toBeNull();
		expect(parseXml('<a>0123456789</a>', { maxLength: 10 })).toBeNull();
		expect(parseXml('<a>0123</a>', { maxLength: 11 })).toEqual({ a: '0123' });
	});

	test.each([
		['__proto__ element', '<r><__proto__><polluted>yes</polluted></__proto__><ok>1</ok></r>'],
		['constructor/prototype elements', '<r><constructor><prototype><polluted>yes</polluted></prototype></constructor><ok>1</ok></r>'],
		['__proto__ attribute', '<r __proto__="yes" constructor="x" prototype="y"><ok>1</ok></r>'],
		['__proto__ root', '<__proto__><polluted>yes</polluted></__proto__>'],
	])('no prototype pollution: %s', (_name, xml) => {
		for (const prefix of ['@', '']) {
			const doc = parseXml(xml, { attributePrefix: prefix });
			expect(doc).not.toBeNull();
			const json = JSON.stringify(doc);
			expect(json).not.toContain('polluted');
			expect(json).not.toMatch(/"(@?)(__proto__|constructor|prototype)"/);
			if (xml.startsWith('<r')) expect(xmlText(doc, 'r', 'ok')).toBe('1');
			expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
		}
	});

	test('critical names dropped on one parse do not affect the next', () => {
		expect(parseXml('<r><__proto__>x</__proto__></r>')).toEqual({ r: {} });
		expect(parseXml('<r><a>1</a></r>')).toEqual({ r: { a: '1' } });
	});

	test.each([
		['empty', ''],
		['lone <', '<'],
		['unclosed', '<a'],
		['closing only', '</a>'],
		['broken attribute', '<a b="></a>'],
		['garbage', '<<>>&&;;]]>'],
		['unterminated CDATA', '<a><![CDATA[x</a>'],
		['unterminated comment', '<a><!-- x</a>'],
		['lone surrogates', '<a>\uD800x\uDC00</a>'],
		['two DOCTYPEs', '<!DOCTYPE a><!DOCTYPE b><a/>'],
	])('never throws: %s', (_name, xml) => {
		expect(() => parseXml(xml)).not.toThrow();
		const doc = parseXml(xml);
		expect(doc === null || typeof doc === 'object').toBe(true);
	});

	test('non-string input → null', () => {
		expect(parseXml(undefined as unknown as string)).toBeNull();
		expect(parseXml(42 as unknown as string)).toBeNull();
	});
});
