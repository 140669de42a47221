/**
 * Login endpoints: jslogin, the login long-poll, webwxnewloginpage (the ticket
 * exchange, with its XML, 301 quirk, refusals and cookies), webwxpushloginurl and
 * the QR placeholder image (protocol.md §1.1-1.5, CONTRACT "Login").
 */

import type { SimContext, LoginAttempt } from './context';
import type { Exchange } from './exchange';
import { mediaBytesFor } from './media';
import { newCookieTicket, Session } from './sessions';
import { fullyDecode, parseQuery, safeDecode, randomAlnum, randomFrom, randomHex, tokensEqual, unixNow } from './util';

export const APP_ID = 'wx782c26e4c19acffb';
export const NEWLOGINPAGE = 'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage';
export const EXTSPAM =
	'Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs06GFlWplHQbY/5FfiO++1yH4ykCyNPWKXmco+wfQzK5R98D3so7rJ5LmGFvBLjGceleySrc3SOf2Pc1gVehzJgODeS0lDL3/I/0S2SSE98YgKleq6Uqx6ndTy9yaL9qFxJL7eiA/R3SEfTaW1SBoSITIu+EEkXff+Pv8NHOk7N57rcGk1w0ZzRrQDkXTOXFN2iHYIzAAZPIOY45Lsh+A4slpgnDiaOvRtlQYCt97nmPLuTipOJ8Qc5pM7ZsOsAPPrCQL7nK0I7aPrFDF0q4ziUUKettzW8MrAaiVfmbD1/VkmLNVqqZVvBCtRblXb5FHmtS8FxnqCzYP4WFvz3T0TcrOqwLX1M/DQvcHaGGw0B0y4bZMs7lVScGBFxMj3vbFi2SRKbKhaitxHfYHAOAa0X7/MSS0RNAjdwoyGHeOepXOKY+h3iHeqCvgOH6LOifdHf/1aaZNwSkGotYnYScW8Yx63LnSwba7+hESrtPa/huRmB9KWvMCKbDThL/nne14hnL277EDCSocPu3rOSYjuB9gKSOdVmWsj9Dxb/iZIe+S6AiG29Esm+/eUacSba0k8wn5HhHg9d4tIcixrxveflc8vi2/wNQGVFNsGO6tB5WF0xf/plngOvQ1/ivGV/C1Qpdhzznh0ExAVJ6dwzNg7qIEBaw+BzTJTUuRcPk92Sn6QDn2Pu3mpONaEumacjW4w6ipPnPw+g2TfywJjeEcpSZaP4Q3YV5HG8D6UjWA4GSkBKculWpdCMadx0usMomsSS/74QgpYqcPkmamB4nVv1JxczYITIqItIKjD35IGKAUwAA==';
export const DESKTOP_REFERER = 'https://wx.qq.com/?&lang=zh_CN&target=t';
export const REFUSED_1203 =
	'为了你的帐号安全，此微信号已不允许登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com';
export const REFUSED_HTML =
	'<!DOCTYPE html><html><head><meta charset="utf-8"><title>微信网页版</title></head><body><div class="err">为了保障你的账号安全，暂不支持使用网页版微信。你可以使用Windows微信或Mac微信在电脑端登录。</div></body></html>';

/** Redirect tickets stay usable this long after the confirm (WB: ~300 s). */
const TICKET_LIFETIME_MS = 300_000;

// ---- login attempts ----

export function newAttempt(ctx: SimContext, push: boolean, desktopRequested: boolean): LoginAttempt {
	const a: LoginAttempt = {
		uuid: randomAlnum(10) + '==',
		state: 'waiting',
		push,
		createdAt: Date.now(),
		desktopRequested,
		polled: false,
		avatarDelivered: false,
		ticketUsed: false,
	};
	ctx.logins.push(a);
	ctx.changed();
	return a;
}

/** Marks an unconfirmed QR as expired once its lifetime is over. */
export function refreshExpiry(ctx: SimContext, a: LoginAttempt): void {
	if ((a.state === 'waiting' || a.state === 'scanned') && Date.now() >= a.createdAt + ctx.opts.qrLifetimeMs) a.state = 'expired';
}

// ---- jslogin ----

