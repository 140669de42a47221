/**
 * Text clean-up, group prefixes, mentions, chat kinds — table-driven.
 */
import { chatKind, isGroupUserName } from '../../lib/wechat/chats';
import { classify, cleanText, emojiFromHex, extractMentions, mentionsName, splitGroupSender, unescapeXmlContent } from '../../lib/wechat/messages';
import { decodeXmlEntities } from '../../lib/wechat/xml';
import { growth } from '../helpers/hostile-text';

describe('cleanText (protocol.md §3.3 order: <br/>, entities, emoji)', () => {
	test.each([
		['plain text is returned as is', 'hello world', 'hello world'],
		['<br/> becomes a newline', 'a<br/>b<br/>c', 'a\nb\nc'],
		['the five entities', '&lt;b&gt; &quot;q&quot; &apos;s&apos; &amp;', '<b> "q" \'s\' &'],
		['&amp; is effectively last: &amp;lt; stays &lt;', 'x &amp;lt; y &amp;amp;', 'x &lt; y &amp;'],
		['numeric references', '&#65;&#x42;&#x1F600;', 'AB😀'],
		['invalid numeric references → U+FFFD', '&#xD800;&#0;&#1114112;&#xFFFFFFFF;', '\uFFFD\uFFFD\uFFFD\uFFFD'],
		['unknown named entities stay literal', '&nbsp;&copy;&foo;', '&nbsp;&copy;&foo;'],
		['emoji span', 'ok <span class="emoji emoji1f44d"></span>', 'ok 👍'],
		['escaped span text is not an emoji', '&lt;span class="emoji emoji1f44d"&gt;&lt;/span&gt;x', '👍x'],
		['span missing its final > (IT fix for 1f450)', '<span class="emoji emoji1f450"></span', '👐'],
		['several spans and text', '<span class="emoji emoji1f600"></span>a<span class="emoji emoji2600"></span>', '😀a☀'],
		['uppercase hex', '<span class="emoji emoji1F602"></span>', '😂'],
		['other spans untouched', '<span class="x">y</span>', '<span class="x">y</span>'],
		['lone surrogates are kept, never thrown on', 'a\uD800b&amp;\uDC00', 'a\uD800b&\uDC00'],
	])('%s', (_name, input, want) => {
		expect(cleanText(input)).toBe(want);
	});
});

describe('emojiFromHex (W4 + IT rules)', () => {
	test.each([
		['4 digits', '2600', '\u2600'],
		['5 digits', '1f602', '😂'],
		['cat-face fix-up 1f639 → 1f602', '1f639', '😂'],
		['cat-face fix-up 1f64d → 1f614', '1f64d', '😔'],
		['cat-face fix-up 1f63c → 1f601', '1f63c', '😁'],
		['cat-face fix-up 1f63a → 1f603', '1f63a', '😃'],
		['fix-up 1f4ab → 1f616', '1f4ab', '😖'],
		['cat-face fix-up 1f63b → 1f60d', '1f63b', '😍'],
		['cat-face fix-up 1f63d → 1f618', '1f63d', '😘'],
		['cat-face fix-up 1f64e → 1f621', '1f64e', '😡'],
		['cat-face fix-up 1f63f → 1f622', '1f63f', '😢'],
		['6 digits split 2+4 (keycap)', '2320e3', '#\u20e3'],
		['8 digits split 4+4', '003120e3', '1\u20e3'],
		['10 digits split 5+5 (flag)', '1f1e81f1f3', '🇨🇳'],
		['surrogate code point → U+FFFD', 'd83d', '\uFFFD'],
		['7 digits past U+10FFFF → U+FFFD', 'fffffff', '\uFFFD'],
		['zero → U+FFFD', '0', '\uFFFD'],
	])('%s', (_name, hex, want) => {
		expect(emojiFromHex(hex)).toBe(want);
	});
});

