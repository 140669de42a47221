/**
 * The phone page's conversation view: `GET /__sim/api/state` lists each chat's
 * messages in both directions (written on the phone, sent by the client), media
 * with their kind and name, and a thumbnail only for an uploaded image.
 */
import type { Simulator } from '../../sandbox/simulator/api';
import { loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import type { WeChatClient } from '../../lib/wechat/client';
import { PAGE_HTML } from '../../sandbox/simulator/page';

interface Line {
	msgId: string;
	chat: string;
	direction: 'in' | 'out';
	sender: string;
	kind: string;
	text?: string;
	fileName?: string;
	thumbnail?: string;
	at: number;
	revoked?: boolean;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082', 'hex');

describe('simulator: the phone page conversation view', () => {
	let sim: Simulator;
	let client: WeChatClient;

	beforeAll(async () => {
		sim = await startSim();
		client = makeClient(sim);
		await loginWithPhone(client, sim);
	});

	afterAll(async () => {
		await client.logout().catch(() => undefined);
		await sim.close();
	});

	async function state(): Promise<{ messages: Line[] }> {
		const res = await fetch(`${sim.origin}/__sim/api/state`);
		expect(res.status).toBe(200);
		return (await res.json()) as { messages: Line[] };
	}

	it('shows what was written and what the client answered in the same chat, in order', async () => {
		const asked = sim.inject({ type: 'text', from: 'Alice', text: '你好，明天开会吗？' });
		const answer = await client.sendText(sim.userName('Alice'), 'You said: 你好，明天开会吗？');
		const inGroup = sim.inject({ type: 'text', group: 'Sandbox Group', text: 'group hello' });
		const { messages } = await state();
		const alice = messages.filter((m) => m.chat === 'Alice');
		const iAsked = alice.findIndex((m) => m.msgId === asked.msgId);
		const iAnswered = alice.findIndex((m) => m.msgId === answer.msgId);
		expect(alice[iAsked]).toMatchObject({ direction: 'in', sender: 'Alice', kind: 'text', text: '你好，明天开会吗？' });
		expect(alice[iAnswered]).toMatchObject({ direction: 'out', kind: 'text', text: 'You said: 你好，明天开会吗？' });
		expect(iAnswered).toBeGreaterThan(iAsked);
		const group = messages.find((m) => m.msgId === inGroup.msgId);
		expect(group).toMatchObject({ chat: 'Sandbox Group', direction: 'in', text: 'group hello' });
		expect(group?.sender).not.toBe('Sandbox Group');
	});

	it('shows media as kind and name; an uploaded image gets a thumbnail the page can load', async () => {
		const file = sim.inject({ type: 'file', from: 'Bob', fileName: '报价单.pdf', size: 1000 });
		const sentImage = await client.sendFile(sim.userName('Bob'), { bytes: PNG, fileName: 'chart.png', mimeType: 'image/png' });
		const { messages } = await state();
		expect(messages.find((m) => m.msgId === file.msgId)).toMatchObject({ chat: 'Bob', direction: 'in', kind: 'file', fileName: '报价单.pdf' });
		const image = messages.find((m) => m.msgId === sentImage.msgId);
		expect(image).toMatchObject({ chat: 'Bob', direction: 'out', kind: 'image', fileName: 'chart.png' });
		const thumb = await fetch(`${sim.origin}${image?.thumbnail}`);
		expect(thumb.status).toBe(200);
		expect(thumb.headers.get('content-type')).toBe('image/png');
		expect(thumb.headers.get('x-content-type-options')).toBe('nosniff');
		expect(Buffer.from(await thumb.arrayBuffer()).equals(PNG)).toBe(true);
		expect((await fetch(`${sim.origin}/__sim/api/upload/not-a-media-id`)).status).toBe(404);
	});

	it('the page speaks plain words and writes every text through textContent', () => {
		// The login steps themselves are clicked in a real browser in test/e2e/launcher.e2e.ts.
		expect(PAGE_HTML).not.toMatch(/jslogin|innerHTML|insertAdjacentHTML|document\.write/);
	});
});
