/* eslint-disable no-console -- the leak scan wraps console output; test code runs under plain Node */
/**
 * Runs in every test file: console output is collected for the leak scan, and
 * after the file's tests no collected log line, console line or error message
 * may contain a token or secret cookie that a simulator of this file issued.
 */
import { findLeaks, recordText } from './helpers/secret-scan';

for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
	const original = console[method].bind(console);
	console[method] = (...args: unknown[]) => {
		recordText(args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.message}` : safeJson(a))).join(' '));
		original(...args);
	};
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

afterAll(() => {
	const leaks = findLeaks();
	if (leaks.length) {
		throw new Error(`Secrets leaked into logs or error messages:\n${leaks.slice(0, 10).map((l) => `  ${l.kind}: …${l.where}…`).join('\n')}`);
	}
});
