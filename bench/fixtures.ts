import type { ContactSpec } from '../sandbox/simulator/api';

/** The contact book of the contacts scenario: a few named people and a group, then `count` people, every other one with a remark. */
export function contactBook(count: number): ContactSpec[] {
	const book: ContactSpec[] = [{ nickName: 'Alice', remarkName: 'Ali' }, { nickName: 'Bob' }, { nickName: 'Sandbox Group', kind: 'group', members: ['Alice', 'Bob'] }];
	for (let i = 1; i <= count; i++) book.push({ nickName: `Person ${i}`, remarkName: i % 2 ? `Friend ${i}` : undefined });
	return book;
}
