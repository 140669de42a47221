/**
 * The Cookie-header cache: the same header tough-cookie would build, refreshed
 * when the jar changes or a cookie in it expires, and the jar's serialized form
 * recomputed only after a change.
 */
import { cookieHeader, jarChanged, serializedJar } from '../../lib/wechat/cookie-cache';
import { CookieJar } from '../../lib/vendor';

const URL_A = 'https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsync?sid=x&skey=y';
const PUSH = 'https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1';

function jarWith(...cookies: string[]): CookieJar {
	const jar = new CookieJar();
	for (const c of cookies) jar.setCookieSync(c, 'https://wx2.qq.com/');
	return jar;
}

it('builds the same header as tough-cookie, per host, whatever the query', () => {
	const jar = jarWith('wxsid=S; Domain=wx2.qq.com; Path=/', 'webwx_data_ticket=T; Domain=.qq.com; Path=/', 'wxuin=U; Path=/');
	const now = Date.now();
	expect(cookieHeader(jar, URL_A, now)).toBe(jar.getCookieStringSync(URL_A));
	expect(cookieHeader(jar, PUSH, now)).toBe(jar.getCookieStringSync(PUSH));
	expect(cookieHeader(jar, PUSH, now)).not.toContain('wxuin=U'); // host-only cookie of wx2.qq.com
	expect(cookieHeader(jar, `${URL_A}&other=1`, now)).toBe(jar.getCookieStringSync(URL_A));
});

it('is refreshed after jarChanged, and stale without it (so every change must report itself)', () => {
	const jar = jarWith('a=1; Domain=.qq.com; Path=/');
	const now = Date.now();
	expect(cookieHeader(jar, URL_A, now)).toBe('a=1');
	jar.setCookieSync('b=2; Domain=.qq.com; Path=/', 'https://wx2.qq.com/');
	expect(cookieHeader(jar, URL_A, now)).toBe('a=1');
	jarChanged(jar);
	expect(cookieHeader(jar, URL_A, now)).toBe(jar.getCookieStringSync(URL_A));
	expect(cookieHeader(jar, URL_A, now)).toContain('b=2');
});

it('drops a cookie once it expires', () => {
	const expires = new Date(Date.now() + 60_000).toUTCString();
	const jar = jarWith('keep=1; Domain=.qq.com; Path=/', `short=2; Domain=.qq.com; Path=/; Expires=${expires}`);
	expect(cookieHeader(jar, URL_A, Date.now())).toContain('short=2');
	// Past the expiry the entry is rebuilt; tough-cookie itself decides on real time, so move the
	// cookie's expiry into the past as time would.
	const [short] = jar.getCookiesSync(URL_A).filter((c) => c.key === 'short');
	short.expires = new Date(Date.now() - 1000);
	expect(cookieHeader(jar, URL_A, Date.now() + 61_000)).toBe('keep=1');
});

it('serializes the jar once per change', () => {
	const jar = jarWith('a=1; Domain=.qq.com; Path=/');
	const first = serializedJar(jar);
	expect(serializedJar(jar)).toBe(first);
	jar.setCookieSync('b=2; Domain=.qq.com; Path=/', 'https://wx2.qq.com/');
	jarChanged(jar);
	const second = serializedJar(jar) as { cookies: Array<{ key: string }> };
	expect(second).not.toBe(first);
	expect(second.cookies.map((c) => c.key).sort()).toEqual(['a', 'b']);
});
