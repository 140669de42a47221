import { backoffDelay } from '../../lib/wechat/clock';
import { hostsFor, mainHostFromRedirect, parseOriginOverride, routeUrl } from '../../lib/wechat/hosts';
import { clientMsgId, deviceId } from '../../lib/wechat/ids';
import { parseJsLogin, parseLoginPoll, parseSyncCheck } from '../../lib/wechat/jsbody';
import { applyCursor, CURSOR_SEEN, cursorOf } from '../../lib/wechat/cursor';
import { formatSyncKey, Session } from '../../lib/wechat/session';
import { FakeClock } from '../helpers/fake-clock';

describe('host map (protocol.md §2.1)', () => {
	it.each([
		['wx.qq.com', 'login.wx.qq.com', 'file.wx.qq.com', 'webpush.wx.qq.com'],
		['wx2.qq.com', 'login.wx2.qq.com', 'file.wx2.qq.com', 'webpush.wx2.qq.com'],
		['wx8.qq.com', 'login.wx8.qq.com', 'file.wx8.qq.com', 'webpush.wx8.qq.com'],
		['web.wechat.com', 'login.web.wechat.com', 'file.web.wechat.com', 'webpush.web.wechat.com'],
		['web2.wechat.com', 'login.web2.wechat.com', 'file.web2.wechat.com', 'webpush.web2.wechat.com'],
		['example.org', 'login.weixin.qq.com', 'file.wx.qq.com', 'webpush.weixin.qq.com'],
	])('%s → %s, %s, %s', (main, login, file, push) => {
		expect(hostsFor(main)).toEqual({ main, login, file, push });
	});

	it('takes the main host from the login redirect', () => {
		expect(mainHostFromRedirect('https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=a@qrticket_0&uuid=b')).toBe('wx2.qq.com');
		expect(mainHostFromRedirect('javascript:alert(1)')).toBeNull();
		expect(mainHostFromRedirect('not a url')).toBeNull();
		// Plain http would carry the login ticket unencrypted: refused with a reason (issue 16 item 10).
		expect(() => mainHostFromRedirect('http://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=a@qrticket_0')).toThrow(/plain http instead of https/);
	});

	it('accepts only http(s) origins as override', () => {
		expect(parseOriginOverride('http://127.0.0.1:8790/')).toBe('http://127.0.0.1:8790');
		expect(() => parseOriginOverride('file:///etc/passwd')).toThrow(/http or https/);
		expect(() => parseOriginOverride('ftp://x')).toThrow(/http or https/);
		expect(() => parseOriginOverride('http://u:p@host')).toThrow(/user name/);
		expect(() => parseOriginOverride('http://host/path')).toThrow(/without a path/);
	});

	it('routes a logical URL to the override and keeps the logical host in a header', () => {
		const r = routeUrl('https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1', 'http://127.0.0.1:9');
		expect(r.url).toBe('http://127.0.0.1:9/cgi-bin/mmwebwx-bin/synccheck?r=1');
		expect(r.extraHeaders).toEqual({ 'x-wechat-host': 'webpush.wx2.qq.com' });
		expect(routeUrl('https://wx.qq.com/x').url).toBe('https://wx.qq.com/x');
	});
});

describe('JS-assignment bodies', () => {
	it('jslogin', () => {
		expect(parseJsLogin('window.QRLogin.code = 200; window.QRLogin.uuid = "4dcaWx3uBw==";')).toEqual({ code: 200, uuid: '4dcaWx3uBw==' });
		expect(parseJsLogin('<html>')).toBeNull();
	});

	it('login poll codes, redirect and avatar', () => {
		expect(parseLoginPoll('window.code=408;')).toEqual({ code: 408 });
		expect(parseLoginPoll("window.code=201;window.userAvatar = 'data:img/jpg;base64,AAAA';")).toEqual({ code: 201, avatar: 'data:img/jpg;base64,AAAA' });
		const ok = parseLoginPoll('window.code=200;\nwindow.redirect_uri="https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=X@qrticket_0&uuid=U&lang=zh_CN&scan=1";');
		expect(ok?.code).toBe(200);
		expect(ok?.redirectUri).toMatch(/^https:\/\/wx2\.qq\.com\/.*scan=1$/);
		expect(parseLoginPoll('')).toBeNull();
	});

	it('synccheck', () => {
		expect(parseSyncCheck('window.synccheck={retcode:"0",selector:"2"}')).toEqual({ retcode: 0, selector: 2 });
		expect(parseSyncCheck('window.synccheck={retcode:"1102",selector:"0"}')).toEqual({ retcode: 1102, selector: 0 });
		expect(parseSyncCheck('window.synccheck={retcode:"0",sel')).toBeNull();
	});
});

