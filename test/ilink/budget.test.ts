import { budgetConfig, chatStatus, checkSend, DEFAULT_BUDGET, emptyBudget, finishSend, mergeBudget, readBudget, recordInbound, recordSend, recordThrottle, reserveSends, STRADDLE_MS } from '../../lib/ilink';

const H = 3600_000;
const T0 = 1_700_000_000_000;

describe('send budget (ilink-protocol.md §10)', () => {
	test('defaults are conservative: 23 h window, 10 sends per owner message, 30 min after a -2', () => {
		expect(DEFAULT_BUDGET).toEqual({ windowMs: 23 * H, sendsPerMessage: 10, throttleMs: 30 * 60_000, inboundLiftsThrottle: false, maxChats: 200 });
		expect(budgetConfig({ sendsPerMessage: -1, windowMs: NaN })).toMatchObject({ sendsPerMessage: 10, windowMs: 23 * H });
	});

	test('no owner message yet → refused with the reopen condition', () => {
		const v = checkSend(emptyBudget(), 'u', T0);
		expect(v).toMatchObject({ ok: false, reason: 'noConversation', sendsLeft: 0 });
		expect(!v.ok && v.reopen).toMatch(/owner sends the bot a message/);
	});

	test('an owner message opens the window with its context token; state is not mutated', () => {
		const empty = emptyBudget();
		const s = recordInbound(empty, 'u', T0, 'ctx1');
		expect(empty.chats).toEqual({});
		expect(checkSend(s, 'u', T0 + 1000)).toEqual({ ok: true, contextToken: 'ctx1', sendsLeft: 10, windowExpiresAt: T0 + 23 * H });
		expect(chatStatus(s, 'u', T0)).toEqual({ contextToken: 'ctx1', windowExpiresAt: T0 + 23 * H, sendsLeft: 10, blockedUntil: undefined });
	});

	test('the window closes after windowMs; a new owner message reopens it and resets the count', () => {
		let s = recordInbound(emptyBudget(), 'u', T0, 'ctx1');
		s = recordSend(s, 'u', 4);
		expect(checkSend(s, 'u', T0 + 23 * H)).toMatchObject({ ok: false, reason: 'windowClosed' });
		s = recordInbound(s, 'u', T0 + 30 * H, 'ctx2');
		expect(checkSend(s, 'u', T0 + 30 * H)).toMatchObject({ ok: true, contextToken: 'ctx2', sendsLeft: 10 });
	});

	test('quota: 10 sends per owner message, a multi-part send must fit whole', () => {
		let s = recordInbound(emptyBudget(), 'u', T0, 'ctx');
		s = recordSend(s, 'u', 8);
		expect(checkSend(s, 'u', T0, 2)).toMatchObject({ ok: true, sendsLeft: 2 });
		expect(checkSend(s, 'u', T0, 3)).toMatchObject({ ok: false, reason: 'quotaExhausted', sendsLeft: 2 });
		s = recordSend(s, 'u', 2);
		expect(checkSend(s, 'u', T0)).toMatchObject({ ok: false, reason: 'quotaExhausted', sendsLeft: 0 });
	});

	test('an older owner message does not reset the count or replace a newer token', () => {
		let s = recordInbound(emptyBudget(), 'u', T0, 'new');
		s = recordSend(s, 'u', 3);
		s = recordInbound(s, 'u', T0 - 1000, 'old');
		expect(chatStatus(s, 'u', T0)).toMatchObject({ contextToken: 'new', sendsLeft: 7 });
	});

	test('a -2 block refuses every chat until it ends; an owner message lifts it only when configured', () => {
		let s = recordInbound(emptyBudget(), 'u', T0, 'ctx');
		s = recordThrottle(s, T0 + 30 * 60_000);
		expect(checkSend(s, 'u', T0 + 1)).toMatchObject({ ok: false, reason: 'throttled', until: T0 + 30 * 60_000 });
		expect(checkSend(recordInbound(s, 'u', T0 + 2, 'ctx2'), 'u', T0 + 3)).toMatchObject({ ok: false, reason: 'throttled' });
		expect(checkSend(recordInbound(s, 'u', T0 + 2, 'ctx2', { inboundLiftsThrottle: true }), 'u', T0 + 3)).toMatchObject({ ok: true });
		expect(checkSend(s, 'u', T0 + 30 * 60_000)).toMatchObject({ ok: true });
	});

	test('survives a JSON round trip; unknown or hostile stored values read as empty; the chat list is capped', () => {
		let s = recordInbound(emptyBudget(), 'u', T0, 'ctx');
		s = recordThrottle(recordSend(s, 'u'), T0 + 5);
		expect(readBudget(JSON.parse(JSON.stringify(s)))).toEqual(JSON.parse(JSON.stringify(s)));
		expect(readBudget(null)).toEqual(emptyBudget());
		expect(readBudget({ version: 2, chats: {} })).toEqual(emptyBudget());
		expect(Object.keys(readBudget(JSON.parse('{"version":1,"chats":{"__proto__":{"sendsSince":1},"a":{"sendsSince":-3}}}')).chats)).toEqual(['a']);
		let many = emptyBudget();
		for (let i = 0; i < 5; i++) many = recordInbound(many, `u${i}`, T0 + i, 'c', { maxChats: 3 });
		expect(Object.keys(many.chats)).toEqual(['u2', 'u3', 'u4']);
	});
});

