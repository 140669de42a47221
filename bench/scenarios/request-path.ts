/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 9. The request path alone: small GETs (a 404 of the simulator, no protocol
 * work) through each layer, in n8n-core's TriggerContext with the stored
 * credential, a batch per layer, interleaved in rounds. Per request: the median
 * time, the CPU time of this process and the TCP connections the simulator accepted.
 * It splits what a trigger request costs into
 *  - fetch (undici, keep-alive: the protocol client alone and the floor),
 *  - n8n `helpers.httpRequest` (axios; a new agent, hence a new connection, per request),
 *  - n8n `helpers.httpRequestWithAuthentication` as it decrypts the credential for the request,
 *  - the same with `credentialsDecrypted` handed in (no decrypt),
 *  - ours: N8nTransport.request (nodes/shared/n8n-runtime.ts) as it is.
 */
import { performance } from 'node:perf_hooks';
import type { IAdditionalCredentialOptions, IHttpRequestOptions, INodeType, ITriggerFunctions } from 'n8n-workflow';
import { FetchTransport } from '../../lib/cli/node-runtime';
import { N8nTransport } from '../../nodes/shared/n8n-runtime';
import type { SimTraffic } from '../../sandbox/simulator/api';
import { makeCredential, runTrigger } from '../../test/node/harness';
import { loggedInClient, type SimHandle } from '../sim';
import { interleaved, median, percentile, round, type Row } from '../stats';

/** A trigger node that does nothing but hold its context, so the helpers can be driven directly. */
function contextHolder(): { nodeType: INodeType; context: () => ITriggerFunctions } {
	let ctx: ITriggerFunctions | undefined;
	const hold = (context: ITriggerFunctions) => (ctx = context);
	const nodeType: INodeType = {
		description: {
			displayName: 'Request Path Bench Trigger',
			name: 'requestPathBenchTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Benchmark only',
			defaults: { name: 'Request Path Bench Trigger' },
			inputs: [],
			outputs: ['main'],
			credentials: [{ name: 'weChatWebApi', required: true }],
			properties: [],
		},
		async trigger(this: ITriggerFunctions) {
			hold(this);
			return { closeFunction: async () => undefined };
		},
	};
	return {
		nodeType,
		context: () => {
			if (!ctx) throw new Error('trigger() did not run');
			return ctx;
		},
	};
}

type Layer = { name: string; send: (url: string) => Promise<unknown> };

