/* eslint-disable @n8n/community-nodes/no-restricted-imports -- benchmark code runs under plain Node, outside n8n */
/**
 * 3. Normalization alone: msgs/s of client.normalize on one core over the raw
 * AddMsgs of a realistic mix of every message type, as the simulator renders them
 * (group texts with mentions, app messages with escaped XML, media, system).
 */
import { performance } from 'node:perf_hooks';
import type { InjectSpec } from '../../sandbox/simulator/api';
import { FloorClient } from '../floor';
import { loggedInClient, type SimHandle } from '../sim';
import { interleaved, median, round, type Row } from '../stats';

/** One of each kind, weighted roughly like a busy account: mostly texts, many of them in groups. */
export function messageMix(i: number): InjectSpec[] {
	const g = 'Sandbox Group';
	return [
		{ type: 'text', from: 'Alice', text: `see you at ${i} <b>&amp; "quotes"</b> 😂` },
		{ type: 'text', group: g, from: 'Bob', text: `@everyone meeting moved to ${i}:00`, mentions: ['me'] },
		{ type: 'text', group: g, from: 'Carol', text: `plain group chatter ${i}` },
		{ type: 'text', group: g, from: 'Alice', text: `ping ${i}`, mentions: ['me', 'Bob'] },
		{ type: 'link', from: 'Bob', title: `Report <${i}> & "notes"`, url: `https://example.com/a?b=${i}&c=<d>`, description: 'Q&A <summary>' },
		{ type: 'music', from: 'Carol', title: `Song ${i}`, url: `https://music.example.com/${i}?x=1&y=2` },
		{ type: 'miniProgram', group: g, from: 'Bob', title: `Mini ${i}`, appId: 'wx1234567890', pagePath: `pages/a?id=${i}&t=1` },
		{ type: 'file', from: 'Alice', fileName: `report-${i}.pdf`, size: 4096 },
		{ type: 'image', from: 'Bob', size: 1024 },
		{ type: 'image', group: g, from: 'Carol', size: 1024 },
		{ type: 'voice', from: 'Alice', size: 512 },
		{ type: 'video', from: 'Bob', size: 2048 },
		{ type: 'emoticon', group: g, from: 'Alice', size: 256 },
		{ type: 'card', from: 'Carol', nickName: 'Dave' },
		{ type: 'location', from: 'Alice', label: `Café <${i}>`, lat: 31.2, lng: 121.5 },
		{ type: 'system', group: g, text: `"Bob" invited "Dave ${i}" to the group chat` },
		{ type: 'friendRequest', nickName: `Stranger ${i}`, greeting: 'hi <3' },
	];
}

export async function normalize(sim: SimHandle, perRound: number, rounds: number): Promise<{ rows: Row[]; raw: unknown }> {
	const client = await loggedInClient(sim, { loadContacts: true });
	const specs: InjectSpec[] = [];
	for (let i = 0; specs.length < 1000; i++) specs.push(...messageMix(i));
	await sim.call('injectMany', specs);
	// The raw AddMsgs as they come off the wire, fetched with the same session.
	const controller = new AbortController();
	const raws: Array<Record<string, unknown>> = [];
	for await (const list of new FloorClient(sim.origin, client.toJSON()).messages(controller.signal)) {
		raws.push(...list);
		if (raws.length >= specs.length) break;
	}
	controller.abort();
	const types = new Set(raws.map((r) => r.MsgType)).size;
	const run = async () => {
		const t0 = performance.now();
		let n = 0;
		for (let i = 0; i < perRound; i++) {
			const m = client.normalize(raws[i % raws.length] as never);
			n += m.type.length; // keep the result alive
		}
		const ms = performance.now() - t0;
		if (n === 0) throw new Error('nothing normalized');
		return (perRound / ms) * 1000;
	};
	await run(); // warm-up (JIT)
	const [rates] = await interleaved(rounds, [run]);
	const perSec = median(rates);
	return {
		rows: [
			{
				scenario: '3 normalize',
				metric: `normalizeMessage, ${raws.length} raw msgs of ${types} MsgTypes, one core`,
				ours: round(perSec, 0),
				unit: 'msg/s',
				goal: '≥ 50,000 msg/s',
				met: perSec >= 50_000,
			},
		],
		raw: { rounds, perRound, rates },
	};
}
