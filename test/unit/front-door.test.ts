/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node */
/**
 * lib/wechat has one front door (lib/wechat/index.ts): the n8n side (nodes/,
 * credentials/) imports the protocol client only through it, and never reaches
 * into the client's parts (client.http / .session / .pacer / .contacts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const LIB = join(ROOT, 'lib', 'wechat');

/**
 * Imports that may still bypass the index, each exactly as written today:
 * - the credential loads alone when n8n lists credentials; it checks hosts
 *   without pulling in the whole client.
 */
const ALLOWED: Record<string, string[]> = {
	'credentials/WeChatWebApi.credentials.ts': ['lib/wechat/hosts'],
};

function tsFiles(dir: string): string[] {
	const out: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) out.push(...tsFiles(path));
		else if (entry.name.endsWith('.ts')) out.push(path);
	}
	return out;
}

/** Every module specifier: import/export … from, import('…'), require('…'), bare import '…'. */
function specifiers(source: string): string[] {
	const found: string[] = [];
	const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s*['"]([^'"]+)['"]/gm];
	for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
	return found;
}

/** The lib/wechat module a specifier of `file` points to ('lib/wechat' for the index), or null. */
function wechatTarget(file: string, specifier: string): string | null {
	if (!specifier.startsWith('.')) return null;
	const target = resolve(dirname(file), specifier).replace(/\.(ts|js)$/, '');
	if (target !== LIB && !target.startsWith(LIB + sep)) return null;
	const rel = relative(ROOT, target).split(sep).join('/');
	return rel === 'lib/wechat/index' ? 'lib/wechat' : rel;
}

function violations(): string[] {
	const out: string[] = [];
	for (const file of [...tsFiles(join(ROOT, 'nodes')), ...tsFiles(join(ROOT, 'credentials'))]) {
		const rel = relative(ROOT, file).split(sep).join('/');
		for (const spec of specifiers(readFileSync(file, 'utf8'))) {
			const target = wechatTarget(file, spec);
			if (target && target !== 'lib/wechat' && !(ALLOWED[rel] ?? []).includes(target)) out.push(`${rel} imports '${spec}'`);
		}
	}
	return out;
}

describe('lib/wechat front door', () => {
	test('nodes/ and credentials/ import lib/wechat only through lib/wechat/index.ts', () => {
		expect(violations()).toEqual([]);
	});

	test('nodes/ use the client by intent, not its parts', () => {
		const parts = /\bclient\??\.(http|session|pacer|contacts|contactsLoadedAt)\b/;
		const out: string[] = [];
		for (const file of tsFiles(join(ROOT, 'nodes'))) {
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (parts.test(line)) out.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(out).toEqual([]);
	});

	test('the scanner sees every form of import and resolves paths', () => {
		const file = join(ROOT, 'nodes', 'X', 'a.ts');
		const source = [
			"import type { A } from '../../lib/wechat/types';",
			"import { B } from '../../lib/wechat';",
			"export { C } from '../../lib/wechat/index';",
			"const d = await import('../../lib/wechat/session');",
			"const e = require('../../lib/wechat/http');",
			"import '../../lib/wechat/qr';",
			"import { F } from 'n8n-workflow';",
			"import { G } from '../shared/errors';",
		].join('\n');
		const targets = specifiers(source).map((s) => wechatTarget(file, s));
		expect(targets.sort()).toEqual(
			['lib/wechat', 'lib/wechat', 'lib/wechat/http', 'lib/wechat/qr', 'lib/wechat/session', 'lib/wechat/types', null, null].sort(),
		);
	});
});