export async function requestPath(sim: SimHandle, count: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const session = await loggedInClient(sim);
	const holder = contextHolder();
	const credential = makeCredential({ originOverride: sim.origin, session: session.toJSON(), sessionRevision: String(Date.now()) });
	const run = await runTrigger({}, { credential, nodeType: holder.nodeType, keepEmits: false });
	const ctx = holder.context();
	const options = (url: string): IHttpRequestOptions => ({ url, method: 'GET', headers: {}, encoding: 'text', returnFullResponse: true, ignoreHttpStatusErrors: true, disableFollowRedirect: true, timeout: 5000, json: false });
	const ref = ctx.getNode().credentials?.weChatWebApi;
	const decrypted = await ctx.getCredentials('weChatWebApi');
	const fetchTransport = new FetchTransport();
	const ours = new N8nTransport(ctx);
	const layers: Layer[] = [
		{ name: 'fetch (undici, keep-alive): client alone, floor', send: (url) => fetchTransport.request({ method: 'GET', url, headers: {}, responseType: 'text', timeoutMs: 5000 }) },
		{ name: 'n8n helpers.httpRequest', send: (url) => ctx.helpers.httpRequest(options(url)) },
		{ name: 'n8n helpers.httpRequestWithAuthentication (decrypts per request)', send: (url) => ctx.helpers.httpRequestWithAuthentication.call(ctx, 'weChatWebApi', options(url)) },
		{
			name: 'n8n helpers.httpRequestWithAuthentication + credentialsDecrypted',
			send: (url) => {
				const additional: IAdditionalCredentialOptions = { credentialsDecrypted: { id: ref?.id ?? '', name: ref?.name ?? '', type: 'weChatWebApi', data: { ...decrypted } } };
				return ctx.helpers.httpRequestWithAuthentication.call(ctx, 'weChatWebApi', options(url), additional);
			},
		},
		{ name: 'ours: N8nTransport.request', send: (url) => ours.request({ method: 'GET', url, headers: {}, responseType: 'text', timeoutMs: 5000, purpose: 'session' }) },
	];
	const url = `${sim.origin}/cgi-bin/mmwebwx-bin/bench-request-path`;
	try {
		// Each layer on its own for a batch, the batches interleaved in rounds (the order rotates):
		// a layer's deferred work (closing its connections, its garbage) falls on its own batch,
		// which one request of each layer in turn would smear over the others.
		const perRound = Math.ceil(count / rounds);
		const results = await interleaved(
			rounds,
			layers.map((layer) => async () => {
				for (let i = 0; i < 10; i++) await layer.send(url);
				const before = await sim.call<SimTraffic>('traffic');
				const samples: number[] = [];
				const c0 = process.cpuUsage();
				for (let i = 0; i < perRound; i++) {
					const t0 = performance.now();
					await layer.send(url);
					samples.push((performance.now() - t0) * 1000);
				}
				const c = process.cpuUsage(c0);
				const after = await sim.call<SimTraffic>('traffic');
				return { p50: percentile(samples, 50), cpuUs: (c.user + c.system) / perRound, connections: (after.connections - before.connections) / perRound };
			}),
		);
		const med = (k: number, f: (r: { p50: number; cpuUs: number; connections: number }) => number) => median(results[k].map(f));
		const rows: Row[] = layers.map((layer, k) => ({
			scenario: '9 request path',
			metric: `one GET, ${layer.name}: p50 wall, CPU of this process, connections per request`,
			ours: `${round(med(k, (r) => r.p50), 0)} µs, CPU ${round(med(k, (r) => r.cpuUs), 0)} µs, ${round(med(k, (r) => r.connections), 2)} conns`,
			baseline: k === 0 ? undefined : { name: 'fetch', value: `${round(med(0, (r) => r.p50), 0)} µs, CPU ${round(med(0, (r) => r.cpuUs), 0)} µs` },
			// Median of the per-round ratios of the p50s.
			ratio: k === 0 ? undefined : round(median(results[k].map((r, i) => r.p50 / results[0][i].p50))),
		}));
		return {
			rows,
			raw: {
				count,
				rounds,
				layers: layers.map((l, k) => ({ name: l.name, p50us: med(k, (r) => r.p50), cpuUsPerRequest: med(k, (r) => r.cpuUs), connectionsPerRequest: med(k, (r) => r.connections), rounds: results[k] })),
			},
		};
	} finally {
		await run.closeFunction();
	}
}

interface LayerRaw {
	name: string;
	p50us: number;
}

/**
 * What n8n's helpers alone forbid, from scenarios 1, 2 and 9 of the same run: a
 * trigger message needs the floor's requests, each through the cheapest helper
 * (`httpRequest`, no credential at all) instead of fetch. Latency: the floor's
 * p50 plus 2 × (helper − fetch); burst: the floor's drain time plus its requests
 * × (helper − fetch). If these bounds already miss a goal, no change of ours reaches it.
 */
export function helperBounds(raw: Record<string, unknown>): Row[] {
	const path = raw['request-path'] as { layers: LayerRaw[] } | undefined;
	if (!path) return [];
	const extraMs = (path.layers[1].p50us - path.layers[0].p50us) / 1000;
	const rows: Row[] = [];
	const lat = raw.latency as { floorP50: number[] } | undefined;
	if (lat) {
		const floor = median(lat.floorP50);
		const bound = floor + 2 * extraMs;
		rows.push({
			scenario: '9 request path',
			metric: `lowest trigger p50 n8n's helpers allow: floor p50 + 2 requests × ${round(extraMs * 1000, 0)} µs (helpers.httpRequest − fetch)`,
			ours: round(bound, 2),
			baseline: { name: 'raw floor', value: round(floor, 2) },
			ratio: round(bound / floor),
			unit: 'ms',
			note: 'the latency goal is ≤ 1.2× floor',
		});
	}
	const b = raw.burst as { count: number; floor: Array<{ ms: number; traffic: { requests: number } }> } | undefined;
	if (b) {
		const ms = median(b.floor.map((d) => d.ms));
		const bound = ms + median(b.floor.map((d) => d.traffic.requests)) * extraMs;
		rows.push({
			scenario: '9 request path',
			metric: `highest trigger burst rate n8n's helpers allow: floor drain + its ${median(b.floor.map((d) => d.traffic.requests))} requests × ${round(extraMs * 1000, 0)} µs`,
			ours: round((b.count / bound) * 1000, 0),
			baseline: { name: 'raw floor', value: round((b.count / ms) * 1000, 0) },
			ratio: round(ms / bound),
			unit: 'msg/s',
			note: 'the burst goal is ≥ 0.8× floor',
		});
	}
	return rows;
}