describe('identifiers', () => {
	it('DeviceID is e + 15 digits; ClientMsgId is 13-digit ms + 0 + 3 digits', () => {
		const clock = new FakeClock(1_700_000_000_123);
		for (let i = 0; i < 50; i++) {
			expect(deviceId(clock)).toMatch(/^e\d{15}$/);
			const id = clientMsgId(clock);
			expect(id).toMatch(/^17000000001230\d{3}$/);
		}
	});

	it('back-off is capped, grows, and is jittered', () => {
		const clock = new FakeClock();
		const d = Array.from({ length: 12 }, (_, i) => backoffDelay(clock, i, 1000, 60000));
		for (const v of d) {
			expect(v).toBeGreaterThanOrEqual(1000);
			expect(v).toBeLessThanOrEqual(60000);
		}
		expect(new Set(d).size).toBeGreaterThan(5);
	});
});

describe('Session serialization', () => {
	it('round-trips tokens, keys, cookies and the seen set', () => {
		const s = new Session({ mode: 'desktop', mainHost: 'wx2.qq.com', tokens: { uin: '123', sid: 'SID', skey: '@crypt_x', passTicket: 'p%2B' }, loginTime: 10 });
		s.jar.setCookieSync('webwx_data_ticket=T1; Domain=.qq.com; Path=/', 'https://wx2.qq.com/');
		s.jar.setCookieSync('wxsid=SID; Domain=wx2.qq.com; Path=/', 'https://wx2.qq.com/');
		s.syncKey = { Count: 1, List: [{ Key: 1, Val: 5 }] };
		s.user = { Uin: 123, UserName: '@me', NickName: 'Me' };
		s.markSeen('111');
		const back = Session.fromJSON(s.toJSON());
		expect(back.tokens).toEqual(s.tokens);
		expect(back.hosts.push).toBe('webpush.wx2.qq.com');
		expect(back.cookie('webwx_data_ticket')).toBe('T1');
		expect(back.jar.getCookieStringSync('https://file.wx2.qq.com/x')).toContain('wxsid=SID');
		expect(back.hasSeen('111')).toBe(true);
		expect(back.markSeen('111')).toBe(false);
		expect(back.syncKey).toEqual(s.syncKey);
		expect(back.user?.UserName).toBe('@me');
	});

	it('rejects foreign or future formats with a clear message', () => {
		expect(() => Session.fromJSON('nope')).toThrow(/not valid JSON/);
		expect(() => Session.fromJSON('{"a":1}')).toThrow(/not a WeChat Web session/);
		expect(() => Session.fromJSON('{"format":"wechat-web-session","version":99}')).toThrow(/format version 99/);
	});

	it('bounds the seen set', () => {
		const s = new Session({ mode: 'web', mainHost: 'wx.qq.com', tokens: { uin: '1', sid: 's', skey: 'k', passTicket: 'p' }, loginTime: 0 });
		for (let i = 0; i < 5000; i++) s.markSeen(String(i));
		expect(s.seenCount).toBe(2000);
		expect(s.hasSeen('0')).toBe(false);
		expect(s.hasSeen('4999')).toBe(true);
	});

	it('a cursor carries the position and the newest MsgIds (the ones a hot reload can re-deliver), never a token', () => {
		const s = new Session({ mode: 'web', mainHost: 'wx.qq.com', tokens: { uin: '1', sid: 'sid-secret', skey: '@crypt_skey', passTicket: 'pt-secret' }, loginTime: 0 });
		s.syncKey = { Count: 1, List: [{ Key: 1, Val: 42 }] };
		for (let i = 0; i < 1000; i++) s.markSeen(`m${i}`);
		const text = cursorOf(s);
		for (const secret of ['sid-secret', '@crypt_skey', 'pt-secret']) expect(text).not.toContain(secret);
		const back = new Session({ mode: 'web', mainHost: 'wx.qq.com', tokens: { uin: '1', sid: 's2', skey: 'k2', passTicket: 'p2' }, loginTime: 0 });
		expect(applyCursor(back, text)).toBe(true);
		expect(back.syncKey).toEqual(s.syncKey);
		// The last delivered message, re-sent after a restore, is recognised; older ids are not carried.
		expect(back.markSeen('m999')).toBe(false);
		expect(back.hasSeen(`m${1000 - CURSOR_SEEN}`)).toBe(true);
		expect(back.hasSeen(`m${999 - CURSOR_SEEN}`)).toBe(false);
		expect(back.seenCount).toBe(CURSOR_SEEN);
	});

	it('formats the synccheck key as Key_Val joined by |', () => {
		expect(formatSyncKey({ Count: 2, List: [{ Key: 1, Val: 7 }, { Key: 1000, Val: 9 }] })).toBe('1_7|1000_9');
	});
});
