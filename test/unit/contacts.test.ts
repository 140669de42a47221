import { ContactStore } from '../../lib/wechat/contacts';
import { AmbiguousContactError, UnknownContactError } from '../../lib/wechat/errors';
import type { RawContact } from '../../lib/wechat/types';

const contact = (UserName: string, NickName: string, RemarkName = '', Alias = ''): RawContact => ({ UserName, NickName, RemarkName, Alias }) as RawContact;

describe('ContactStore.resolve', () => {
	function store(): ContactStore {
		const s = new ContactStore();
		s.upsert(contact('@a', 'Alice', 'Ali'));
		s.upsert(contact('@b', 'Bob', '', 'bob_w'));
		s.upsert(contact('@c', 'ali', '')); // a nickname equal to Alice's remark, in other case
		s.upsert(contact('@d', 'Twin'));
		s.upsert(contact('@e', 'Twin'));
		return s;
	}

	it('finds by UserName, remark, nickname and alias; exact matches win over case-insensitive ones', () => {
		const s = store();
		expect(s.resolve('@b').UserName).toBe('@b');
		expect(s.resolve('Ali').UserName).toBe('@a'); // exact remark
		expect(s.resolve('ali').UserName).toBe('@c'); // exact nickname beats Alice's remark in other case
		expect(s.resolve('  Bob ').UserName).toBe('@b');
		expect(s.resolve('BOB').UserName).toBe('@b');
		expect(s.resolve('bob_w').UserName).toBe('@b');
		expect(s.resolve('ALICE').UserName).toBe('@a');
	});

	it('names every candidate when a name is ambiguous, and refuses unknown names', () => {
		const s = store();
		expect(() => s.resolve('Twin')).toThrow(AmbiguousContactError);
		expect(() => s.resolve('Nobody')).toThrow(UnknownContactError);
		expect(() => s.resolve('  ')).toThrow(UnknownContactError);
	});

	it('sees every change made after a lookup (upsert, rename, remove, clear)', () => {
		const s = store();
		expect(() => s.resolve('Carol')).toThrow(UnknownContactError);
		s.upsert(contact('@f', 'Carol'));
		expect(s.resolve('Carol').UserName).toBe('@f');
		s.upsert(contact('@f', 'Caroline'));
		expect(() => s.resolve('Carol')).toThrow(UnknownContactError);
		expect(s.resolve('caroline').UserName).toBe('@f');
		s.remove('@e');
		expect(s.resolve('Twin').UserName).toBe('@d');
		s.clear();
		expect(() => s.resolve('Alice')).toThrow(UnknownContactError);
	});
});
