/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * The owner's phone page of the iLink simulator (`/__sim/`, phone-page.ts):
 * the page itself, and its view (`GET /__sim/phone`) driven the way the page
 * drives it — the QR login with the pair code, the owner writing (a real client
 * receives it), the bot answering (the page's view shows it), the budget, and
 * the clock moved past the window.
 */
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import { IlinkClient, type IlinkMessage, type IlinkReceiveEvent } from '../../lib/ilink';
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { PHONE_PAGE_HTML } from '../../sandbox/ilink-simulator/phone-page';
import { PAGE_HTML } from '../../sandbox/simulator/page';
import { startSim, type Wire } from './wire';

interface View {
	now: number;
	clockAdvancedMs: number;
	login?: { qrcode: string; status: string; pairCode?: string; wrongCodes: number };
	bot?: { botId: string; stale: boolean };
	budget?: { lastOwnerAt?: number; windowClosesAt?: number; windowOpen: boolean; sendsLeft: number; sendsPerOwnerMessage: number };
	typing: boolean;
	chat: Array<{ from: string; kind: string; text?: string; fileName?: string; fileUrl?: string; delivered?: boolean; reason?: string }>;
}

async function nextMessages(it: AsyncGenerator<IlinkReceiveEvent>): Promise<IlinkMessage[]> {
	for (;;) {
		const step = await it.next();
		if (step.done) throw new Error('receive ended');
		if (step.value.type === 'batch' && step.value.messages.length) return step.value.messages;
		if (step.value.type === 'stale') throw step.value.error;
	}
}

describe('iLink simulator: the phone page (bot chat)', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	let client: IlinkClient;
	beforeEach(async () => {
		({ sim, wire } = await startSim());
		client = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: sim.origin });
	});
	afterEach(() => sim.close());

	/** What the page's buttons call. */
	const press = async (name: string, body: unknown = {}) => {
		const a = await wire.raw(`/__sim/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		if (a.status !== 200) throw new Error(`${name}: ${a.status} ${a.text}`);
		return a.json;
	};
	const view = async () => (await wire.raw('/__sim/phone')).json as unknown as View;

	it('serves the page at /__sim/: plain words, every text through textContent, no external assets', async () => {
		const page = await wire.raw('/__sim/');
		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toMatch(/^text\/html/);
		expect(page.text).toBe(PHONE_PAGE_HTML);
		expect((await wire.raw('/__sim/index.html')).text).toBe(PHONE_PAGE_HTML);
		expect(PHONE_PAGE_HTML).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write|src="http|href="http/);
		for (const control of ['phone', 'qr/scan', 'qr/verify-code', 'qr/confirm', 'owner-sends', 'clock/advance']) expect(PHONE_PAGE_HTML).toContain(`'${control}'`);
		expect(PHONE_PAGE_HTML).toMatch(/Pair Code/);
		// The two phones link to each other (the Web one finds the bot chat on the port above it).
		expect(PAGE_HTML).toMatch(/id="botLink"/);
		expect(PHONE_PAGE_HTML).toMatch(/id="webLink"/);
		// The page's own reads are not recorded as service traffic; an unknown control is still 404.
		expect(sim.requests.filter((r) => r.endpoint !== 'control')).toEqual([]);
		expect((await wire.raw('/__sim/nope')).status).toBe(404);
		expect((await wire.raw('/__sim/file/dl_nothing')).status).toBe(404);
	});

	it('drives the login with the pair code step, then the chat both ways: owner sends → the client receives; bot sends → the page shows it', async () => {
		const events: string[] = [];
		let pairCode = '';
		const loggedIn = client.login({
			pollGapMs: 10,
			verifyCode: async () => {
				// The phone page shows the number; the person types it into n8n.
				const v = await view();
				expect(v.login?.status).toBe('need_verifycode');
				pairCode = v.login?.pairCode ?? '';
				return pairCode;
			},
			onEvent: (e) => void events.push(e.type),
		});
		const qr = await sim.waitForQr();
		let v = await view();
		expect(v.login).toMatchObject({ qrcode: qr.qrcode, status: 'wait' });
		expect(v.login?.pairCode).toBeUndefined();
		expect(v.bot).toBeUndefined();

		await press('qr/verify-code', { qrcode: qr.qrcode });
		await press('qr/scan', { qrcode: qr.qrcode });
		for (let i = 0; i < 200 && !pairCode; i++) await new Promise((r) => setTimeout(r, 10));
		expect(pairCode).toMatch(/^\d{6}$/);
		for (let i = 0; i < 200 && (await view()).login?.status !== 'scaned'; i++) await new Promise((r) => setTimeout(r, 10));
		await press('qr/confirm', { qrcode: qr.qrcode });
		await loggedIn;
		expect(events).toContain('confirmed');
		v = await view();
		expect(v.bot).toMatchObject({ botId: sim.bot()?.botId, stale: false });
		expect(v.budget).toMatchObject({ windowOpen: false, sendsLeft: 10, sendsPerOwnerMessage: 10 });
		expect(v.budget?.windowClosesAt).toBeUndefined();

		const owner = client.ownerId as string;
		const it = client.receive();
		try {
			// The owner writes on the page: the client receives it.
			await press('owner-sends', { text: '你好 bot' });
			const [msg] = await nextMessages(it);
			expect(msg).toMatchObject({ type: 'text', text: '你好 bot', chat: { id: owner } });
			v = await view();
			expect(v.budget?.windowOpen).toBe(true);
			expect(v.budget?.windowClosesAt).toBe((v.budget?.lastOwnerAt ?? 0) + 24 * 3600_000);
			expect((v.budget?.windowClosesAt ?? 0) - v.now).toBeGreaterThan(23 * 3600_000);

			// The bot answers (typing first): the page shows it, and the budget counts it.
			expect(await client.typing(owner)).toBe(true);
			expect((await view()).typing).toBe(true);
			await client.sendText(owner, 'hello owner');
			const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 3)]);
			await client.sendImage(owner, { data: png, fileName: 'chart.png', mimeType: 'image/png' });
			await client.sendFile(owner, { data: Buffer.from('report body'), fileName: 'report.txt' });
			v = await view();
			expect(v.chat.map((m) => [m.from, m.kind, m.text ?? m.fileName ?? ''])).toEqual([
				['owner', 'text', '你好 bot'],
				['bot', 'text', 'hello owner'],
				['bot', 'image', ''],
				['bot', 'file', 'report.txt'],
			]);
			expect(v.budget?.sendsLeft).toBe(7);
			// Images and files are there to see and download, as the owner got them.
			const image = await wire.raw(v.chat[2].fileUrl as string);
			expect(image.headers.get('content-type')).toBe('image/png');
			expect(Buffer.from(await (await fetch(`${sim.origin}${v.chat[2].fileUrl as string}`)).arrayBuffer()).equals(png)).toBe(true);
			const file = await fetch(`${sim.origin}${v.chat[3].fileUrl as string}`);
			expect(file.headers.get('content-type')).toBe('application/octet-stream');
			expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('report body');

			// Media the owner sends from the page (base64, as the page's Attach reads it).
			await press('owner-sends', { file: { bytes: Buffer.from('owner notes').toString('base64'), fileName: 'notes.txt' } });
			const [fileMsg] = await nextMessages(it);
			expect(fileMsg).toMatchObject({ type: 'file' });
			expect((await client.download(fileMsg.media!)).data.toString()).toBe('owner notes');
			v = await view();
			expect(v.chat[4]).toMatchObject({ from: 'owner', kind: 'file', fileName: 'notes.txt' });
			expect(v.budget?.sendsLeft).toBe(10);

			// "Past the window": the page moves the clock to just after windowClosesAt.
			await press('clock/advance', { ms: (v.budget?.windowClosesAt ?? 0) - v.now + 60_000 });
			v = await view();
			expect(v.budget?.windowOpen).toBe(false);
			expect(v.clockAdvancedMs).toBeGreaterThan(24 * 3600_000 - 60_000);
			// A send the client makes anyway is refused by the service, and the page says so.
			await wire.post('sendmessage', {
				msg: { from_user_id: '', to_user_id: owner, client_id: 'c1', message_type: 2, message_state: 2, context_token: msg.contextToken, item_list: [{ type: 1, text_item: { text: 'too late' } }] },
				base_info: { channel_version: '2.4.9' },
			}, { Authorization: `Bearer ${sim.bot()?.botToken ?? ''}` });
			v = await view();
			expect(v.chat[v.chat.length - 1]).toMatchObject({ from: 'bot', text: 'too late', delivered: false, reason: expect.stringMatching(/24-hour window/) });
			expect(v.chat[v.chat.length - 1].fileUrl).toBeUndefined();
		} finally {
			await it.return(undefined);
		}
		// The page changed nothing about the protocol: no request of the client was refused or warned about.
		expect(sim.requests.filter((r) => r.endpoint !== 'sendmessage' && (r.rejection || r.warnings.length)).map((r) => [r.endpoint, r.rejection, r.warnings])).toEqual([]);
	});

	it('a wrong pair code shows on the phone as the count; three block the QR', async () => {
		const qrAnswer = await wire.post('get_bot_qrcode?bot_type=3', { local_token_list: [] });
		const qrcode = String(qrAnswer.json.qrcode);
		const { code } = (await press('qr/verify-code', { qrcode })) as { code: string };
		await press('qr/scan', { qrcode });
		let v = await view();
		expect(v.login).toMatchObject({ status: 'need_verifycode', pairCode: code, wrongCodes: 0 });
		await wire.qrStatus(qrcode, '000000' === code ? '111111' : '000000');
		v = await view();
		expect(v.login).toMatchObject({ status: 'need_verifycode', wrongCodes: 1 });
		await wire.qrStatus(qrcode, '999999' === code ? '111111' : '999999');
		await wire.qrStatus(qrcode, '888888' === code ? '111111' : '888888');
		v = await view();
		expect(v.login?.status).toBe('verify_code_blocked');
		expect(v.login?.pairCode).toBeUndefined();
		await expect(press('qr/confirm', { qrcode })).rejects.toThrow(/verify_code_blocked/);
	});
});
