/**
 * The Cookie header for a request, reused while the jar is unchanged. tough-cookie
 * matches, sorts and expiry-checks every cookie on each read, which made it the
 * biggest CPU cost of the receive loop once requests themselves are cheap (two
 * requests per message). Every change to a session's jar goes through
 * `jarChanged` (http.ts applies Set-Cookie there), and an entry also ends when
 * the first of its cookies expires.
 */
import type { CookieJar } from '../vendor';

interface Entry {
	header: string;
	/** Epoch ms when the first cookie in `header` expires (Infinity for session cookies). */
	validUntil: number;
}

interface JarState {
	version: number;
	headers: Map<string, Entry>;
	serialized?: { version: number; value: unknown };
}

const states = new WeakMap<CookieJar, JarState>();

function stateOf(jar: CookieJar): JarState {
	let state = states.get(jar);
	if (!state) {
		state = { version: 0, headers: new Map() };
		states.set(jar, state);
	}
	return state;
}

/** Cookies apply by scheme, host and path, never by query: the URL without its query is the key. */
function scopeOf(url: string): string {
	const q = url.indexOf('?');
	return q === -1 ? url : url.slice(0, q);
}

export function cookieHeader(jar: CookieJar, url: string, now: number): string {
	const state = stateOf(jar);
	const key = scopeOf(url);
	const hit = state.headers.get(key);
	if (hit && now < hit.validUntil) return hit.header;
	const cookies = jar.getCookiesSync(url);
	let validUntil = Infinity;
	for (const c of cookies) {
		const expires = c.expiryTime();
		if (typeof expires === 'number' && expires < validUntil) validUntil = expires;
	}
	const header = cookies.map((c) => c.cookieString()).join('; ');
	state.headers.set(key, { header, validUntil });
	return header;
}

/** Call after any change to the jar (Set-Cookie applied, cookies removed). */
export function jarChanged(jar: CookieJar): void {
	const state = stateOf(jar);
	state.version++;
	state.headers.clear();
}

/** The jar's serialized form, recomputed only after a change (a checkpoint is written per batch). */
export function serializedJar(jar: CookieJar): unknown {
	const state = stateOf(jar);
	if (state.serialized?.version !== state.version) state.serialized = { version: state.version, value: jar.serializeSync() };
	return state.serialized.value;
}
