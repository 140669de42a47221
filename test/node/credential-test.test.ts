/**
 * The credential test ("Test" in the credential dialog) runs through the
 * protocol client with n8n-core's own CredentialTestContext: the stored session
 * is restored as the nodes restore it, and every answer is a clear message
 * without a token.
 */
import { CredentialTestContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted } from 'n8n-workflow';
import type { Simulator } from '../../sandbox/simulator/api';
import { weChatWebApiTest } from '../../nodes/shared/credential-test';
import { WeChatWeb } from '../../nodes/WeChatWeb/WeChatWeb.node';
import { WeChatWebTrigger } from '../../nodes/WeChatWebTrigger/WeChatWebTrigger.node';
import { WeChatWebApi } from '../../credentials/WeChatWebApi.credentials';
import { sessionJson, startNodeSim } from './harness/wechat';

let sim: Simulator;
afterEach(async () => await sim?.close());

function credential(data: ICredentialDataDecryptedObject): ICredentialsDecrypted {
	return { id: 'cred-test', name: 'WeChat account', type: 'weChatWebApi', data };
}

async function test(data: ICredentialDataDecryptedObject) {
	return await weChatWebApiTest.call(new CredentialTestContext(), credential(data));
}

it('both nodes name the test, and the credential has no request-expression test of its own (it would win)', () => {
	for (const node of [new WeChatWeb(), new WeChatWebTrigger()]) {
		expect(node.description.credentials).toEqual([
			expect.objectContaining({ name: 'weChatWebApi', testedBy: 'weChatWebApiTest' }),
			expect.objectContaining({ name: 'weChatIlinkApi', testedBy: 'weChatIlinkApiTest' }),
		]);
		expect(node.methods?.credentialTest?.weChatWebApiTest).toBe(weChatWebApiTest);
	}
	expect((new WeChatWebApi() as { test?: unknown }).test).toBeUndefined();
});

it('an alive session passes through webwxinit; an empty one and a logged-out one say what to do, without a token', async () => {
	sim = await startNodeSim();
	const session = await sessionJson(sim);
	const base = { loginMode: 'desktop', originOverride: sim.origin, session };
	sim.resetLogs();
	const ok = await test(base);
	expect(ok).toEqual({ status: 'OK', message: 'Connected: the WeChat session of Sandbox Me is alive.' });
	expect(sim.requests.filter((r) => r.endpoint === 'webwxinit')).toHaveLength(1);

	const empty = await test({ ...base, session: '' });
	expect(empty.status).toBe('Error');
	expect(empty.message).toMatch(/^Not logged in to WeChat yet/);

	sim.forceLogout(1101);
	const dead = await test(base);
	expect(dead.status).toBe('Error');
	expect(dead.message).toMatch(/logged this session out.*Log in again/);
	const secrets = [sim.session()?.sid, sim.session()?.skey, JSON.parse(session).tokens.passTicket].filter(Boolean) as string[];
	for (const secret of secrets) expect(JSON.stringify([ok, empty, dead])).not.toContain(secret);
});

it('an origin override the client refuses fails the test before any request leaves', async () => {
	sim = await startNodeSim();
	const session = await sessionJson(sim);
	sim.resetLogs();
	const refused = await test({ loginMode: 'desktop', originOverride: 'http://example.com:8790', session });
	expect(refused.status).toBe('Error');
	expect(sim.requests).toHaveLength(0);
});
