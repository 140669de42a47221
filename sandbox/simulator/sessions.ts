/**
 * A login session: the tokens the server issued, the per-login UserName map and
 * the per-session sync state. Also the authentication rules every session call
 * shares (CONTRACT "Session-authenticated calls").
 */

import type { SentRecord, SessionInfo } from './api';
import { type Account, type Names, SPECIAL_IDS } from './accounts';
import type { Exchange } from './exchange';
import { isRecord, randomAlnum, randomFrom, randomHex, str, tokensEqual } from './util';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function newSkey(): string {
	return `@crypt_${randomHex(4)}_${randomHex(16)}`;
}

/** Percent-encoded, guaranteed to contain %2B and %2F (CONTRACT). */
function newPassTicket(): string {
	const raw = randomAlnum(3) + '+' + randomFrom(B64, 20) + '/' + randomFrom(B64, 36);
	return encodeURIComponent(raw);
}

/** Cookie-style ticket with `+`, `/` and `=`: clients must encode it in queries. */
export function newCookieTicket(): string {
	return randomAlnum(4) + '+' + randomFrom(B64, 30) + '/' + randomFrom(B64, 20) + '=';
}

export class Session implements Names {
	readonly uin: string;
	readonly sid = randomFrom(B64, 16);
	skey = newSkey();
	/** SKeys this session had before a rotation (still secrets: see issuedSecrets). */
	readonly pastSkeys: string[] = [];
	readonly passTicket = newPassTicket();
	readonly dataTicket = newCookieTicket();
	readonly createdAt = Date.now();
	loggedOut = false;
	logoutCode = 1101;
	/** Log position when the session started: nothing before it is ever delivered. */
	readonly baseSeq: number;
	/** webwxinit has answered this session before: a later webwxinit is a restore (CONTRACT "Sync"). */
	initialized = false;
	/** A restore (a later webwxinit) happened: the next webwxsync re-sends the last message before its key. */
	redeliverLast = false;
	/** Phone activity since the last webwxsync (selector 7). */
	activity = false;
	/** selectorSpin fault: the next webwxsync returns nothing new. */
	spinNext = false;
	/** A SyncCheckKey was handed out since the last webwxinit (synccheck must use it). */
	syncCheckKeyIssued = false;
	/** The last synccheck carried the SyncKey instead of the SyncCheckKey: webwxsync stays empty until one carries the right key. */
	staleSyncCheck = false;
	/** rotateSkey(): handed out by the next webwxsync, then the old skey is refused. */
	pendingSkey?: string;
	readonly sentById = new Map<string, SentRecord>();
	/** webwxcheckupload answers by `${md5}|${size}`. */
	readonly checkedUploads = new Map<string, { aesKey: string; signature: string }>();
	private readonly names = new Map<string, string>();
	private readonly ids = new Map<string, string>();
	private readonly encryIds = new Map<string, string>();

	constructor(
		readonly account: Account,
		readonly desktop: boolean,
		startSeq: number,
	) {
		this.uin = account.uin;
		this.baseSeq = startSeq;
	}

	/** This session's UserName for a raw id (created on first use). */
	un(id: string): string {
		if (SPECIAL_IDS.includes(id)) return id;
		let n = this.names.get(id);
		if (!n) {
			n = (id.endsWith('@chatroom') ? '@@' : '@') + randomHex(32);
			this.names.set(id, n);
			this.ids.set(n, id);
		}
		return n;
	}

	/** Raw id for a UserName of this session (special names map to themselves). */
	idOf(userName: string): string | undefined {
		if (SPECIAL_IDS.includes(userName)) return userName;
		return this.ids.get(userName);
	}

	encry(groupId: string): string {
		let e = this.encryIds.get(groupId);
		if (!e) {
			e = '@' + randomHex(16);
			this.encryIds.set(groupId, e);
		}
		return e;
	}

	groupByEncry(encry: string): string | undefined {
		for (const [id, e] of this.encryIds) if (e === encry) return id;
		return undefined;
	}

	get selfUserName(): string {
		return this.un(this.account.selfId);
	}