describe('mergeBudget: a listener and a sender of one account, written side by side', () => {
	const base = recordInbound(emptyBudget(), 'owner', T0, 'ctx-1');
	it('the same owner message: the higher send count wins, whichever copy has it', () => {
		const sender = recordSend(recordSend(base, 'owner'), 'owner');
		expect(mergeBudget(base, sender).chats.owner.sendsSince).toBe(2);
		expect(mergeBudget(sender, base).chats.owner.sendsSince).toBe(2);
	});
	it('a newer owner message (a new window) wins over an older count; the later block stays', () => {
		const sender = recordThrottle(recordSend(base, 'owner', 10), T0 + 30 * 60_000);
		const listener = recordInbound(base, 'owner', T0 + H, 'ctx-2');
		const merged = mergeBudget(sender, listener);
		expect(merged.chats.owner).toMatchObject({ contextToken: 'ctx-2', lastInboundAt: T0 + H, sendsSince: 0 });
		expect(merged.blockedUntil).toBe(T0 + 30 * 60_000);
		expect(mergeBudget(listener, sender)).toEqual(merged);
	});
	it('sends with ids: two senders of the same window each count once, however often the copies are merged', () => {
		const a = finishSend(reserveSends(base, 'owner', ['a1'], T0 + 10), 'owner', 'a1', T0 + 20, true);
		const b = finishSend(reserveSends(base, 'owner', ['b1'], T0 + 11), 'owner', 'b1', T0 + 21, true);
		const ab = mergeBudget(a, b);
		expect(ab.chats.owner.sendsSince).toBe(2);
		expect(mergeBudget(mergeBudget(ab, a), b).chats.owner.sendsSince).toBe(2);
		// A send given back is not counted; one still in flight is.
		const back = finishSend(reserveSends(ab, 'owner', ['c1'], T0 + 30), 'owner', 'c1', T0 + 31, false);
		expect(back.chats.owner.sendsSince).toBe(2);
		expect(reserveSends(ab, 'owner', ['d1'], T0 + 30).chats.owner.sendsSince).toBe(3);
	});
	it('a reply that finished after the owner\'s next message counts against it (the server saw it after); one well before does not', () => {
		const sender = finishSend(reserveSends(base, 'owner', ['late', 'early'], T0 + 100), 'owner', 'early', T0 + 200, true);
		const listener = recordInbound(base, 'owner', T0 + 60_000, 'ctx-2');
		// "late" finishes after the owner's new message arrived.
		const done = finishSend(sender, 'owner', 'late', T0 + 60_050, true);
		const merged = mergeBudget(done, listener);
		expect(merged.chats.owner).toMatchObject({ contextToken: 'ctx-2', lastInboundAt: T0 + 60_000, sendsSince: 1 });
		expect(mergeBudget(listener, done).chats.owner.sendsSince).toBe(1);
		expect(mergeBudget(merged, done).chats.owner.sendsSince).toBe(1);
		// In one copy: the owner's message arrives while a send is in flight; it counts against the new message.
		const inFlight = recordInbound(reserveSends(base, 'owner', ['x'], T0 + 100), 'owner', T0 + 60_000, 'ctx-2');
		expect(inFlight.chats.owner.sendsSince).toBe(1);
		// A send that finished STRADDLE_MS or more before the owner's message does not.
		const before = recordInbound(finishSend(reserveSends(base, 'owner', ['y'], T0), 'owner', 'y', T0 + 1000, true), 'owner', T0 + 1000 + STRADDLE_MS + 1, 'ctx-3');
		expect(before.chats.owner.sendsSince).toBe(0);
	});
	it('chats only one side knows are kept; a hostile key is not', () => {
		const other = recordInbound(emptyBudget(), 'someone', T0, 'ctx-9');
		const hostile = readBudget(JSON.parse('{"version":1,"chats":{"__proto__":{"sendsSince":1}}}'));
		const merged = mergeBudget(mergeBudget(base, other), hostile);
		expect(Object.keys(merged.chats).sort()).toEqual(['owner', 'someone']);
		expect(({} as { sendsSince?: number }).sendsSince).toBeUndefined();
	});
});
