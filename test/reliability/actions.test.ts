/**
 * The action node under rate limits, lost answers and concurrent starts, in
 * simulated time (pacing and back-off waits count but return at once): the
 * configured rate holds over any minute even with 1205 retries, a send whose
 * outcome is unknown is never sent twice, and executions starting together
 * restore the session once.
 */
import type { INodeParameters } from 'n8n-workflow';
import { resetAccounts } from '../../nodes/shared/session-store';
import type { Phone } from '../node/action-fixtures';
import { credentialFor, rl, run, runError, startPhone, stopN8nTimers } from '../node/action-fixtures';
import { runTrigger, waitFor } from '../node/harness';
import { simTime } from './sim-time';

jest.mock('../../nodes/shared/n8n-runtime', () => jest.requireActual('./trigger-fixture').runtimeInSimulatedTime());

jest.setTimeout(30000);

let phone: Phone;
beforeEach(async () => {
	resetAccounts();
	phone = await startPhone();
});
afterEach(async () => {
	await phone.sim.close();
	simTime.reset();
});
afterAll(() => stopN8nTimers());

const sendText = (text: string): INodeParameters => ({ resource: 'message', operation: 'sendText', recipient: rl('name', 'Bob'), text });
const sendRequests = () => phone.sim.requests.filter((r) => r.endpoint === 'webwxsendmsg');

describe('pacing', () => {
	it('30 sends with the default pacing (≥ 1.5 s apart, ≤ 20 per minute) and two 1205 answers: never more than 20 requests in any simulated minute, each message delivered once', async () => {
		const cred = credentialFor(phone, { minSendIntervalSeconds: 1.5, maxSendsPerMinute: 20 });
		simTime.probe = () => sendRequests().length;
		simTime.nowFollowsSleeps = true;
		phone.sim.fault('webwxsendmsg', { kind: 'ret', ret: 1205 }, 2);
		const out = await run(cred, Array.from({ length: 30 }, (_, i) => sendText(`paced ${i}`)), Array.from({ length: 30 }, () => ({ json: {} })));
		expect(out).toHaveLength(30);
		const requests = sendRequests();
		expect(requests).toHaveLength(32);
		// The retried message kept its ClientMsgId: the server can tell it is the same message.
		const clientIds = requests.map((r) => String((r.body as { Msg: { ClientMsgId: string } }).Msg.ClientMsgId));
		expect(clientIds[0]).toBe(clientIds[1]);
		expect(clientIds[1]).toBe(clientIds[2]);
		// Each text reached the chat exactly once.
		const delivered = phone.sim.sent.filter((s) => s.endpoint === 'webwxsendmsg').map((s) => s.content);
		expect(delivered).toEqual(Array.from({ length: 30 }, (_, i) => `paced ${i}`));
		// Simulated start time of every request, then every sliding 60 s window.
		const times = requests.map((_, i) => simTime.timeAtProbe(i));
		for (let i = 0; i < times.length; i++) {
			const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 60_000).length;
			expect(inWindow).toBeLessThanOrEqual(20);
		}
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(1500);
	});

	it('the per-minute cap holds across a trigger start: the account keeps one send queue in the process (issue 16 item 15)', async () => {
		const cred = credentialFor(phone, { minSendIntervalSeconds: 0, maxSendsPerMinute: 3 });
		simTime.probe = () => sendRequests().length;
		simTime.nowFollowsSleeps = true;
		await run(cred, Array.from({ length: 3 }, (_, i) => sendText(`before ${i}`)), Array.from({ length: 3 }, () => ({ json: {} })));
		// The trigger starts on the same account: its client becomes the one executions borrow.
		const trigger = await runTrigger({}, { credential: cred });
		try {
			await waitFor(() => phone.sim.requests.some((r) => r.endpoint === 'synccheck'), 8000, 'the trigger receiving');
			await run(cred, [sendText('after the trigger started')], [{ json: {} }]);
		} finally {
			await trigger.closeFunction();
		}
		const times = sendRequests().map((_, i) => simTime.timeAtProbe(i));
		expect(times).toHaveLength(4);
		expect(times[3] - times[0]).toBeGreaterThanOrEqual(60_000);
	});
});

describe('a send whose answer was lost', () => {
	it.each([
		['the connection reset', { kind: 'reset' as const }],
		['HTTP 502', { kind: 'status' as const, status: 502 }],
		['a truncated answer', { kind: 'truncated' as const }],
	])('%s: a clear "may have been delivered" error, and the message is not sent again', async (_what, fault) => {
		const cred = credentialFor(phone);
		phone.sim.fault('webwxsendmsg', fault, 1);
		const err = await runError(cred, sendText('maybe delivered'));
		expect(`${err.message} ${err.description ?? ''}`).toMatch(/may or may not have been delivered\. Check the chat before sending it again/);
		expect(sendRequests()).toHaveLength(1);
		// With Continue On Fail the next item still goes out, once.
		phone.sim.fault('webwxsendmsg', fault, 1);
		const out = await run(cred, [sendText('lost'), sendText('next')], [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(out[0].json.error).toEqual(expect.any(String));
		expect(out[1].json.msgId).toEqual(expect.any(String));
		expect(sendRequests()).toHaveLength(3);
	});
});

describe('executions starting together', () => {
	it('five concurrent executions with no live client restore the stored session once (one webwxinit), then all send', async () => {
		const cred = credentialFor(phone);
		const before = phone.sim.requests.filter((r) => r.endpoint === 'webwxinit').length;
		const outs = await Promise.all(Array.from({ length: 5 }, (_, i) => run(cred, sendText(`together ${i}`))));
		expect(outs.map((o) => typeof o[0].json.msgId)).toEqual(Array(5).fill('string'));
		expect(phone.sim.requests.filter((r) => r.endpoint === 'webwxinit').length - before).toBe(1);
	});

	it('after WeChat rotated the SKey, concurrent executions all use the new one — nobody logs in again', async () => {
		const cred = credentialFor(phone);
		await run(cred, sendText('warm up'));
		phone.sim.rotateSkey();
		// The rotation is handed out by the next webwxsync (the trigger's loop here: the test's own client).
		const c = phone.client;
		const controller = new AbortController();
		const it = c.receive({ signal: controller.signal });
		phone.sim.inject({ from: 'Alice', type: 'text', text: 'wake' });
		await it.next();
		controller.abort();
		const mark = phone.sim.requests.length;
		// The trigger's process wrote the new SKey into the stored credential (same credential, same id).
		cred.data.session = c.toJSON();
		const outs = await Promise.all(Array.from({ length: 3 }, (_, i) => run(cred, sendText(`after rotation ${i}`))));
		expect(outs.every((o) => typeof o[0].json.msgId === 'string')).toBe(true);
		const after = phone.sim.requests.slice(mark);
		expect(after.filter((r) => r.endpoint === 'jslogin' || r.endpoint === 'webwxpushloginurl')).toHaveLength(0);
		expect(after.filter((r) => r.endpoint === 'webwxinit')).toHaveLength(0);
		// Every send carried the rotated SKey.
		const skey = phone.sim.session()?.skey;
		expect(after.filter((r) => r.endpoint === 'webwxsendmsg').map((r) => (r.body as { BaseRequest: { Skey: string } }).BaseRequest.Skey)).toEqual([skey, skey, skey]);
	});
});
