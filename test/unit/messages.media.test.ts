/**
 * Media references: MIME guesses and safe file names.
 */
import { fileExtension, mediaReference, mimeTypeForExtension, safeFileName, toSize } from '../../lib/wechat/messages';
import { rawMsg } from './fixtures/messages/world';

describe('mimeTypeForExtension', () => {
	test.each([
		['pdf', 'application/pdf'],
		['.PDF', 'application/pdf'],
		['report.final.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
		['photo.JPG', 'image/jpeg'],
		['clip.mov', 'video/quicktime'],
		['voice.amr', 'audio/amr'],
		['archive.7z', 'application/x-7z-compressed'],
		['notes.txt', 'text/plain'],
		['weird.xyz123', 'application/octet-stream'],
		['no-extension', 'application/octet-stream'],
		['', 'application/octet-stream'],
		['__proto__', 'application/octet-stream'],
		['constructor', 'application/octet-stream'],
	])('%s → %s', (input, want) => {
		expect(mimeTypeForExtension(input)).toBe(want);
	});
});

describe('fileExtension', () => {
	test.each([
		['a.tar.gz', 'gz'],
		['A.PNG', 'png'],
		['noext', 'noext'],
		['x.', ''],
		['x.pd f', ''],
	])('%s → %s', (input, want) => {
		expect(fileExtension(input)).toBe(want);
	});
});

describe('safeFileName', () => {
	test.each([
		['ordinary name', 'report Q3.pdf', 'report Q3.pdf'],
		['unicode kept', '季度报告 😂.xlsx', '季度报告 😂.xlsx'],
		['unix traversal', '../../etc/passwd', 'etc_passwd'],
		['windows traversal', '..\\..\\Windows\\System32\\evil.exe', 'Windows_System32_evil.exe'],
		['absolute path', '/etc/shadow', 'etc_shadow'],
		['dots only', '..', 'fallback.bin'],
		['embedded ..', 'a..b.txt', 'a.b.txt'],
		['NUL and control chars', 'a\u0000b\u001fc\u007f.txt', 'abc.txt'],
		['bidi override (spoofed extension)', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
		['reserved characters', 'a:b*c?d"e<f>g|h.txt', 'a_b_c_d_e_f_g_h.txt'],
		['leading dot (hidden file)', '.bashrc', 'bashrc'],
		['trailing dots and spaces', 'name.txt. . ', 'name.txt'],
		['windows device name', 'CON.txt', '_CON.txt'],
		['lone surrogate → U+FFFD', 'a\uD800b.txt', 'a\uFFFDb.txt'],
		['empty', '', 'fallback.bin'],
	])('%s', (_name, input, want) => {
		expect(safeFileName(input, 'fallback.bin')).toBe(want);
	});

	test('capped to 200 characters, extension kept', () => {
		const out = safeFileName('x'.repeat(500) + '.pdf');
		expect(out).toHaveLength(200);
		expect(out.endsWith('.pdf')).toBe(true);
	});

	test('cap never splits a surrogate pair', () => {
		const out = safeFileName('a' + '😂'.repeat(150) + '.txt');
		expect(out.length).toBeLessThanOrEqual(200);
		expect(out.endsWith('.txt')).toBe(true);
		expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false);
	});

	test('non-string input does not throw', () => {
		expect(safeFileName(undefined as unknown as string)).toBe('file');
	});
});

describe('toSize', () => {
	test.each([
		['104857', 104857],
		[2048, 2048],
		[' 12 ', 12],
		['', undefined],
		['12abc', undefined],
		['-5', undefined],
		[-5, undefined],
		[null, undefined],
	])('%p → %p', (input, want) => {
		expect(toSize(input)).toBe(want);
	});
});

describe('mediaReference', () => {
	test('file: traversal in FileName is neutralised, MIME from fileext', () => {
		const raw = rawMsg({ MsgId: '42', MsgType: 49, FileName: '../../../home/user/.ssh/authorized_keys', MediaId: '@crypt_x' });
		const ref = mediaReference('file', raw, '42', { ext: 'txt', size: 10 });
		expect(ref.fileName).toBe('home_user_.ssh_authorized_keys');
		expect(ref.fileName).not.toMatch(/[/\\]|\.\./);
		expect(ref.mimeType).toBe('text/plain');
		expect(ref).toMatchObject({ kind: 'file', msgId: '42', mediaId: '@crypt_x', size: 10 });
	});

	test('file with an empty name falls back to MsgId + extension', () => {
		const ref = mediaReference('file', rawMsg({ FileName: '' }), '77', { ext: 'zip' });
		expect(ref.fileName).toBe('77.zip');
		expect(ref.mimeType).toBe('application/zip');
	});

	test('image ignores FileName (server-chosen), uses MsgId', () => {
		const ref = mediaReference('image', rawMsg({ FileName: '../evil.sh' }), '88');
		expect(ref.fileName).toBe('88.jpg');
		expect(ref.mimeType).toBe('image/jpeg');
		expect(ref.size).toBeUndefined();
	});
});
