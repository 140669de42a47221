/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code runs under plain Node, outside n8n */
/**
 * 8. A slow, encrypted link: the receivers reach the simulator through
 * bench/link.ts (TLS with a certificate made at start, 25 ms each way per TCP
 * chunk, one more round trip per new connection). One message at a time, injected
 * while the receiver's synccheck is held (it idles, waiting for news, as it mostly
 * does). Latency inject→emit and round trips per message: TCP connections (each
 * also a TLS handshake) plus requests, as the simulator counts them.
 * Certificate checks are off in this process for this scenario only (the
 * certificate is self-signed): NODE_TLS_REJECT_UNAUTHORIZED=0.
 */
import { startClient, startFloor, startTrigger } from '../receivers';
import type { SimHandle } from '../sim';
import { interleaved, median, percentile, round, type Row } from '../stats';
import { measure, type Measured } from './latency';

export async function link(sim: SimHandle, total: number, rounds: number, oneWayMs: number): Promise<{ rows: Row[]; raw: unknown }> {
	const origin = await sim.call<string>('startLink', oneWayMs);
	const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
	const rtt = `${oneWayMs * 2} ms RTT + TLS`;
	try {
		const per = Math.ceil(total / rounds);
		const opts = { origin, waitHeld: true, warmup: 5 };
		const [ours, floor, lib] = await interleaved(rounds, [
			(r) => measure(sim, startTrigger, `link-ours-${r}`, per, opts),
			(r) => measure(sim, startFloor, `link-floor-${r}`, per, opts),
			(r) => measure(sim, startClient, `link-client-${r}`, per, opts),
		]);
		const samples = (side: Measured[]) => side.map((m) => m.samples);
		const latencyRow = (side: Measured[], p: number, who: string): Row => ({
			scenario: '8 link',
			metric: `p${p} inject→emit, ${who} (${rtt})`,
			ours: round(percentile(samples(side).flat(), p), 1),
			baseline: { name: 'raw floor', value: round(percentile(samples(floor).flat(), p), 1) },
			ratio: round(median(samples(side).map((o, r) => percentile(o, p) / percentile(samples(floor)[r], p)))),
			unit: 'ms',
		});
		const perMsg = (side: Measured[]) => {
			const n = side.reduce((a, m) => a + m.samples.length, 0);
			const conns = side.reduce((a, m) => a + m.traffic.connections, 0) / n;
			const reqs = side.reduce((a, m) => a + m.traffic.requests, 0) / n;
			return { conns, reqs, total: conns + reqs, text: `${round(conns + reqs)} (${round(conns)} conns + ${round(reqs)} reqs)` };
		};
		const tripsRow = (side: Measured[], who: string): Row => {
			const ratio = perMsg(side).total / perMsg(floor).total;
			return {
				scenario: '8 link',
				metric: `round trips per message (TCP+TLS connections + requests), ${who} (${rtt})`,
				ours: perMsg(side).text,
				baseline: { name: 'raw floor', value: perMsg(floor).text },
				ratio: round(ratio),
				goal: '≤ floor',
				// A hundredth of slack: a warm-up connection that closes late is not a round trip per message.
				met: perMsg(side).total <= perMsg(floor).total + 0.01,
			};
		};
		const rows: Row[] = [
			latencyRow(ours, 50, 'trigger'),
			latencyRow(ours, 99, 'trigger'),
			latencyRow(lib, 50, 'protocol client alone'),
			latencyRow(lib, 99, 'protocol client alone'),
			tripsRow(ours, 'trigger'),
			tripsRow(lib, 'protocol client alone'),
		];
		return {
			rows,
			raw: {
				oneWayMs,
				rounds,
				perRound: per,
				p50: { trigger: samples(ours).map((s) => percentile(s, 50)), floor: samples(floor).map((s) => percentile(s, 50)), client: samples(lib).map((s) => percentile(s, 50)) },
				traffic: { trigger: ours.map((m) => m.traffic), floor: floor.map((m) => m.traffic), client: lib.map((m) => m.traffic) },
			},
		};
	} finally {
		if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
		else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
	}
}
