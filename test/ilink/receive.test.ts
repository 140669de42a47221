import { LONG_POLL_MARGIN_MS } from '../../lib/ilink/updates';
import type { IlinkReceiveEvent } from '../../lib/ilink';
import { SessionStaleError } from '../../lib/ilink';
import type { Canned } from '../unit/fake-transport';
import { bodyOf, setup, session, textMessage } from './helpers';

const updates = (msgs: string[], buf: string, extra = ''): Canned => ({ text: `{"ret":0,"msgs":[${msgs.join(',')}],"get_updates_buf":"${buf}"${extra}}` });

async function take(gen: AsyncGenerator<IlinkReceiveEvent>, n: number): Promise<IlinkReceiveEvent[]> {
	const out: IlinkReceiveEvent[] = [];
	for await (const e of gen) {
		out.push(e);
		if (out.length >= n) break;
	}
	return out;
}

function restored() {
	const t = setup();
	t.client.restore(session().toJSON());
	return t;
}

describe('getupdates loop (ilink-protocol.md §3, §9)', () => {
	test('the cursor goes back as get_updates_buf; an empty one keeps the old; the server hint (plus a margin, so we never give up as it answers) is the next timeout', async () => {
		const { transport, client } = restored();
		transport.on('getupdates', updates([textMessage('7301234567890123456', 'a')], 'c1', ',"longpolling_timeout_ms":20000'), updates([], ''), updates([textMessage('7301234567890123457', 'b')], 'c2'));
		const events = await take(client.receive(), 2);
		const sent = transport.to('getupdates');
		expect(sent.map((r) => bodyOf(r.body).get_updates_buf)).toEqual(['', 'c1', 'c1']);
		expect(sent.map((r) => r.timeoutMs)).toEqual([35000 + LONG_POLL_MARGIN_MS, 20000 + LONG_POLL_MARGIN_MS, 20000 + LONG_POLL_MARGIN_MS]);
		expect(events.map((e) => e.type === 'batch' && e.messages.map((m) => m.id))).toEqual([['7301234567890123456'], ['7301234567890123457']]);
		const last = events[1];
		expect(last.type === 'batch' && JSON.parse(last.cursor)).toEqual({ format: 'ilink-cursor', version: 1, updatesBuf: 'c2', seen: ['7301234567890123456', '7301234567890123457'] });
		expect(last.type === 'batch' && last.cursor).not.toContain('botTOKEN');
	});

	test('a re-delivered message is dropped; a cursor restores the position and the ids seen', async () => {
		const { transport, client } = restored();
		transport.on('getupdates', updates([textMessage('11', 'a')], 'c1'), updates([textMessage('11', 'a'), textMessage('12', 'b')], 'c2'));
		const events = await take(client.receive(), 2);
		expect(events.map((e) => e.type === 'batch' && e.messages.map((m) => m.id))).toEqual([['11'], ['12']]);
		const cursor = client.cursor();
		const other = setup();
		other.client.restore(session().toJSON(), { cursor });
		other.transport.on('getupdates', updates([textMessage('12', 'b'), textMessage('13', 'c')], 'c3'));
		const again = await take(other.client.receive(), 1);
		expect(bodyOf(other.transport.to('getupdates')[0].body).get_updates_buf).toBe('c2');
		expect(again[0].type === 'batch' && again[0].messages.map((m) => m.id)).toEqual(['13']);
	});

	test('a client timeout is "nothing new": poll again (after the minimum interval), no event', async () => {
		const { transport, clock, client } = restored();
		transport.on('getupdates', { error: new Error('No answer within 35000 ms.') }, updates([textMessage('1', 'x')], 'c1'));
		const events = await take(client.receive(), 1);
		expect(events[0].type).toBe('batch');
		expect(transport.to('getupdates')).toHaveLength(2);
		expect(clock.sleeps.every((ms) => ms <= 1000)).toBe(true);
	});

	test('errors: 2 s, 2 s, then 30 s after three in a row; recovered after', async () => {
		const { transport, client } = restored();
		transport.on('getupdates', { json: { ret: -1 } }, { status: 500 }, { error: new Error('socket hang up') }, updates([textMessage('1', 'x')], 'c1'));
		const events = await take(client.receive(), 5);
		expect(events.map((e) => (e.type === 'retrying' ? e.delayMs : e.type))).toEqual([2000, 2000, 30000, 'recovered', 'batch']);
	});

	test('-14 (errcode only) ends the loop with a stale event; further calls refuse without asking the server', async () => {
		const { transport, client } = restored();
		transport.on('getupdates', { json: { errcode: -14, errmsg: 'session timeout' } });
		const events = await take(client.receive(), 5);
		expect(events.map((e) => e.type)).toEqual(['stale']);
		expect(client.hasSession).toBe(false);
		await expect(client.sendText('u', 'x')).rejects.toBeInstanceOf(SessionStaleError);
		expect(transport.requests).toHaveLength(1);
	});

	test('an owner message opens the send budget with its context token', async () => {
		const { transport, client, clock } = restored();
		clock.time = 1_700_000_000_000;
		transport.on('getupdates', updates([textMessage('1', 'x', 1_700_000_000_000, 'ctxA')], 'c1'));
		await take(client.receive(), 1);
		const status = client.budgetStatus('o9cq80yyAbCdEfGhIjKlMnOpQrSt@im.wechat');
		expect(status).toMatchObject({ contextToken: 'ctxA', sendsLeft: 10 });
	});

	test('notifystart before the first poll and notifystop at the end when enabled', async () => {
		const t = setup({ notify: true });
		t.client.restore(session().toJSON());
		t.transport.otherwise('notifystart', { json: { ret: 0 } });
		t.transport.otherwise('notifystop', { status: 500 });
		t.transport.on('getupdates', updates([textMessage('1', 'x')], 'c1'));
		await take(t.client.receive(), 1);
		expect(t.transport.requests.map((r) => r.endpoint)).toEqual(['notifystart', 'getupdates', 'notifystop']);
		expect(bodyOf(t.transport.requests[0].body)).toEqual({ base_info: { channel_version: '2.4.9', bot_agent: 'OpenClaw' } });
	});

	test('an abort ends receive without an error', async () => {
		const { transport, client } = restored();
		const ac = new AbortController();
		transport.otherwise('getupdates', () => {
			ac.abort();
			return { error: Object.assign(new Error('aborted'), { name: 'AbortError' }) };
		});
		const events = await take(client.receive({ signal: ac.signal }), 5);
		expect(events).toEqual([]);
	});
});
