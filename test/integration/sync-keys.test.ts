/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
/**
 * The sync keys against the simulator's strict rules (CONTRACT "Sync"):
 * a restart resumes from the saved SyncKey — webwxinit's key on a restore is
 * the server's current one and would skip — and synccheck must carry the
 * SyncCheckKey, else selector 6 forever with empty syncs. Each rule is shown
 * twice: the real client passes, a deliberately broken client is caught.
 */
import type { WeChatClient } from '../../lib/wechat/client';
import { Session } from '../../lib/wechat/session';
import type { Simulator } from '../../sandbox/simulator/api';
import { collectMessages, loginWithPhone, makeClient, startSim } from '../helpers/sim-client';

const texts = (from: string, tag: string, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'text' as const, from, text: `${tag} ${i + 1}` }));

/** Everything the client's receive loop delivers within `ms` (no early stop: replays would show). */
const receiveFor = async (client: WeChatClient, ms: number) => (await collectMessages(client, Number.POSITIVE_INFINITY, ms)).map((m) => m.id);

let sim: Simulator;
afterEach(async () => sim?.close());

describe('restart from a saved position (review 16, item 3)', () => {
	/**
	 * A client syncs some messages and is snapshotted; more arrive while it is down;
	 * a new client restores the snapshot. `adoptInitKey` is the broken restore: it
	 * throws the saved position away, so the client takes webwxinit's SyncKey.
	 */
	async function restart(adoptInitKey: boolean): Promise<{ before: string[]; whileDown: string[]; afterRestart: string[] }> {
		sim = await startSim();
		const first = makeClient(sim);
		await loginWithPhone(first, sim);
		const before = sim.injectMany(texts('Alice', 'before', 3)).map((m) => m.msgId);
		expect((await collectMessages(first, 3, 5000)).map((m) => m.id)).toEqual(before);
		const snapshot = first.toJSON();

		const whileDown = sim.injectMany(texts('Bob', 'while down', 3)).map((m) => m.msgId);
		const second = makeClient(sim);
		const saved = Session.fromJSON(snapshot);
		if (adoptInitKey) {
			saved.syncKey = null;
			saved.syncCheckKey = null;
		}
		await second.restore(saved);
		expect(second.user?.UserName).toBe(first.user?.UserName);
		return { before, whileDown, afterRestart: await receiveFor(second, 2500) };
	}

	it('a restored client receives exactly the messages that arrived while it was down: no replays, no skips', async () => {
		const { whileDown, afterRestart } = await restart(false);
		expect(afterRestart).toEqual(whileDown);
	});

	it("a client that adopts webwxinit's SyncKey on restore is caught: it skips what arrived while it was down", async () => {
		const { whileDown, afterRestart } = await restart(true);
		expect(afterRestart).not.toEqual(whileDown);
		expect(afterRestart).toEqual([]);
	});
});

describe('synccheck carries the SyncCheckKey (review 16, item 5)', () => {
	/**
	 * A client receives one message (so a SyncCheckKey has been issued), then two more
	 * arrive while its synccheck is out. `syncKeyForSynccheck` is the broken client of
	 * WB#113: it keeps only the SyncKey and polls synccheck with it.
	 */
	async function twoRounds(syncKeyForSynccheck: boolean): Promise<{ later: string[]; received: string[]; synckeys: string[] }> {
		sim = await startSim();
		const client = makeClient(sim);
		await loginWithPhone(client, sim);
		const session = client.requireSession();
		if (syncKeyForSynccheck) Object.defineProperty(session, 'syncCheckKey', { get: () => null, set: () => undefined, configurable: true });
		const first = sim.inject({ type: 'text', from: 'Alice', text: 'first' }).msgId;
		expect((await collectMessages(client, 1, 5000)).map((m) => m.id)).toEqual([first]);

		sim.resetLogs();
		let later: string[] = [];
		const receiving = receiveFor(client, 3000);
		setTimeout(() => (later = sim.injectMany(texts('Carol', 'later', 2)).map((m) => m.msgId)), 300);
		const received = await receiving;
		const synckeys = sim.requests.filter((r) => r.endpoint === 'synccheck').map((r) => r.query.synckey);
		return { later, received, synckeys };
	}

	it('the real client polls with the SyncCheckKey and receives what arrives', async () => {
		const { later, received, synckeys } = await twoRounds(false);
		expect(synckeys.length).toBeGreaterThan(0);
		expect(synckeys.every((k) => /(^|\|)11_\d+/.test(k) && /(^|\|)1001_\d+/.test(k))).toBe(true);
		expect(received).toEqual(later);
	});

	it('a client that polls synccheck with the SyncKey is caught: selector 6 and empty syncs, the messages never arrive', async () => {
		const { later, received, synckeys } = await twoRounds(true);
		// It really is the broken client: no synccheck carried the SyncCheckKey's keys.
		expect(synckeys.length).toBeGreaterThan(0);
		expect(synckeys.some((k) => /(^|\|)11_\d+/.test(k))).toBe(false);
		expect(later).toHaveLength(2);
		expect(received).not.toEqual(later);
		expect(received).toEqual([]);
	});
});