export function jslogin(ctx: SimContext, ex: Exchange): void {
	// W4 POSTs; accept parameters in a form body as well as the query.
	const q = { ...parseQuery(ex.body.toString('utf8')), ...ex.query };
	const refuse = () => ex.js('window.QRLogin.code = 400; window.QRLogin.uuid = "";');
	if (q.appid !== APP_ID || q.fun !== 'new') return refuse();
	let desktop = false;
	if (q.redirect_uri !== undefined) {
		const r = fullyDecode(q.redirect_uri);
		if (r === NEWLOGINPAGE + '?mod=desktop') desktop = true;
		else if (r !== NEWLOGINPAGE) return refuse();
	}
	const a = newAttempt(ctx, false, desktop);
	ex.js(`window.QRLogin.code = 200; window.QRLogin.uuid = "${a.uuid}";`);
}

// ---- login poll ----

function avatarDataUri(ctx: SimContext): string {
	return 'data:img/jpg;base64,' + mediaBytesFor(ctx.opts.mediaSeed, 'avatar', 'image', 600).toString('base64');
}

/** The poll's answer for the attempt's current state, or null to keep holding. */
function pollAnswer(ctx: SimContext, a: LoginAttempt, withIcon: boolean): string | null {
	refreshExpiry(ctx, a);
	switch (a.state) {
		case 'expired':
			return 'window.code=400;';
		case 'cancelled':
			return 'window.code=202;';
		default:
	}
	if (a.scannedAt !== undefined && !a.avatarDelivered && !a.push) {
		a.avatarDelivered = true;
		return withIcon ? `window.code=201;window.userAvatar = '${avatarDataUri(ctx)}';` : 'window.code=201;';
	}
	if (a.state === 'confirmed') {
		if (a.ticketUsed || !a.ticket) return 'window.code=400;';
		const url = `https://${ctx.account.mainHost}/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=${a.ticket}&uuid=${a.uuid}&lang=zh_CN&scan=${Math.floor((a.scannedAt ?? Date.now()) / 1000)}`;
		return `window.code=200;\nwindow.redirect_uri="${url}";`;
	}
	return null;
}

export function loginPoll(ctx: SimContext, ex: Exchange): void {
	const a = ctx.logins.find((x) => x.uuid === ex.query.uuid);
	if (!a) return ex.js('window.code=400;');
	if (!a.polled) {
		a.polled = true;
		ctx.changed();
	}
	// `loginicon=true` is what puts the scanner's avatar into the 201.
	const withIcon = ex.query.loginicon === 'true';
	// Hold no longer than the QR lives, so an expiry is reported on time.
	const lifeLeft = a.state === 'confirmed' ? Infinity : a.createdAt + ctx.opts.qrLifetimeMs - Date.now() + 5; // timers may fire a millisecond early
	ctx.holds.hold(
		ex,
		Math.max(0, Math.min(ctx.opts.loginHoldMs, lifeLeft)),
		() => {
			const answer = pollAnswer(ctx, a, withIcon);
			if (answer === null) return false;
			ex.js(answer);
			return true;
		},
		() => ex.js(pollAnswer(ctx, a, withIcon) ?? 'window.code=408;'),
	);
}

// ---- webwxnewloginpage ----

function xmlError(ret: number, message: string): string {
	return `<error><ret>${ret}</ret><message>${message}</message></error>`;
}

/** Desktop (UOS) headers exactly as every maintained library sends them (protocol.md §1.4). */
function hasDesktopHeaders(ex: Exchange): boolean {
	return ex.header('client-version') === '2.0.0' && ex.header('extspam') === EXTSPAM && ex.header('referer') === DESKTOP_REFERER;
}

function parentDomain(host: string): string {
	if (host === 'wechat.com' || host.endsWith('.wechat.com')) return '.wechat.com';
	if (host === 'qq.com' || host.endsWith('.qq.com')) return '.qq.com';
	return host;
}