describe('decodeXmlEntities', () => {
	test('one pass: nothing is unescaped twice', () => {
		expect(decodeXmlEntities('&amp;amp;lt;')).toBe('&amp;lt;');
	});
	test.each([
		['no semicolon', 'a &amp b &lt', 'a &amp b &lt'],
		['entity right after a stray &', '&&amp;&', '&&&'],
		['name too long to be ours', '&#x0000000041; &#00000065;', '&#x0000000041; A'],
		['empty name', '&; &#; &#x;', '&; &#; &#x;'],
	])('edge: %s', (_name, input, want) => {
		expect(decodeXmlEntities(input)).toBe(want);
	});

	test('linear on hostile & runs (work grows with the input, not its square)', async () => {
		expect(decodeXmlEntities('&'.repeat(5_000_000) + ';')).toHaveLength(5_000_001);
		expect(decodeXmlEntities('&#1'.repeat(2_000_000)).length).toBe(6_000_000);
		for (const unit of ['&', '&#1', '&#x', '&amp']) {
			const small = unit.repeat(Math.ceil(100_000 / unit.length));
			const big = unit.repeat(Math.ceil(1_000_000 / unit.length));
			const { ratio } = await growth((input) => decodeXmlEntities(input), small, big, 30);
			expect(ratio).toBeLessThan(30);
		}
	});

	test('text without & is returned as the same string', () => {
		const s = 'no entities here';
		expect(decodeXmlEntities(s)).toBe(s);
	});
});

describe('unescapeXmlContent', () => {
	test.each([
		['escaped payload: one level decoded, <br/> → newline', '&lt;msg&gt;<br/>&lt;t&gt;a &amp;amp; b&lt;/t&gt;&lt;/msg&gt;', '<msg>\n<t>a &amp; b</t></msg>'],
		['raw XML is not decoded again', '<msg><t>a &amp; b &lt;x&gt;</t></msg>', '<msg><t>a &amp; b &lt;x&gt;</t></msg>'],
		['raw emoji span inside an escaped payload is converted first', '&lt;t&gt;hi <span class="emoji emoji1f602"></span>&lt;/t&gt;', '<t>hi 😂</t>'],
	])('%s', (_name, input, want) => {
		expect(unescapeXmlContent(input)).toBe(want);
	});
});

describe('splitGroupSender (OFF pattern)', () => {
	const hex64 = '0123456789abcdef'.repeat(4);
	test.each([
		['@ + 64 hex', `@${hex64}:<br/>hello`, { sender: `@${hex64}`, body: 'hello' }],
		['@ + uppercase alnum', '@AbC123:<br/>x', { sender: '@AbC123', body: 'x' }],
		['raw wxid with _ and -', 'wxid_ab-c1:<br/>x:<br/>y', { sender: 'wxid_ab-c1', body: 'x:<br/>y' }],
		['empty body', `@${hex64}:<br/>`, { sender: `@${hex64}`, body: '' }],
		['no <br/> after the colon', `@${hex64}:hello`, null],
		['a text that just contains a colon', 'note: see<br/>this', null],
		['@@group ids are not senders', `@@${hex64}:<br/>x`, null],
		['raw chatroom id (has @ inside) is not a sender', '123@chatroom:<br/>x', null],
		['prefix not at the start', `hi @${hex64}:<br/>x`, null],
		['absurdly long id', `@${'a'.repeat(300)}:<br/>x`, null],
	])('%s', (_name, input, want) => {
		expect(splitGroupSender(input)).toEqual(want);
	});

	test('linear on a huge prefix-less Content', () => {
		const big = 'a'.repeat(5_000_000);
		const t = Date.now();
		expect(splitGroupSender(big)).toBeNull();
		expect(Date.now() - t).toBeLessThan(1000);
	});
});

