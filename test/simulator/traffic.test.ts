/**
 * Connection reuse is measurable: the simulator counts the TCP connections it
 * accepts and the requests it receives (in-process `traffic()` and
 * `GET /__sim/api/state`), which the benchmark reports per 1,000 messages.
 */
/* eslint-disable-next-line @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node, outside n8n */
import { request } from 'node:http';
import type { Simulator } from '../../sandbox/simulator/api';
import { startSimulator } from '../../sandbox/simulator';

/** One GET on a connection of its own (no agent: nothing kept alive). */
function getOnNewConnection(url: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent: false }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('simulator: connection and request counts', () => {
	let sim: Simulator;

	beforeAll(async () => {
		sim = await startSimulator({ recordRequests: false });
	});
	afterAll(async () => {
		await sim.close();
	});

	it('counts a connection per new socket and every request on a kept-alive one', async () => {
		const start = sim.traffic();
		for (let i = 0; i < 3; i++) await getOnNewConnection(`${sim.origin}/cgi-bin/mmwebwx-bin/nothing`);
		expect(sim.traffic()).toEqual({ connections: start.connections + 3, requests: start.requests + 3 });

		// fetch (undici) keeps its connections alive: once its pool is warm (its second request may
		// still open one: the first socket is not back in the pool yet), the next ones reuse it.
		for (let i = 0; i < 2; i++) await (await fetch(`${sim.origin}/cgi-bin/mmwebwx-bin/nothing`)).text();
		const mid = sim.traffic();
		for (let i = 0; i < 3; i++) await (await fetch(`${sim.origin}/cgi-bin/mmwebwx-bin/nothing`)).text();
		const after = sim.traffic();
		expect(after.requests - mid.requests).toBe(3);
		expect(after.connections - mid.connections).toBe(0);

		const state = (await (await fetch(`${sim.origin}/__sim/api/state`)).json()) as { traffic: { connections: number; requests: number }; contacts: unknown[] };
		expect(state.traffic).toEqual({ connections: after.connections, requests: after.requests + 1 });
		expect(Array.isArray(state.contacts)).toBe(true);
	});
});
