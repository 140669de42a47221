/**
 * "Hang past the timeout": the server accepts synccheck / webwxsync and never
 * answers. Driven through the client's real receive loop with short request
 * timeouts (the production ones are 35 s and 30 s) and simulated time for the
 * back-off: every hung request is given up at its timeout, the loop backs off,
 * and the messages waiting meanwhile arrive once.
 */
import { WeChatClient } from '../../lib/wechat/client';
import { FetchTransport } from '../../lib/cli/node-runtime';
import type { WeChatMessage } from '../../lib/wechat/types';
import { loginWithPhone, recordingLogger, startSim } from '../helpers/sim-client';
import type { Endpoint, Simulator } from '../../sandbox/simulator/api';
import { simTime } from './sim-time';

jest.setTimeout(30000);

let sim: Simulator;
afterEach(async () => {
	await sim?.close();
	simTime.reset();
});

it.each<Endpoint>(['synccheck', 'webwxsync'])('%s hanging: each request is abandoned at its timeout, the loop backs off and recovers; nothing lost or doubled', async (endpoint) => {
	sim = await startSim({ syncHoldMs: 300 });
	const login = new WeChatClient({ transport: new FetchTransport(), clock: simTime, logger: recordingLogger, originOverride: sim.origin });
	await loginWithPhone(login, sim);
	const client = new WeChatClient({ transport: new FetchTransport(), clock: simTime, logger: recordingLogger, originOverride: sim.origin });
	await client.restore(login.toJSON());

	const controller = new AbortController();
	const received: WeChatMessage[] = [];
	const kinds: string[] = [];
	const injected = sim.injectMany([1, 2].map((i) => ({ from: 'Alice', type: 'text' as const, text: `first ${i}` }))).map((m) => m.msgId);
	const mark = sim.requests.length;
	sim.fault(endpoint, { kind: 'hang' }, 3);
	const loop = (async () => {
		for await (const ev of client.receive({ signal: controller.signal, syncCheckTimeoutMs: 700, syncTimeoutMs: 700 })) {
			kinds.push(ev.type);
			if (ev.type === 'messages') received.push(...ev.messages);
			if (received.length >= 4) break;
			if (received.length === 2 && injected.length === 2) injected.push(...sim.injectMany([3, 4].map((i) => ({ from: 'Bob', type: 'text' as const, text: `then ${i}` }))).map((m) => m.msgId));
		}
	})();
	await loop;
	controller.abort();

	expect(received.map((m) => m.id)).toEqual(injected);
	const hung = sim.requests.slice(mark).filter((r) => r.fault === 'hang');
	expect(hung).toHaveLength(3);
	// The client went away from every hung request (the simulator saw the socket close).
	expect(hung.every((r) => r.aborted)).toBe(true);
	expect(kinds.filter((k) => k === 'retrying')).toHaveLength(3);
	expect(kinds).toContain('recovered');
	// Three back-off waits, growing within the cap.
	const waits = simTime.sleeps.map((s) => s.ms).filter((ms) => ms >= 1000);
	expect(waits).toHaveLength(3);
	expect(Math.max(...waits)).toBeLessThanOrEqual(60_000);
});
