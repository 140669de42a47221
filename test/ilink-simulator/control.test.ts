/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
import type { IlinkSimulator } from '../../sandbox/ilink-simulator';
import { startSim, type Wire } from './wire';

describe('iLink simulator: faults and the /__sim control API', () => {
	let sim: IlinkSimulator;
	let wire: Wire;
	beforeEach(async () => {
		({ sim, wire } = await startSim());
		wire.bind();
	});
	afterEach(() => sim.close());

	const cfg = () => wire.call('getconfig', { ilink_user_id: 'x@im.wechat' });

	it('answers a queued HTTP status, then the normal answer again', async () => {
		sim.fault('getconfig', { kind: 'status', status: 500 }, 2);
		expect((await cfg()).status).toBe(500);
		expect((await cfg()).status).toBe(500);
		expect((await cfg()).json.ret).toBe(0);
		expect(sim.requests.filter((r) => r.fault === 'status')).toHaveLength(2);
	});

	it('drops the connection, answers late, answers ret or cuts the JSON', async () => {
		sim.fault('getconfig', { kind: 'drop' });
		await expect(cfg()).rejects.toThrow();
		sim.fault('getconfig', { kind: 'slow', ms: 30 });
		expect((await cfg()).json.ret).toBe(0);
		sim.fault('getconfig', { kind: 'ret', ret: -2, errmsg: 'prepare failed' });
		expect((await cfg()).text).toBe('{"ret":-2,"errmsg":"prepare failed"}');
		sim.fault('getconfig', { kind: 'malformed' });
		const cut = await cfg();
		expect(cut.json).toEqual({});
		expect(cut.text.startsWith('{"ret":0')).toBe(true);
		sim.clearFaults();
		expect(() => sim.fault('nope' as never, { kind: 'drop' })).toThrow(/Unknown endpoint/);
	});

	it('a hung request is ended by close()', async () => {
		sim.fault('getconfig', { kind: 'hang' });
		const hung = cfg();
		while (!sim.requests.some((r) => r.fault === 'hang')) await new Promise((r) => setTimeout(r, 1));
		await sim.close();
		await expect(hung).rejects.toThrow();
	});

	it('drives the same operations over HTTP', async () => {
		const post = (name: string, body: unknown = {}) => wire.raw(`/__sim/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
		const sent = await post('owner-sends', { image: { bytes: Buffer.from('png bytes').toString('base64') } });
		expect(sent.json).toMatchObject({ messageId: expect.stringMatching(/^\d+$/), seq: 1, contextToken: expect.any(String), aesKey: expect.stringMatching(/^[0-9a-f]{32}$/) });
		const state = await wire.raw('/__sim/state');
		expect(state.json).toMatchObject({ pendingUpdates: 1, bot: { ownerId: sim.bot()?.ownerId, stale: false } });
		const before = sim.now();
		const adv = await post('clock/advance', { ms: 60_000 });
		expect(adv.json.now as number).toBeGreaterThanOrEqual(before + 60_000);
		expect((await post('fault', { endpoint: 'getconfig', fault: { kind: 'status', status: 503 } })).json).toEqual({ ok: true });
		expect((await cfg()).status).toBe(503);
		expect((await post('qr/scan')).status).toBe(400);
		expect((await post('stale')).json).toEqual({ ok: true });
		expect((await cfg()).json).toEqual({ errcode: -14, errmsg: 'session timeout' });
		expect((await wire.raw('/__sim/nothing')).status).toBe(404);
		expect(sim.requests.every((r) => r.endpoint !== 'control')).toBe(true);
	});

	it('lists what it issued for the leak scan', () => {
		const m = sim.ownerSends({ image: { bytes: Buffer.from('x') } });
		const kinds = sim.issuedSecrets().map((s) => s.kind);
		expect(kinds).toContain('bot_token');
		expect(sim.issuedSecrets()).toContainEqual({ kind: 'aes_key', value: m.aesKey?.toString('hex') });
	});
});
