import { parseIlinkJson, quoteLongIntegers } from '../../lib/ilink/json';
import { normalizeMessage } from '../../lib/ilink/messages';
import type { WeixinMessage } from '../../lib/ilink/messages';

describe('64-bit ids stay exact (ilink-protocol.md §3, §4)', () => {
	test('integers beyond 2^53 become their exact decimal strings; safe ones stay numbers', () => {
		const data = parseIlinkJson('{"message_id":7301234567890123456,"seq":12,"svr_id":18446744073709551615,"neg":-9223372036854775808,"max":9007199254740991}') as Record<string, unknown>;
		expect(data).toEqual({ message_id: '7301234567890123456', seq: 12, svr_id: '18446744073709551615', neg: '-9223372036854775808', max: 9007199254740991 });
	});

	test('digits inside strings, floats and exponents are left alone', () => {
		const text = '{"a":"7301234567890123456","b":1.5e300,"c":12345678901234567.5,"d":"x\\"7301234567890123456","e":[7301234567890123457]}';
		const data = parseIlinkJson(text) as Record<string, unknown>;
		expect(data.a).toBe('7301234567890123456');
		expect(data.b).toBe(1.5e300);
		expect(data.c).toBe(Number("12345678901234567.5"));
		expect(data.d).toBe('x"7301234567890123456');
		expect(data.e).toEqual(['7301234567890123457']);
		expect(quoteLongIntegers('{"a":1}')).toBe('{"a":1}');
	});

	test('__proto__ keys are refused at any depth', () => {
		expect(() => parseIlinkJson('{"__proto__":{"polluted":1}}')).toThrow(/__proto__/);
		expect(() => parseIlinkJson('{"msgs":[{"a":{"__proto__":{}}}]}')).toThrow(/__proto__/);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('a message keeps its uint64 ids exact through normalisation, quote ids included', () => {
		const raw = parseIlinkJson(
			'{"message_id":7301234567890123456,"from_user_id":"u@im.wechat","create_time_ms":1765100000000,"message_type":1,"item_list":[{"type":1,"text_item":{"text":"hi"},"ref_msg":{"svr_id":7301234567890123999,"title":"t"}}]}',
		) as WeixinMessage;
		const m = normalizeMessage(raw);
		expect(m.id).toBe('7301234567890123456');
		expect(m.quoted?.id).toBe('7301234567890123999');
	});
});
