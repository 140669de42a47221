/**
 * Every filter option of the WeChat Web Trigger: message types, chat types,
 * mentions, own messages, system events. Each case injects a mix and ends with
 * a sentinel that passes the filter, so "nothing else arrived" is exact.
 */
import type { IDataObject } from 'n8n-workflow';
import type { InjectSpec, Simulator } from '../../sandbox/simulator/api';
import type { NodeParams, TriggerRun } from './harness';
import { makeCredential, runTrigger, waitFor } from './harness';
import { requestsTo, sessionJson, startNodeSim, storedSessionData } from './harness/wechat';

jest.setTimeout(20000);

let sim: Simulator;
let run: TriggerRun | undefined;

afterEach(async () => {
	await run?.closeFunction();
	run = undefined;
	await sim?.close();
});

/** Starts the trigger with `parameters`, injects `specs` then `sentinel`; returns what came out, in order. */
async function emittedFor(parameters: NodeParams, specs: InjectSpec[], sentinel: InjectSpec): Promise<{ ids: string[]; items: IDataObject[]; injected: string[]; sentinelId: string }> {
	sim = await startNodeSim();
	run = await runTrigger(parameters, { credential: makeCredential(storedSessionData(sim, await sessionJson(sim))) });
	await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
	const injected = specs.map((s) => sim.inject(s).msgId);
	const sentinelId = sim.inject(sentinel).msgId;
	await waitFor(() => run!.items(0).some((i) => i.json.id === sentinelId), 8000, 'the sentinel message');
	const items = run.items(0).map((i) => i.json);
	return { ids: items.map((i) => String(i.id)), items, injected, sentinelId };
}

const text = (from: string, t: string): InjectSpec => ({ from, type: 'text', text: t });

describe('message types', () => {
	it('by default emits every user-visible type and drops system notices, recalls, friend requests and status notifications', async () => {
		const specs: InjectSpec[] = [
			text('Alice', 'hi'),
			{ from: 'Alice', type: 'image' },
			{ from: 'Bob', type: 'voice' },
			{ from: 'Bob', type: 'video' },
			{ from: 'Carol', type: 'emoticon' },
			{ from: 'Carol', type: 'link', title: 'n8n', url: 'https://n8n.io' },
			{ from: 'Dave', type: 'location', label: 'Shenzhen', lat: 22.54, lng: 114.06 },
			{ from: 'Dave', type: 'card', nickName: 'Bob' },
			{ from: 'Alice', type: 'file', fileName: 'report.pdf' },
			{ group: 'Sandbox Group', type: 'system', text: 'Alice invited Erin to the group chat' },
			{ type: 'friendRequest', nickName: 'Stranger' },
			{ type: 'statusNotify' },
		];
		const { items, sentinelId } = await emittedFor({}, specs, text('Alice', 'end'));
		expect(items.map((i) => i.type)).toEqual(['text', 'image', 'voice', 'video', 'emoticon', 'link', 'location', 'card', 'file', 'text']);
		expect(items[items.length - 1].id).toBe(sentinelId);
		expect(items[0]).toHaveProperty('raw.MsgId');
	});

	it('only the selected types', async () => {
		const specs: InjectSpec[] = [text('Alice', 'hi'), { from: 'Alice', type: 'image' }, { from: 'Bob', type: 'link', title: 't', url: 'https://example.com' }];
		const { items } = await emittedFor({ messageTypes: ['image', 'file'] }, specs, { from: 'Bob', type: 'file', fileName: 'end.txt' });
		expect(items.map((i) => i.type)).toEqual(['image', 'file']);
	});

	it('"Include System Events" adds system notices, recalls and friend requests (never status notifications)', async () => {
		sim = await startNodeSim();
		run = await runTrigger({ options: { includeSystemEvents: true } }, { credential: makeCredential(storedSessionData(sim, await sessionJson(sim))) });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const original = sim.inject(text('Alice', 'oops'));
		sim.inject({ group: 'Sandbox Group', type: 'system', text: 'Alice changed the group name to "Test"' });
		sim.inject({ from: 'Alice', type: 'revoke', msgId: original.msgId });
		sim.inject({ type: 'friendRequest', nickName: 'Stranger', greeting: 'hello' });
		sim.inject({ type: 'statusNotify' });
		const end = sim.inject(text('Bob', 'end'));
		await waitFor(() => run!.items(0).some((i) => i.json.id === end.msgId), 8000, 'sentinel');
		expect(run.items(0).map((i) => i.json.type)).toEqual(['text', 'system', 'revoke', 'friendRequest', 'text']);
	});
});

describe('chats, mentions, own messages', () => {
	it('default chat types are private and group chats (official accounts dropped)', async () => {
		const specs: InjectSpec[] = [text('Sandbox News', 'article'), { group: 'Sandbox Group', from: 'Bob', type: 'text', text: 'in the group' }, text('Alice', 'private')];
		const { items } = await emittedFor({}, specs, text('Carol', 'end'));
		expect(items.map((i) => [(i.chat as IDataObject).kind, i.text])).toEqual([
			['group', 'in the group'],
			['user', 'private'],
			['user', 'end'],
		]);
	});

	it('official accounts only', async () => {
		const specs: InjectSpec[] = [text('Alice', 'private'), { group: 'Sandbox Group', from: 'Bob', type: 'text', text: 'group' }, text('Sandbox News', 'article')];
		const { items } = await emittedFor({ chatTypes: ['official'] }, specs, text('Sandbox News', 'end'));
		expect(items.map((i) => i.text)).toEqual(['article', 'end']);
		expect((items[0].chat as IDataObject).kind).toBe('official');
	});

	it('"Only When I Am Mentioned in Groups" keeps group messages that @mention me, and private chats', async () => {
		const specs: InjectSpec[] = [
			{ group: 'Sandbox Group', from: 'Bob', type: 'text', text: 'no mention' },
			{ group: 'Sandbox Group', from: 'Bob', type: 'text', text: 'mentions Carol', mentions: ['Carol'] },
			{ group: 'Sandbox Group', from: 'Carol', type: 'text', text: 'look at this', mentions: ['me'] },
			text('Alice', 'private'),
		];
		const { items } = await emittedFor({ options: { onlyWhenMentioned: true } }, specs, { group: 'Sandbox Group', from: 'Alice', type: 'text', text: 'end', mentions: ['me'] });
		expect(items.map((i) => [i.mentionsMe, i.isGroup])).toEqual([
			[true, true],
			[false, false],
			[true, true],
		]);
	});

	it('own messages are ignored by default and included when "Ignore My Own Messages" is off', async () => {
		const specs: InjectSpec[] = [{ fromMe: true, to: 'Alice', type: 'text', text: 'sent from my phone' }, text('Alice', 'reply')];
		const ignored = await emittedFor({}, specs, text('Bob', 'end'));
		expect(ignored.items.map((i) => i.text)).toEqual(['reply', 'end']);
		await run?.closeFunction();
		await sim.close();

		const kept = await emittedFor({ options: { ignoreOwnMessages: false } }, specs, text('Bob', 'end'));
		expect(kept.items.map((i) => [i.text, i.fromMe])).toEqual([
			['sent from my phone', true],
			['reply', false],
			['end', false],
		]);
	});
});