describe('extractMentions', () => {
	test.each([
		['U+2005 separator, name with spaces', 'hi @Me In Group\u2005look', ['Me In Group']],
		['space separator', '@Bob hello', ['Bob']],
		['end of text', 'thanks @Bob', ['Bob']],
		['several, mixed separators', '@Alice hi @Bob\u2005and @Carol', ['Alice', 'Bob', 'Carol']],
		['CJK directly before @ with U+2005', '请@张三\u2005看一下', ['张三']],
		['the whole name, not a prefix (@bot vs @botlaner)', '@botlaner hi', ['botlaner']],
		['trailing punctuation of a typed mention dropped', '@Bob, hi', ['Bob']],
		['@ glued to the next @ has no separator', '@Bob@Carol', []],
		['e-mail addresses are not mentions', 'mail me at bob@example.com', []],
		['duplicates collapse', '@Bob\u2005@Bob\u2005', ['Bob']],
		['a lone @', 'look @ this', []],
		['newline ends a name', '@Bob\nnext line', ['Bob']],
		['no @ at all', 'just text', []],
	])('%s', (_name, text, want) => {
		expect(extractMentions(text)).toEqual(want);
	});

	test('known names may contain spaces even with a plain space separator', () => {
		expect(extractMentions('ping @Me In Group now', ['Me In Group'])).toEqual(['Me In Group']);
		expect(extractMentions('ping @Me In Groups now', ['Me In Group'])).toEqual(['Me']);
	});

	test('bounded on hostile input', () => {
		const text = '@a '.repeat(1_000_000);
		const t = Date.now();
		const got = extractMentions(text);
		expect(got).toEqual(['a']);
		expect(Date.now() - t).toBeLessThan(2000);
	});
});

describe('mentionsName', () => {
	test.each([
		['U+2005', '@bot\u2005hi', 'bot', true],
		['plain space', '@bot hi', 'bot', true],
		['end of text', 'hi @bot', 'bot', true],
		['prefix of a longer name (OW PR#139)', '@botlaner hi', 'bot', false],
		['punctuation right after', '@bot, hi', 'bot', false],
		['second occurrence counts', '@botlaner and @bot\u2005', 'bot', true],
		['empty name never matches', '@ hi', '', false],
		['name with spaces', '@Me In Group hello', 'Me In Group', true],
	])('%s', (_name, text, name, want) => {
		expect(mentionsName(text, name)).toBe(want);
	});
});

describe('chat kinds', () => {
	test.each([
		['@@ session group', '@@abc', undefined, 'group'],
		['raw chatroom id', '1234567@chatroom', undefined, 'group'],
		['filehelper', 'filehelper', undefined, 'special'],
		['newsapp', 'newsapp', undefined, 'special'],
		['fmessage', 'fmessage', undefined, 'special'],
		['weixin', 'weixin', undefined, 'special'],
		['VerifyFlag 8', '@mp', { UserName: '@mp', NickName: 'MP', VerifyFlag: 8 }, 'official'],
		['VerifyFlag 24', '@mp', { UserName: '@mp', NickName: 'MP', VerifyFlag: 24 }, 'official'],
		['VerifyFlag 56', '@mp', { UserName: '@mp', NickName: 'MP', VerifyFlag: 56 }, 'official'],
		['VerifyFlag 0', '@u', { UserName: '@u', NickName: 'U', VerifyFlag: 0 }, 'user'],
		['unknown @ user', '@u', undefined, 'user'],
	] as const)('%s', (_name, userName, contact, want) => {
		expect(chatKind(userName, contact)).toBe(want);
	});

	test('isGroupUserName', () => {
		expect(isGroupUserName('@@x')).toBe(true);
		expect(isGroupUserName('@x')).toBe(false);
		expect(isGroupUserName('x@chatroom')).toBe(true);
	});
});

describe('classify (MsgType table)', () => {
	test.each([
		[1, 0, '', 'hi', 'text'],
		[1, 48, '', 'addr:<br/>link', 'location'],
		[3, 0, '', '', 'image'],
		[34, 0, '', '', 'voice'],
		[37, 0, '', '', 'friendRequest'],
		[40, 0, '', '', 'unknown'],
		[42, 0, '', '', 'card'],
		[43, 0, '', '', 'video'],
		[44, 0, '', '', 'video'],
		[47, 0, '', '', 'emoticon'],
		[48, 0, '', '', 'location'],
		[49, 0, '', '', 'app'],
		[50, 0, '', '', 'voip'],
		[51, 0, '', '', 'statusNotify'],
		[52, 0, '', '', 'voip'],
		[53, 0, '', '', 'voip'],
		[62, 0, '', '', 'microvideo'],
		[9999, 0, '', '', 'system'],
		[10000, 0, '', '', 'system'],
		[10002, 0, '', '', 'revoke'],
		[0, 0, '', '', 'unknown'],
		[77, 0, '', '', 'unknown'],
	])('MsgType %i SubMsgType %i → %s', (msgType, sub, url, content, want) => {
		expect(classify(msgType, sub, url, content)).toBe(want);
	});
});
