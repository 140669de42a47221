/**
 * WeChat Web Trigger in n8n-core's TriggerContext against the simulator:
 * logins (QR, restore, push), the message flow, credential write-back, the
 * exactly-once hand-off through static data, and closing.
 */
import { WeChatClient } from '../../lib/wechat/client';
import { liveClient } from '../../nodes/shared/session-store';
import { ALL_MESSAGE_TYPES } from '../../nodes/WeChatWebTrigger/description';
import { WeChatWebTrigger } from '../../nodes/WeChatWebTrigger/WeChatWebTrigger.node';
import type { Simulator } from '../../sandbox/simulator/api';
import type { TriggerRun } from './harness';
import { makeCredential, runTrigger, waitFor } from './harness';
import { binaryBytes, credentialData, events, json, parseSession, requestsTo, savedPosition, sessionJson, sleep, startNodeSim, storedSessionData } from './harness/wechat';

jest.setTimeout(20000);

let sim: Simulator;
let run: TriggerRun | undefined;

afterEach(async () => {
	jest.restoreAllMocks();
	await run?.closeFunction();
	run = undefined;
	await sim?.close();
});

describe('login', () => {
	it('QR login from an empty credential: QR event with PNG, scan, loggedIn, messages, session written to the credential', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(credentialData(sim));
		run = await runTrigger({}, { credential });

		const [qr] = await run.waitForItems(1, 1);
		expect(json(qr)).toMatchObject({ event: 'qr', url: expect.stringMatching(/^https:\/\/login\.weixin\.qq\.com\/l\//), uuid: expect.any(String) });
		const png = qr.binary?.data;
		expect(png).toMatchObject({ mimeType: 'image/png', fileName: 'qr.png', fileExtension: 'png' });
		expect((await binaryBytes(png!)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
		expect(run.emitted[0][0]).toEqual([]); // the QR went to output 2 only
		expect(run.logger.messages('info').some((m) => m.includes('scan this QR code') && m.includes(String(json(qr).url)))).toBe(true);

		const uuid = String(json(qr).uuid);
		sim.scan(uuid);
		await waitFor(() => events(run!.items(1)).includes('scanned'), 8000, 'scanned');
		sim.confirm(uuid);
		await waitFor(() => events(run!.items(1)).includes('loggedIn'), 8000, 'loggedIn');
		const loggedIn = run.items(1).find((i) => i.json.event === 'loggedIn');
		expect(json(loggedIn)).toMatchObject({ how: 'qr', account: { nickName: 'Sandbox Me', userName: sim.selfUserName() } });

		const injected = sim.inject({ from: 'Alice', type: 'text', text: 'hello n8n' });
		const [message] = await run.waitForItems(0, 1);
		expect(json(message)).toMatchObject({
			id: injected.msgId,
			type: 'text',
			text: 'hello n8n',
			chat: { kind: 'user', name: 'Ali' },
			fromMe: false,
			raw: expect.objectContaining({ MsgId: injected.msgId }),
		});

		// n8n wrote the session into the stored credential (via preAuthentication) and changed nothing else.
		await waitFor(() => run!.credentialWrites.some((w) => parseSession(w.data.session).user !== null), 5000, 'full session write');
		const last = run.credentialWrites[run.credentialWrites.length - 1];
		const { session, sessionRevision, ...rest } = last.data;
		expect(rest).toEqual(credential.data);
		expect(String(sessionRevision)).toMatch(/^\d+$/);
		expect(parseSession(session).tokens.sid).toBe(sim.session()?.sid);
		expect(parseSession(session).user?.NickName).toBe('Sandbox Me');
		expect(run.credentials.stored(credential.id).session).toBe(session);
		// …and the workflow's static data holds the position after the message, and no token (issue 16 item 6).
		const savedStatic = run.savedStaticData();
		expect(savedPosition(savedStatic).seen).toContain(injected.msgId);
		const staticText = JSON.stringify(savedStatic);
		const tokens = parseSession(session).tokens as Record<string, string>;
		for (const name of ['sid', 'skey', 'passTicket', 'uin']) expect(staticText).not.toContain(tokens[name]);
		for (const cookie of ['webwx_data_ticket', 'webwx_auth_ticket', 'wxsid', 'wxuin']) expect(staticText).not.toContain(cookie);
	});

	it('restores the session without any login request; a pre-2 static data session is taken out of workflow data; sessionRestored announces it', async () => {
		sim = await startNodeSim();
		const json0 = await sessionJson(sim);
		const credential = makeCredential(storedSessionData(sim, json0));
		sim.resetLogs();
		run = await runTrigger({}, { credential, staticData: { session: json0 } });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const injected = sim.inject({ from: 'Bob', type: 'text', text: 'still here' });
		const [message] = await run.waitForItems(0, 1);
		expect(message.json.id).toBe(injected.msgId);
		for (const endpoint of ['jslogin', 'login', 'webwxpushloginurl', 'webwxnewloginpage']) expect(requestsTo(sim, endpoint)).toBe(0);
		expect(events(run.items(1))).toEqual(['sessionRestored']); // no login: the restart resumed the account
		expect(run.credentialWrites).toEqual([]);
		expect(run.staticData().session).toBeUndefined();
		expect(run.savedStaticData()?.session).toBeUndefined();
	});

	it('uses the credential when static data belongs to another login', async () => {
		sim = await startNodeSim();
		const old = await sessionJson(sim);
		const current = await sessionJson(sim); // a newer login (e.g. pasted from the command line)
		const credential = makeCredential(storedSessionData(sim, current));
		sim.resetLogs();
		run = await runTrigger({}, { credential, staticData: { session: old } });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const webwxinit = sim.requests.filter((r) => r.endpoint === 'webwxinit').pop();
		expect((webwxinit?.body as { BaseRequest: { Sid: string } }).BaseRequest.Sid).toBe(parseSession(current).tokens.sid);
		expect(requestsTo(sim, 'jslogin')).toBe(0);
	});

	it('dead session: push login (the phone only confirms), then messages flow and the new session is stored', async () => {
		sim = await startNodeSim();
		const json0 = await sessionJson(sim);
		const credential = makeCredential(storedSessionData(sim, json0));
		sim.forceLogout(1101);
		sim.resetLogs();
		run = await runTrigger({}, { credential });
		const [pushSent] = await run.waitForItems(1, 1);
		expect(json(pushSent)).toMatchObject({ event: 'pushSent', account: { nickName: 'Sandbox Me' } });
		expect(requestsTo(sim, 'jslogin')).toBe(0);
		sim.confirm(String(pushSent.json.uuid));
		await waitFor(() => events(run!.items(1)).includes('loggedIn'), 8000, 'loggedIn');
		expect(json(run.items(1).find((i) => i.json.event === 'loggedIn'))).toMatchObject({ how: 'push' });
		const injected = sim.inject({ from: 'Carol', type: 'text', text: 'welcome back' });
		const [message] = await run.waitForItems(0, 1);
		expect(message.json.id).toBe(injected.msgId);
		await waitFor(() => run!.credentialWrites.some((w) => parseSession(w.data.session).tokens.sid === sim.session()?.sid), 5000, 'new session stored');
		expect(parseSession(json0).tokens.sid).not.toBe(sim.session()?.sid);
	});

	it('a refused account: loginRefused event with the server text, then no further login attempts', async () => {
		sim = await startNodeSim({ account: { refused: 'ret1203' } });
		run = await runTrigger({}, { credential: makeCredential(credentialData(sim)) });
		const [qr] = await run.waitForItems(1, 1);
		sim.scan(String(qr.json.uuid));
		sim.confirm(String(qr.json.uuid));
		await waitFor(() => events(run!.items(1)).includes('loginRefused'), 8000, 'loginRefused');
		const refused = json(run.items(1).find((i) => i.json.event === 'loginRefused'));
		expect(refused).toMatchObject({ reason: 'refused', ret: 1203 });
		expect(String(refused.message)).toMatch(/网页微信/);
		expect(run.logger.messages('error').some((m) => m.includes('refused') && m.includes('stays idle'))).toBe(true);
		const before = sim.requests.length;
		await sleep(1500);
		expect(sim.requests.length).toBe(before); // idle: no retry loop
		expect(run.emitErrors).toEqual([]);
	});

	it('nobody confirms: loginTimeout event, then a pause (no immediate new QR), and closing is prompt', async () => {
		sim = await startNodeSim();
		run = await runTrigger({}, { credential: makeCredential(credentialData(sim)) });
		// Expire every QR as soon as it is shown: the client gives up after 6 codes.
		const expired = new Set<string>();
		await waitFor(
			() => {
				for (const item of run!.items(1)) {
					const uuid = String(item.json.uuid ?? '');
					if (item.json.event === 'qr' && !expired.has(uuid)) {
						expired.add(uuid);
						sim.expire(uuid);
					}
				}
				return events(run!.items(1)).includes('loginTimeout');
			},
			15000,
			'loginTimeout',
		);
		expect(events(run.items(1)).filter((e) => e === 'qr')).toHaveLength(6);
		expect(json(run.items(1).find((i) => i.json.event === 'loginTimeout'))).toMatchObject({ reason: 'timeout' });
		const jslogins = requestsTo(sim, 'jslogin');
		await sleep(800);
		expect(requestsTo(sim, 'jslogin')).toBe(jslogins);
		const started = Date.now();
		await run.closeFunction();
		expect(Date.now() - started).toBeLessThan(1000);
		expect(sim.inFlight()).toEqual([]);
	});

	it('login cancelled on the phone: loginCancelled event, then a pause before the next QR', async () => {
		sim = await startNodeSim();
		run = await runTrigger({}, { credential: makeCredential(credentialData(sim)) });
		const [qr] = await run.waitForItems(1, 1);
		sim.cancel(String(qr.json.uuid));
		await waitFor(() => events(run!.items(1)).includes('loginCancelled'), 8000, 'loginCancelled');
		expect(json(run.items(1).find((i) => i.json.event === 'loginCancelled'))).toMatchObject({ reason: 'cancelled' });
		const jslogins = requestsTo(sim, 'jslogin');
		await sleep(800);
		expect(requestsTo(sim, 'jslogin')).toBe(jslogins);
	});
});

describe('running', () => {
	it('forced logout: loggedOut event, push login, back to messages; the live client is shared meanwhile', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		expect(liveClient(`id:${credential.id}`)).toBeDefined();

		sim.forceLogout(1102);
		await waitFor(() => events(run!.items(1)).includes('pushSent'), 8000, 'pushSent');
		const loggedOut = json(run.items(1).find((i) => i.json.event === 'loggedOut'));
		expect(loggedOut).toMatchObject({ event: 'loggedOut', reason: 'kicked', retcode: 1102, account: { nickName: 'Sandbox Me' } });
		expect(liveClient(`id:${credential.id}`)).toBeUndefined();

		const pushSent = run.items(1).find((i) => i.json.event === 'pushSent');
		sim.confirm(String(pushSent?.json.uuid));
		await waitFor(() => events(run!.items(1)).includes('loggedIn'), 8000, 'loggedIn');
		expect(liveClient(`id:${credential.id}`)).toBeDefined();
		const injected = sim.inject({ from: 'Dave', type: 'text', text: 'after the kick' });
		await run.waitForItems(0, 1);
		expect(run.items(0)[0].json.id).toBe(injected.msgId);
		await run.closeFunction();
		expect(liveClient(`id:${credential.id}`)).toBeUndefined();
	});

	it('a 1102 seconds after a fresh login is a refusal (the 2025 pattern): loginRefused, then no push login and no QR of its own', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(credentialData(sim));
		run = await runTrigger({}, { credential });
		const [qr] = await run.waitForItems(1, 1);
		sim.scan(String(qr.json.uuid));
		sim.confirm(String(qr.json.uuid));
		await waitFor(() => events(run!.items(1)).includes('loggedIn'), 8000, 'loggedIn');
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const logins = () => requestsTo(sim, 'jslogin') + requestsTo(sim, 'webwxpushloginurl');
		const before = logins();
		sim.forceLogout(1102);
		await waitFor(() => events(run!.items(1)).includes('loginRefused'), 8000, 'loginRefused');
		const refused = json(run.items(1).find((i) => i.json.event === 'loginRefused'));
		expect(refused).toMatchObject({ reason: 'kickedAfterLogin', retcode: 1102, account: { nickName: 'Sandbox Me' } });
		expect(String(refused.hint)).toMatch(/iLink/);
		expect(Number(refused.secondsAfterLogin)).toBeLessThan(60);
		expect(run.logger.messages('error').some((m) => m.includes('refuses this account'))).toBe(true);
		await sleep(1500);
		expect(logins()).toBe(before);
		expect(events(run.items(1)).filter((e) => e === 'qr' || e === 'pushSent' || e === 'loggedOut')).toEqual(['qr']);
		expect(sim.inFlight()).toEqual([]);

		// n8n restarts (activation "init"): the refusal saved with the event keeps the trigger idle.
		const saved = run.savedStaticData();
		const stored = { ...credential, data: run.credentials.stored(credential.id) };
		expect(JSON.stringify(saved)).not.toContain(sim.session()?.sid ?? 'no-sid');
		await run.closeFunction();
		sim.resetLogs();
		run = await runTrigger({}, { credential: stored, staticData: saved, activation: 'init' });
		await sleep(1500);
		expect(sim.requests.filter((r) => ['jslogin', 'webwxpushloginurl', 'webwxinit', 'synccheck'].includes(r.endpoint))).toEqual([]);
		expect(run.items(1)).toEqual([]);
		expect(run.logger.messages('error').some((m) => m.includes('stays idle and does not log in by itself'))).toBe(true);
		await run.closeFunction();

		// The user activates the workflow again: one more try (push login, the account is known).
		run = await runTrigger({}, { credential: stored, staticData: saved, activation: 'activate' });
		await waitFor(() => events(run!.items(1)).includes('pushSent'), 8000, 'pushSent');
	});

	it('an SKey refresh is written to the credential', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		sim.rotateSkey();
		sim.inject({ from: 'Alice', type: 'text', text: 'rotate' });
		await run.waitForItems(0, 1);
		sim.inject({ from: 'Alice', type: 'text', text: 'after rotate' });
		await run.waitForItems(0, 2);
		await waitFor(() => run!.credentialWrites.some((w) => parseSession(w.data.session).tokens.skey === sim.session()?.skey), 5000, 'new skey stored');
	});

	it('logged out by a login in another process (stored in the credential): continues with that session, no new login', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		// A worker's Session → Log In: the new session ends ours, and n8n stores it in the credential.
		const elsewhere = await sessionJson(sim);
		run.credentials.add({ ...credential, data: { ...credential.data, session: elsewhere } });
		await waitFor(() => events(run!.items(1)).includes('loggedOut'), 8000, 'loggedOut');
		await waitFor(() => run!.logger.messages('info').some((m) => m.includes('another login')), 8000, 'the handover');
		const injected = sim.inject({ from: 'Dave', type: 'text', text: 'to the new session' });
		await run.waitForItems(0, 1);
		expect(run.items(0)[0].json.id).toBe(injected.msgId);
		expect(events(run.items(1))).not.toContain('pushSent');
		expect(events(run.items(1))).not.toContain('qr');
		expect(sim.session()?.sid).toBe(parseSession(elsewhere).tokens.sid);
	});

	it('two active workflows on one credential: one sync loop; the second takes over when the first stops', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		const second = await runTrigger({}, { credential });
		try {
			await waitFor(() => second.logger.messages('warn').some((m) => m.includes('another active workflow')), 5000, 'the waiting notice');
			const first = sim.inject({ from: 'Alice', type: 'text', text: 'for the first' });
			await run.waitForItems(0, 1);
			for (let i = 0; i < 10; i++) {
				expect(sim.inFlight().filter((r) => r.endpoint === 'synccheck').length).toBeLessThanOrEqual(1);
				await sleep(100);
			}
			expect(run.items(0).map((i) => i.json.id)).toEqual([first.msgId]);
			expect(second.items(0)).toEqual([]);
			await run.closeFunction();
			const next = sim.inject({ from: 'Bob', type: 'text', text: 'for the second' });
			await waitFor(() => second.items(0).some((i) => i.json.id === next.msgId), 12000, 'the second workflow to take over');
		} finally {
			await second.closeFunction();
		}
	});

	it('transient failures are retried inside the loop (warning only), without loss', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => requestsTo(sim, 'synccheck') > 0, 5000, 'first synccheck');
		sim.fault('webwxsync', { kind: 'status', status: 502 }, 1);
		const injected = sim.inject({ from: 'Alice', type: 'text', text: 'through a 502' });
		await run.waitForItems(0, 1, 10000);
		expect(run.items(0).map((i) => i.json.id)).toEqual([injected.msgId]);
		expect(run.logger.messages('warn').some((m) => m.includes('Retrying'))).toBe(true);
		expect(run.emitErrors).toEqual([]);
	});

	it('closing while the long poll is held: no request outlives closeFunction', async () => {
		sim = await startNodeSim({ syncHoldMs: 5000 });
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		run = await runTrigger({}, { credential });
		await waitFor(() => sim.inFlight().some((r) => r.endpoint === 'synccheck'), 5000, 'held synccheck');
		const started = Date.now();
		await run.closeFunction();
		expect(Date.now() - started).toBeLessThan(2500);
		await waitFor(() => sim.inFlight().length === 0, 1000, 'no request in flight');
		const count = sim.requests.length;
		await sleep(1000);
		expect(sim.requests.length).toBe(count);
		expect(liveClient(`id:${credential.id}`)).toBeUndefined();
	});
});