	info(): SessionInfo {
		return {
			uin: this.uin,
			sid: this.sid,
			skey: this.skey,
			passTicket: this.passTicket,
			selfUserName: this.selfUserName,
			desktop: this.desktop,
			loggedOut: this.loggedOut,
		};
	}
}

export type Auth = { ok: true; session: Session } | { ok: false; ret: number; reason: string };

const fail = (ret: number, reason: string): Auth => ({ ok: false, ret, reason });

/** Cookies `wxsid` and `wxuin` must be present and belong to the session (else 1100). */
function checkCookies(ex: Exchange, s: Session): Auth {
	const sid = ex.cookies['wxsid'];
	const uin = ex.cookies['wxuin'];
	if (sid === undefined || uin === undefined) return fail(1100, 'cookies wxsid/wxuin missing');
	if (!tokensEqual(sid, s.sid) || !tokensEqual(uin, s.uin)) return fail(1100, 'cookies wxsid/wxuin belong to another session');
	return { ok: true, session: s };
}

/** Query tokens: checked when present (sid → 1100, skey/pass_ticket → 1101). */
function checkQueryTokens(ex: Exchange, s: Session): Auth {
	const q = ex.query;
	if (q.sid !== undefined && !tokensEqual(q.sid, s.sid)) return fail(1100, 'query sid does not match');
	if (q.skey !== undefined && !tokensEqual(q.skey, s.skey)) return fail(1101, 'query skey does not match');
	if (q.pass_ticket !== undefined && !tokensEqual(q.pass_ticket, s.passTicket)) return fail(1101, 'query pass_ticket does not match');
	return { ok: true, session: s };
}

/**
 * JSON POST rule: BaseRequest {Uin, Sid, Skey} (DeviceID not checked), then the
 * session cookies and any query tokens. Unknown Sid → 1100, wrong Skey → 1101.
 */
export function authBaseRequest(sessions: Session[], ex: Exchange, body: unknown): Auth {
	if (!isRecord(body) || !isRecord(body.BaseRequest)) return fail(1200, 'BaseRequest missing');
	const br = body.BaseRequest;
	const sid = str(br, 'Sid');
	const skey = str(br, 'Skey');
	const uin = str(br, 'Uin');
	const s = sid === undefined ? undefined : sessions.find((x) => x.sid === sid);
	if (!s) return fail(1100, 'BaseRequest.Sid unknown');
	if (s.loggedOut) return fail(s.logoutCode, 'session logged out');
	if (uin === undefined || uin !== s.uin) return fail(1100, 'BaseRequest.Uin does not match');
	if (skey !== s.skey) return fail(1101, 'BaseRequest.Skey does not match');
	const c = checkCookies(ex, s);
	if (!c.ok) return c;
	return checkQueryTokens(ex, s);
}

/**
 * GET rule (webwxgetcontact, media, icons): the session comes from the `wxsid`
 * cookie; query skey must match when `requireSkey`.
 */
export function authCookieQuery(sessions: Session[], ex: Exchange, requireSkey: boolean): Auth {
	const cookieSid = ex.cookies['wxsid'];
	if (cookieSid === undefined) return fail(1100, 'cookie wxsid missing');
	const s = sessions.find((x) => tokensEqual(cookieSid, x.sid));
	if (!s) return fail(1100, 'cookie wxsid unknown');
	if (s.loggedOut) return fail(s.logoutCode, 'session logged out');
	const c = checkCookies(ex, s);
	if (!c.ok) return c;
	if (requireSkey && ex.query.skey === undefined) return fail(1101, 'query skey missing');
	return checkQueryTokens(ex, s);
}

/**
 * Runs `fn` for an authenticated JSON POST; otherwise answers Ret 1200 (body not
 * JSON) or the auth failure's Ret.
 */
export function withJsonSession(sessions: Session[], ex: Exchange, fn: (s: Session, body: Record<string, unknown>) => void): void {
	const body = ex.jsonBody();
	if (!isRecord(body)) return ex.ret(1200, 'body is not a JSON object');
	const auth = authBaseRequest(sessions, ex, body);
	if (!auth.ok) return ex.ret(auth.ret, auth.reason);
	fn(auth.session, body);
}