function loginCookies(ctx: SimContext, s: Session): string[] {
	const main = ctx.account.mainHost;
	const parent = parentDomain(main);
	const day = new Date(Date.now() + 86_400_000).toUTCString();
	const year = new Date(Date.now() + 365 * 86_400_000).toUTCString();
	const c = (name: string, value: string, domain: string, expires: string) => `${name}=${value}; Domain=${domain}; Path=/; Expires=${expires}`;
	return [
		c('wxuin', s.uin, main, day),
		c('wxsid', s.sid, main, day),
		c('wxloadtime', String(unixNow()), main, day),
		c('mm_lang', 'zh_CN', main, day),
		c('webwx_data_ticket', s.dataTicket, parent, day),
		c('webwxuvid', randomHex(32), main, year),
		c('webwx_auth_ticket', ctx.account.authTicket ?? '', parent, year),
	];
}

/** Creates a session; any earlier live session of the account is kicked ("logged in elsewhere"). */
export function startSession(ctx: SimContext, desktop: boolean): Session {
	for (const old of ctx.sessions) {
		if (!old.loggedOut) {
			old.loggedOut = true;
			old.logoutCode = 1101;
		}
	}
	const s = new Session(ctx.account, desktop, ctx.log.seq);
	ctx.account.authTicket ??= newCookieTicket();
	ctx.sessions.push(s);
	if (ctx.opts.historyOnLogin > 0) ctx.injector.history(ctx.opts.historyOnLogin);
	ctx.changed();
	return s;
}

export function newLoginPage(ctx: SimContext, ex: Exchange): void {
	const q = ex.query;
	const a = q.ticket ? ctx.logins.find((x) => x.ticket === q.ticket) : undefined;
	const desktopRequest = q.mod === 'desktop' && hasDesktopHeaders(ex);
	const desktop = desktopRequest && (a?.desktopRequested ?? false);
	// The UOS quirk: without version=v2 the XML comes in a 301 without Location.
	const status = desktop && q.version !== 'v2' ? 301 : 200;
	const xml = (body: string, cookies: string[] = []) => {
		const headers: Record<string, string | string[]> = { 'Content-Type': 'text/plain' };
		if (cookies.length) headers['Set-Cookie'] = cookies;
		ex.send(status, headers, body);
	};
	if (!a || a.ticketUsed || a.state !== 'confirmed' || q.uuid !== a.uuid || Date.now() - (a.ticketIssuedAt ?? 0) > TICKET_LIFETIME_MS) {
		return xml(xmlError(-14, 'ticket error'));
	}
	a.ticketUsed = true;
	ctx.changed();
	const account = ctx.account;
	if (account.refused === 'html') return ex.send(200, { 'Content-Type': 'text/html; charset=utf-8' }, REFUSED_HTML);
	if (account.refused === 'ret1203' || (account.desktopOnly && !desktop)) return xml(xmlError(1203, REFUSED_1203));
	const s = startSession(ctx, desktop);
	xml(
		`<error><ret>0</ret><message></message><skey>${s.skey}</skey><wxsid>${s.sid}</wxsid><wxuin>${s.uin}</wxuin><pass_ticket>${s.passTicket}</pass_ticket><isgrayscale>1</isgrayscale></error>`,
		loginCookies(ctx, s),
	);
}

// ---- push login, QR image ----

export function pushLoginUrl(ctx: SimContext, ex: Exchange): void {
	const ticket = ex.cookies['webwx_auth_ticket'];
	const account = ctx.account;
	if (ex.query.uin !== account.uin || !account.authTicket || !tokensEqual(ticket, account.authTicket)) {
		return ex.json({ ret: '1', msg: 'param error' });
	}
	const a = newAttempt(ctx, true, ex.query.mod === 'desktop');
	ex.json({ ret: '0', msg: 'all ok', uuid: a.uuid });
}

export function qrcode(ctx: SimContext, ex: Exchange): void {
	const uuid = safeDecode(ex.path.slice('/qrcode/'.length));
	if (!ctx.logins.some((a) => a.uuid === uuid)) return ex.notFound('unknown uuid');
	ex.send(200, { 'Content-Type': 'image/jpeg' }, mediaBytesFor(ctx.opts.mediaSeed, `qr/${uuid}`, 'image', 4_096));
}

/** Ticket in the redirect: `<24 chars>@qrticket_0`. */
export function newTicket(): string {
	return randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 24) + '@qrticket_0';
}
