import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { startSim, type Wire } from './wire';

const HOUR = 60 * 60 * 1000;

describe('iLink simulator: sendmessage, getconfig, sendtyping, notify', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	let clock = 0;
	let owner = '';
	beforeEach(async () => {
		clock = 1_765_100_000_000;
		({ sim, wire } = await startSim({ now: () => clock }));
		wire.bind();
		owner = sim.bot()!.ownerId;
	});
	afterEach(() => sim.close());

	function send(contextToken: string | undefined, item: Record<string, unknown> = { type: 1, text_item: { text: 'Hello' } }, to = owner) {
		return wire.call('sendmessage', {
			msg: { from_user_id: '', to_user_id: to, client_id: `openclaw-weixin:${clock}-1a2b3c4d`, message_type: 2, message_state: 2, context_token: contextToken, item_list: [item] },
		});
	}

	it('accepts a reply with the context_token and records it', async () => {
		const m = sim.ownerSends('hi');
		const a = await send(m.contextToken);
		expect(a.text).toBe('{}');
		expect(sim.sent).toHaveLength(1);
		expect(sim.sent[0]).toMatchObject({ toUserId: owner, contextToken: m.contextToken, itemType: 1, text: 'Hello', delivered: true, answer: {} });
		expect(sim.requests.at(-1)?.warnings).toEqual([]);
	});

	it('refuses with ret -2 before the owner ever wrote and with a foreign context_token', async () => {
		expect((await send('AARzJWmadeup')).json).toEqual({ ret: -2, errmsg: '' });
		sim.ownerSends('hi');
		expect((await send('AARzJWmadeup')).json).toEqual({ ret: -2, errmsg: '' });
		const other = sim.ownerSends({ text: 'from someone else', from: 'o9cq80zzOther@im.wechat' });
		expect((await send(other.contextToken)).json).toEqual({ ret: -2, errmsg: '' });
		expect(sim.sent.every((s) => !s.delivered)).toBe(true);
	});

	it('closes the reply window 24 hours after the owner last wrote', async () => {
		const m = sim.ownerSends('hi');
		clock += 24 * HOUR;
		expect((await send(m.contextToken)).json).toEqual({});
		sim.advanceClock(1);
		expect((await send(m.contextToken)).json).toEqual({ ret: -2, errmsg: '' });
		expect(sim.sent.at(-1)?.reason).toMatch(/24-hour/);
	});

	it('allows 10 sends per owner message, then ret -2 until the owner writes again', async () => {
		const m = sim.ownerSends('hi');
		for (let i = 0; i < 10; i++) expect((await send(m.contextToken)).json).toEqual({});
		expect((await send(m.contextToken)).json).toEqual({ ret: -2, errmsg: '' });
		const n = sim.ownerSends('again');
		expect((await send(n.contextToken)).json).toEqual({});
		expect((await send(m.contextToken)).json).toEqual({});
	});

	it('accepts a voice item and drops it; a tokenless send is accepted and discarded', async () => {
		const m = sim.ownerSends('hi');
		expect((await send(m.contextToken, { type: 3, voice_item: { encode_type: 6 } })).json).toEqual({});
		expect(sim.sent.at(-1)).toMatchObject({ delivered: false, reason: expect.stringMatching(/voice/) });
		expect((await send(undefined)).json).toEqual({});
		expect(sim.sent.at(-1)).toMatchObject({ delivered: false, reason: expect.stringMatching(/context_token/) });
	});

	it('insists on exactly one item', async () => {
		const m = sim.ownerSends('hi');
		const a = await wire.call('sendmessage', { msg: { from_user_id: '', to_user_id: owner, message_type: 2, message_state: 2, context_token: m.contextToken, item_list: [] } });
		expect(a.json).toEqual({ ret: -1, errmsg: 'param error' });
	});

	it('answers with a uint64 message_id when configured, and the cumulative limiter says "rate limited"', async () => {
		await sim.close();
		({ sim, wire } = await startSim({ now: () => clock, sendAnswer: 'withId', rateLimit: { max: 2, windowMs: 8 * 60_000, penaltyMs: 30 * 60_000 } }));
		wire.bind();
		const m = sim.ownerSends('hi');
		const a = await send(m.contextToken);
		expect(a.text).toBe(`{"ret":0,"message_id":${sim.sent[0].messageId ?? ''}}`);
		await send(m.contextToken);
		expect((await send(m.contextToken)).json).toEqual({ ret: -2, errmsg: 'rate limited' });
		clock += 10 * 60_000;
		expect((await send(m.contextToken)).json).toEqual({ ret: -2, errmsg: 'rate limited' });
		clock += 30 * 60_000;
		expect((await send(m.contextToken)).json).toEqual({ ret: 0, message_id: expect.any(Number) });
	});

	it('hands out a typing ticket and checks it on sendtyping', async () => {
		const m = sim.ownerSends('hi');
		const cfg = await wire.call('getconfig', { ilink_user_id: owner, context_token: m.contextToken });
		expect(cfg.json).toEqual({ ret: 0, typing_ticket: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
		const ticket = cfg.json.typing_ticket as string;
		expect((await wire.call('sendtyping', { ilink_user_id: owner, typing_ticket: ticket, status: 1 })).json).toEqual({ ret: 0 });
		expect(sim.typing()).toBe(true);
		expect((await wire.call('sendtyping', { ilink_user_id: owner, typing_ticket: ticket, status: 2 })).json).toEqual({ ret: 0 });
		expect(sim.typing()).toBe(false);
		expect((await wire.call('sendtyping', { ilink_user_id: owner, typing_ticket: 'bm9wZQ==', status: 1 })).json.ret).toBe(-1);
		expect((await wire.call('sendtyping', { ilink_user_id: owner, typing_ticket: ticket, status: 3 })).json.ret).toBe(-1);
	});

	it('tracks notifystart / notifystop', async () => {
		expect((await wire.call('msg/notifystart')).json).toEqual({ ret: 0, errmsg: '' });
		expect(sim.bot()?.online).toBe(true);
		expect((await wire.call('msg/notifystop')).json).toEqual({ ret: 0, errmsg: '' });
		expect(sim.bot()?.online).toBe(false);
	});

	it('answers errcode-only bodies (no ret) on fault, which a client must check', async () => {
		const m = sim.ownerSends('hi');
		sim.fault('sendmessage', { kind: 'errcode', errcode: -14, errmsg: 'session timeout' });
		expect((await send(m.contextToken)).text).toBe('{"errcode":-14,"errmsg":"session timeout"}');
	});
});
