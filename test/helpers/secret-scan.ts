/**
 * Leak scan shared by every test file (wired in jest.setup.ts): log lines,
 * console output and error messages are collected as the tests run; every
 * simulator a test starts registers the tokens and secret cookies it issued.
 * After the file's tests, no collected text may contain any of them, as issued
 * or percent-encoded.
 */

export interface Secret {
	kind: string;
	value: string;
}

export interface Leak {
	kind: string;
	/** Where it was found, with the secret itself masked. */
	where: string;
}

const texts: string[] = [];
const sources: Array<() => Secret[]> = [];

/** A log line, console output or error text produced during the tests. */
export function recordText(text: string): void {
	if (text) texts.push(text);
}

/** Records an error as a user would see it: message, description and cause chain. */
export function recordError(error: unknown): void {
	let e: unknown = error;
	for (let depth = 0; e && depth < 5; depth++) {
		const err = e as { message?: unknown; description?: unknown; cause?: unknown };
		recordText(`${String(err.message ?? e)} ${typeof err.description === 'string' ? err.description : ''}`);
		e = err.cause;
	}
}

export function registerSecretSource(source: () => Secret[]): void {
	sources.push(source);
}

export function collectedTextCount(): number {
	return texts.length;
}

/** Every secret (min. 6 characters, so short cookie values like a language code are not "secrets") found in `corpus`. */
export function findLeaks(corpus: readonly string[] = texts, secrets: Secret[] = sources.flatMap((s) => s())): Leak[] {
	const needles = new Map<string, string>();
	for (const { kind, value } of secrets) {
		if (!value || value.length < 6) continue;
		needles.set(value, kind);
		needles.set(encodeURIComponent(value), kind);
	}
	const leaks: Leak[] = [];
	for (const text of corpus) {
		for (const [needle, kind] of needles) {
			const at = text.indexOf(needle);
			if (at >= 0) leaks.push({ kind, where: `${text.slice(Math.max(0, at - 60), at)}<${kind}>${text.slice(at + needle.length, at + needle.length + 60)}` });
		}
	}
	return leaks;
}

export function secretCount(): number {
	return sources.flatMap((s) => s()).length;
}

export function resetScan(): void {
	texts.length = 0;
	sources.length = 0;
}
