/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node: a local HTTP server counts fetches */
/**
 * Hostile input from the other side of the wire, through the real trigger and
 * action node against the simulator: XML bombs and external entities, deep and
 * huge XML, prototype-polluting JSON keys in messages and contacts, dangerous
 * file names, 10 MB texts, bytes that are not UTF-8, and URLs in messages (never
 * fetched). Plus the origin override refusing non-http(s) schemes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INodeExecutionData } from 'n8n-workflow';
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Simulator } from '../../sandbox/simulator/api';
import type { StoredCredential, TriggerRun } from '../node/harness';
import { makeCredential, runTrigger, waitFor } from '../node/harness';
import { credentialFor, rl, run, runError, startPhone, stopN8nTimers } from '../node/action-fixtures';
import { requestsTo, sessionJson, sleep, startNodeSim, storedSessionData } from '../node/harness/wechat';

jest.setTimeout(30000);

let sim: Simulator;
let runs: TriggerRun[] = [];

afterEach(async () => {
	for (const r of runs) await r.closeFunction();
	runs = [];
	await sim?.close();
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
});
afterAll(() => stopN8nTimers());

async function listening(parameters: Record<string, unknown> = {}): Promise<TriggerRun> {
	sim = await startNodeSim();
	const credential: StoredCredential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
	const run = await runTrigger(parameters, { credential });
	runs.push(run);
	await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
	return run;
}

/** An app message (MsgType 49) whose Content is the given XML, HTML-escaped as the server sends it. */
function appMessage(xml: string) {
	const escaped = xml.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	return { from: 'Alice', type: 'raw' as const, msg: { MsgType: 49, AppMsgType: 5, Content: escaped, Url: '', FileName: 'link' } };
}

const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><msg><appmsg><title>&lol9;</title><type>5</type><url>http://example.invalid/</url></appmsg></msg>`;

describe('XML from messages', () => {
	it('billion laughs, external entities, 10,000-deep nesting and a 2 MB attribute: each message emitted, nothing expanded or fetched, memory bounded', async () => {
		const hits: string[] = [];
		const probe = createServer((req, res) => {
			hits.push(String(req.url));
			res.end('<!ENTITY x "fetched">');
		});
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
		try {
			const run = await listening();
			global.gc?.();
			const heapBefore = process.memoryUsage().heapUsed;
			const injected = sim.injectMany([
				appMessage(BILLION_LAUGHS),
				appMessage(`<?xml version="1.0"?><!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "${probeUrl}/xxe">]><msg><appmsg><title>&xxe;&web;</title><type>5</type></appmsg></msg>`),
				appMessage(`<msg>${'<a>'.repeat(10_000)}deep${'</a>'.repeat(10_000)}</msg>`),
				appMessage(`<msg><appmsg title="${'A'.repeat(2 * 1024 * 1024)}"><type>5</type></appmsg></msg>`),
			]);
			const items = await run.waitForItems(0, 4, 20000);
			expect(items.map((i) => String(i.json.id))).toEqual(injected.map((m) => m.msgId));
			const heapAfter = process.memoryUsage().heapUsed;
			for (const item of items) {
				const text = JSON.stringify(item.json);
				expect(text).not.toContain('lollollol');
				expect(text).not.toContain('root:');
				expect(text).not.toContain('fetched');
			}
			// The raw payloads (2 MB attribute included) are kept; an expansion would be gigabytes.
			expect(heapAfter - heapBefore).toBeLessThan(200 * 1024 * 1024);
			expect(hits).toEqual([]);
		} finally {
			await new Promise((resolve) => probe.close(resolve));
		}
	});
});

