/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 4. Contacts: N contacts loaded with Seq paging, then lookups by nickname and
 * remark, and a batch lookup of 500 UserNames. Times and request counts, against
 * a raw floor (plain fetch paging, a linear scan per lookup, raw batch posts).
 */
import { performance } from 'node:perf_hooks';
import { Session } from '../../lib/wechat/session';
import { loggedInClient, startSimProcess } from '../sim';
import { interleaved, median, round, type Row } from '../stats';

const CGI = '/cgi-bin/mmwebwx-bin';

interface ContactsRun {
	loaded: number;
	loadMs: number;
	lookupMs: number;
	batchMs: number;
	loadRequests?: number;
	batchRequests?: number;
}

interface RawContact {
	UserName: string;
	NickName: string;
	RemarkName: string;
}

/** The floor: the same requests with nothing but fetch and JSON.parse. */
async function rawLoad(origin: string, sessionJson: string): Promise<RawContact[]> {
	const s = Session.fromJSON(sessionJson);
	const cookie = s.jar.getCookieStringSync(`https://${s.hosts.main}/`);
	const all: RawContact[] = [];
	let seq = 0;
	do {
		const q = new URLSearchParams({ pass_ticket: s.tokens.passTicket, r: String(Date.now()), seq: String(seq), skey: s.tokens.skey });
		const res = (await (await fetch(`${origin}${CGI}/webwxgetcontact?${q}`, { headers: { cookie, 'x-wechat-host': s.hosts.main } })).json()) as { MemberList: RawContact[]; Seq: number };
		all.push(...res.MemberList);
		seq = res.Seq;
	} while (seq);
	return all;
}

async function rawBatch(origin: string, sessionJson: string, names: string[]): Promise<number> {
	const s = Session.fromJSON(sessionJson);
	const cookie = s.jar.getCookieStringSync(`https://${s.hosts.main}/`);
	let found = 0;
	for (let i = 0; i < names.length; i += 50) {
		const list = names.slice(i, i + 50).map((UserName) => ({ UserName, EncryChatRoomId: '' }));
		const q = new URLSearchParams({ type: 'ex', r: String(Date.now()), lang: 'zh_CN', pass_ticket: s.tokens.passTicket });
		const body = JSON.stringify({ BaseRequest: { Uin: Number(s.tokens.uin), Sid: s.tokens.sid, Skey: s.tokens.skey, DeviceID: 'e123456789012345' }, Count: list.length, List: list });
		const res = (await (await fetch(`${origin}${CGI}/webwxbatchgetcontact?${q}`, { method: 'POST', body, headers: { cookie, 'x-wechat-host': s.hosts.main, 'content-type': 'application/json;charset=UTF-8' } })).json()) as { ContactList: unknown[] };
		found += res.ContactList.length;
	}
	return found;
}

export async function contacts(count: number, lookups: number, batch: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const sim = await startSimProcess({ loginHoldMs: 25_000, syncHoldMs: 25_000, recordRequests: true, benchContacts: count });
	try {
		const names = (i: number) => (i % 2 ? `Friend ${i}` : `Person ${i}`); // remark for odd, nickname for even
		const ours = async () => {
			const client = await loggedInClient(sim, { loadContacts: false });
			await sim.call('resetLogs');
			let t = performance.now();
			const loaded = await client.loadContacts();
			const loadMs = performance.now() - t;
			const loadRequests = await sim.call<number>('requestCount', 'webwxgetcontact');
			t = performance.now();
			const found: string[] = [];
			for (let i = 0; i < lookups; i++) found.push(client.resolveContact(names((i % count) + 1)).UserName);
			const lookupMs = performance.now() - t;
			await sim.call('resetLogs');
			t = performance.now();
			const fetched = await client.fetchContacts(found.slice(0, batch));
			const batchMs = performance.now() - t;
			const batchRequests = await sim.call<number>('requestCount', 'webwxbatchgetcontact');
			if (fetched.length !== Math.min(batch, found.length)) throw new Error(`batch lookup found ${fetched.length}`);
			return { loaded, loadMs, loadRequests, lookupMs, batchMs, batchRequests };
		};
		const floor = async () => {
			const client = await loggedInClient(sim, { loadContacts: false });
			const json = client.toJSON();
			let t = performance.now();
			const all = await rawLoad(sim.origin, json);
			const loadMs = performance.now() - t;
			t = performance.now();
			const found: string[] = [];
			for (let i = 0; i < lookups; i++) {
				const q = names((i % count) + 1);
				found.push((all.find((c) => c.RemarkName === q) ?? all.find((c) => c.NickName === q))!.UserName);
			}
			const lookupMs = performance.now() - t;
			t = performance.now();
			await rawBatch(sim.origin, json, found.slice(0, batch));
			const batchMs = performance.now() - t;
			return { loaded: all.length, loadMs, lookupMs, batchMs };
		};
		const [o, f] = await interleaved<ContactsRun>(rounds, [ours, floor]);
		const med = <T>(x: T[], g: (v: T) => number) => median(x.map(g));
		const ratio = (g: (v: { loadMs: number; lookupMs: number; batchMs: number }) => number) => median(o.map((v, r) => g(v) / g(f[r])));
		const rows: Row[] = [
			{
				scenario: '4 contacts',
				metric: `load ${o[0].loaded} contacts (Seq paging, ${o[0].loadRequests} webwxgetcontact requests)`,
				ours: round(med(o, (v) => v.loadMs), 1),
				baseline: { name: 'raw fetch', value: round(med(f, (v) => v.loadMs), 1) },
				ratio: round(ratio((v) => v.loadMs)),
				unit: 'ms',
			},
			{
				scenario: '4 contacts',
				metric: `${lookups} lookups by nickname/remark`,
				ours: round(med(o, (v) => v.lookupMs), 1),
				baseline: { name: 'linear scan', value: round(med(f, (v) => v.lookupMs), 1) },
				ratio: round(ratio((v) => v.lookupMs)),
				unit: 'ms',
			},
			{
				scenario: '4 contacts',
				metric: `batch lookup of ${batch} UserNames (${o[0].batchRequests} webwxbatchgetcontact requests)`,
				ours: round(med(o, (v) => v.batchMs), 1),
				baseline: { name: 'raw fetch', value: round(med(f, (v) => v.batchMs), 1) },
				ratio: round(ratio((v) => v.batchMs)),
				unit: 'ms',
			},
		];
		return { rows, raw: { rounds, ours: o.map((v) => ({ loaded: v.loaded, loadMs: v.loadMs, loadRequests: v.loadRequests, lookupMs: v.lookupMs, batchMs: v.batchMs, batchRequests: v.batchRequests })), floor: f } };
	} finally {
		await sim.close();
	}
}