describe('node description', () => {
	it('is a trigger with two outputs, the credential, and every message type selected by default', () => {
		const { description } = new WeChatWebTrigger();
		expect(description).toMatchObject({ name: 'weChatWebTrigger', displayName: 'WeChat Web Trigger', group: ['trigger'], inputs: [], outputNames: ['Messages', 'Login Events'] });
		expect(description.outputs).toHaveLength(2);
		expect(description.credentials).toEqual([
			{ name: 'weChatWebApi', required: true, testedBy: 'weChatWebApiTest', displayOptions: { show: { authentication: ['weChatWebApi'] } } },
			{ name: 'weChatIlinkApi', required: true, testedBy: 'weChatIlinkApiTest', displayOptions: { show: { authentication: ['weChatIlinkApi'] } } },
		]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.properties.find((p) => p.name === 'messageTypes')?.default).toEqual(ALL_MESSAGE_TYPES);
	});
});

describe('failures', () => {
	it('an unexpected (non-WeChat) error goes to emitError after activation, and n8n closes the trigger', async () => {
		sim = await startNodeSim();
		const credential = makeCredential(storedSessionData(sim, await sessionJson(sim)));
		jest.spyOn(WeChatClient.prototype, 'receive').mockImplementation(async function* () {
			yield* [];
			throw new TypeError('something broke');
		});
		run = await runTrigger({}, { credential });
		await waitFor(() => run!.emitErrors.length > 0, 5000, 'emitError');
		expect(run.emitErrors[0].message).toBe('something broke');
		expect(run.emitErrors[0].constructor.name).toBe('NodeOperationError');
		await waitFor(() => sim.inFlight().length === 0, 2000, 'nothing in flight');
		expect(liveClient(`id:${credential.id}`)).toBeUndefined();
	});

	it('activation fails clearly when the origin override is invalid', async () => {
		sim = await startNodeSim();
		const error = await runTrigger({}, { credential: makeCredential({ originOverride: 'ftp://nope' }) }).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/problem activating the workflow: "The origin override must use http or https/);
	});
});