describe('JSON keys that would pollute prototypes', () => {
	it('__proto__, constructor and prototype keys in a message payload are plain data; nothing is polluted', async () => {
		const run = await listening();
		const hostile = JSON.parse(
			'{"MsgType":1,"Content":"hello","__proto__":{"polluted":"msg"},"constructor":{"prototype":{"polluted":"ctor"}},"prototype":{"polluted":"proto"},"RecommendInfo":{"__proto__":{"polluted":"nested"}}}',
		) as Record<string, unknown>;
		const injected = sim.inject({ from: 'Alice', type: 'raw', msg: hostile });
		// The hostile keys really are on the wire.
		expect(Object.keys(injected.raw)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'prototype']));
		const [item] = await run.waitForItems(0, 1);
		expect(item.json.id).toBe(injected.msgId);
		expect(item.json.text).toBe('hello');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((item.json as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('contacts named __proto__, constructor and prototype are found by name and returned as data', async () => {
		resetAccounts();
		const phone = await startPhone();
		sim = phone.sim;
		for (const name of ['__proto__', 'constructor', 'prototype']) phone.sim.addContact({ nickName: name, remarkName: `${name}-remark` });
		const cred = credentialFor(phone, { session: phone.client.toJSON() });
		const out = await run(
			cred,
			['__proto__', 'constructor', 'prototype'].map((n) => ({ resource: 'contact', operation: 'get', contact: rl('name', n) })),
			[{ json: {} }, { json: {} }, { json: {} }],
		);
		expect(out.map((o) => o.json.nickName)).toEqual(['__proto__', 'constructor', 'prototype']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('file names from messages', () => {
	const NAMES = ['../../../etc/passwd', '/etc/shadow', 'C:\\Windows\\system32\\evil.dll', 'nul\u0000byte.txt', 'bell\u0007\u001b[31mred.txt', `${'x'.repeat(1000)}.pdf`, '..', 'CON.txt'];

	it('are sanitized in the binary output: no separators, no control characters, bounded length, extension kept', async () => {
		const run = await listening({ downloadMedia: true });
		const injected = sim.injectMany(NAMES.map((fileName) => ({ from: 'Alice', type: 'file' as const, fileName, size: 64 })));
		const items: INodeExecutionData[] = await run.waitForItems(0, NAMES.length, 20000);
		expect(items.map((i) => String(i.json.id))).toEqual(injected.map((m) => m.msgId));
		for (const item of items) {
			const fileName = String(item.binary?.data?.fileName);
			expect(fileName).not.toMatch(/[/\\]/);
			// eslint-disable-next-line no-control-regex
			expect(fileName).not.toMatch(/[\u0000-\u001f\u007f]/);
			expect(fileName).not.toMatch(/^\.+$/);
			expect(fileName.length).toBeGreaterThan(0);
			expect(fileName.length).toBeLessThanOrEqual(255);
		}
		expect(String(items[5].binary?.data?.fileName)).toMatch(/\.pdf$/);
		expect(String(items[7].binary?.data?.fileName)).not.toBe('CON.txt');
	});
});

describe('huge and broken text', () => {
	it('a 10 MB text, lone surrogates and bytes that are not UTF-8 are emitted without a crash, broken bytes as U+FFFD', async () => {
		const run = await listening();
		sim.fault('webwxsync', { kind: 'invalidUtf8' }, 5);
		const huge = '长'.repeat(5 * 1024 * 1024); // 10 MB of UTF-16, 15 MB of UTF-8
		const injected = sim.injectMany([
			{ from: 'Alice', type: 'text', text: huge },
			{ from: 'Bob', type: 'text', text: 'lone \ud800 high and \udc00 low, emoji cut 😀'.slice(0, -1) },
			{ from: 'Carol', type: 'text', text: 'before @@BADUTF8@@ after' },
		]);
		const items = await run.waitForItems(0, 3, 25000);
		expect(items.map((i) => String(i.json.id))).toEqual(injected.map((m) => m.msgId));
		expect(String(items[0].json.text)).toHaveLength(huge.length);
		expect(String(items[1].json.text)).toContain(' high and ');
		const broken = String(items[2].json.text);
		expect(broken.startsWith('before ')).toBe(true);
		expect(broken.endsWith(' after')).toBe(true);
		expect(broken).toContain('\uFFFD');
		await sleep(100);
		expect(run.emitErrors).toEqual([]);
	});
});

describe('URLs inside messages', () => {
	it('are passed on as data and never fetched, even with media download on', async () => {
		const hits: string[] = [];
		const probe = createServer((req, res) => {
			hits.push(String(req.url));
			res.end('x');
		});
		await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
		try {
			const run = await listening({ downloadMedia: true });
			sim.injectMany([
				{ from: 'Alice', type: 'link', title: 'click', url: `${base}/link` },
				{ from: 'Alice', type: 'music', title: 'song', url: `${base}/music` },
				{ from: 'Alice', type: 'text', text: `see ${base}/text and <img src="${base}/img">` },
				appMessage(`<msg><appmsg><title>t</title><type>5</type><url>${base}/app</url><thumburl>${base}/thumb</thumburl></appmsg></msg>`),
			]);
			const items = await run.waitForItems(0, 4, 20000);
			await sleep(300);
			expect(JSON.stringify(items.map((i) => i.json))).toContain(`${base}/link`);
			expect(hits).toEqual([]);
		} finally {
			await new Promise((resolve) => probe.close(resolve));
		}
	});
});

describe('origin override', () => {
	it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ftp://127.0.0.1/', 'data:text/html,hi', 'gopher://127.0.0.1:70/'])('%s is refused with a clear error before any request', async (origin) => {
		resetAccounts();
		const phone = await startPhone();
		sim = phone.sim;
		const before = phone.sim.requests.length;
		const err = await runError(credentialFor(phone, { originOverride: origin }), { resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text: 'x' });
		expect(err.message).toMatch(/origin override must use http or https|is not a URL/);
		expect(phone.sim.requests.length).toBe(before);
	});
});
