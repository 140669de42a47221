/**
 * The floor: a raw client that does nothing but synccheck + webwxsync (ContinueFlag
 * drained) on the same simulator, over the same fetch stack as our FetchTransport,
 * with cookies and URLs prepared once. No normalizing, no de-duplication, no
 * persistence: whatever our client costs above this is our own overhead.
 */
import { Session } from '../lib/wechat/session';

interface RawKey {
	Count: number;
	List: Array<{ Key: number; Val: number }>;
}

interface RawSync {
	AddMsgList?: Array<Record<string, unknown>>;
	ContinueFlag?: number;
	SyncKey?: RawKey;
	SyncCheckKey?: RawKey;
	SKey?: string;
	BaseResponse: { Ret: number };
}

const CGI = '/cgi-bin/mmwebwx-bin';
const fmt = (k: RawKey) => k.List.map((e) => `${e.Key}_${e.Val}`).join('|');

export class FloorClient {
	private readonly tokens: { uin: string; sid: string; skey: string; passTicket: string };
	private readonly mainHost: string;
	private readonly pushHost: string;
	private readonly cookie: string;
	private syncKey: RawKey;
	private checkKey: RawKey;
	private readonly deviceId = `e${String(Math.random()).slice(2, 17).padEnd(15, '0')}`;

	constructor(
		private readonly origin: string,
		sessionJson: string,
	) {
		const s = Session.fromJSON(sessionJson);
		this.tokens = { ...s.tokens };
		this.mainHost = s.hosts.main;
		this.pushHost = s.hosts.push;
		this.cookie = s.jar.getCookieStringSync(`https://${s.hosts.main}/`);
		this.syncKey = s.syncKey as RawKey;
		this.checkKey = (s.syncCheckKey ?? s.syncKey) as RawKey;
	}

	/** Yields each non-empty AddMsgList until `signal` aborts. */
	async *messages(signal: AbortSignal): AsyncGenerator<Array<Record<string, unknown>>> {
		const t = this.tokens;
		let counter = Date.now();
		let drain = false;
		while (!signal.aborted) {
			if (!drain) {
				const q = new URLSearchParams({ r: String(Date.now()), skey: t.skey, sid: t.sid, uin: t.uin, deviceid: this.deviceId, synckey: fmt(this.checkKey), _: String(counter++) });
				const text = await (await fetch(`${this.origin}${CGI}/synccheck?${q}`, { headers: { cookie: this.cookie, 'x-wechat-host': this.pushHost }, signal })).text();
				const m = /retcode:"(\d+)",selector:"(\d+)"/.exec(text);
				if (!m || m[1] !== '0') throw new Error(`floor: synccheck ${text}`);
				if (m[2] === '0') continue;
			}
			const q = new URLSearchParams({ sid: t.sid, skey: t.skey, pass_ticket: t.passTicket, lang: 'zh_CN' });
			const body = JSON.stringify({ BaseRequest: { Uin: Number(t.uin), Sid: t.sid, Skey: t.skey, DeviceID: this.deviceId }, SyncKey: this.syncKey, rr: ~Date.now() });
			const res = (await (
				await fetch(`${this.origin}${CGI}/webwxsync?${q}`, {
					method: 'POST',
					headers: { cookie: this.cookie, 'x-wechat-host': this.mainHost, 'content-type': 'application/json;charset=UTF-8' },
					body,
					signal,
				})
			).json()) as RawSync;
			if (res.BaseResponse.Ret !== 0) throw new Error(`floor: webwxsync Ret ${res.BaseResponse.Ret}`);
			if (res.SyncKey?.Count) this.syncKey = res.SyncKey;
			if (res.SyncCheckKey?.Count) this.checkKey = res.SyncCheckKey;
			if (res.SKey) t.skey = res.SKey;
			const list = res.AddMsgList ?? [];
			drain = !!res.ContinueFlag && list.length > 0;
			if (list.length) yield list;
		}
	}
}
