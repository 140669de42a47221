/**
 * N8nTransport's request path (issue 15): n8n's httpRequestWithAuthentication
 * reads and decrypts the stored credential for every request unless it is handed
 * `credentialsDecrypted`. The transport hands it a copy read at most 30 s ago,
 * only while the expirable `sessionRevision` is set; with '' n8n reads the
 * credential itself and runs preAuthentication as before, and a write-back brings
 * its own data and makes the next request read afresh.
 */
import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import type { HttpRequest } from '../../lib/wechat/transport';
import { N8nTransport, type RequestContext } from '../../nodes/shared/n8n-runtime';
import { IlinkClient } from '../../lib/ilink';
import { NotLoggedInError } from '../../lib/wechat';
import { ILINK_NOT_LOGGED_IN_MESSAGE, ilinkCredentialRules } from '../../nodes/shared/ilink-credential';

interface Fake {
	ctx: RequestContext;
	stored: ICredentialDataDecryptedObject;
	/** getCredentials calls: ours (the transport) and n8n's own (inside the helper). */
	reads: { ours: number; n8n: number };
	preAuth: number;
	/** What each request was authenticated with. */
	seen: Array<ICredentialDataDecryptedObject>;
}

function fake(stored: ICredentialDataDecryptedObject): Fake {
	const node = { id: 'n', name: 'WeChat Web Trigger', type: 'wechat', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { weChatWebApi: { id: 'cred-1', name: 'WeChat' } } } as INode;
	const f: Fake = { stored, reads: { ours: 0, n8n: 0 }, preAuth: 0, seen: [], ctx: undefined as unknown as RequestContext };
	let insideHelper = false;
	f.ctx = {
		getNode: () => node,
		getCredentials: async <T extends object>() => {
			if (insideHelper) f.reads.n8n++;
			else f.reads.ours++;
			return { ...f.stored } as T;
		},
		helpers: {
			httpRequest: async () => ({ statusCode: 200, headers: {}, body: 'ok' }),
			// As n8n-core does: the handed-in data or a read; preAuthentication when the revision is ''.
			async httpRequestWithAuthentication(this: RequestContext, _type: string, _options: IHttpRequestOptions, additional?: IAdditionalCredentialOptions) {
				let data: ICredentialDataDecryptedObject | undefined = additional?.credentialsDecrypted?.data;
				if (!data) {
					insideHelper = true;
					try {
						data = await this.getCredentials<ICredentialDataDecryptedObject>('weChatWebApi');
					} finally {
						insideHelper = false;
					}
				}
				if (data.sessionRevision === '') {
					f.preAuth++;
					f.stored = { ...f.stored, ...data, sessionRevision: `rev-${f.preAuth}` };
					Object.assign(data, { sessionRevision: f.stored.sessionRevision });
				}
				f.seen.push({ ...data });
				return { statusCode: 200, headers: {}, body: 'ok' };
			},
		},
	};
	return f;
}

const get: HttpRequest = { method: 'GET', url: 'http://127.0.0.1:1/x', headers: {}, responseType: 'text', timeoutMs: 1000, purpose: 'session' };

afterEach(() => jest.restoreAllMocks());

describe('N8nTransport: the credential for authenticated requests', () => {
	it('reads and decrypts it once for many requests while its revision is set', async () => {
		const f = fake({ session: 's', sessionRevision: 'r1' });
		const t = new N8nTransport(f.ctx);
		for (let i = 0; i < 5; i++) expect((await t.request(get)).text).toBe('ok');
		expect(f.reads).toEqual({ ours: 1, n8n: 0 });
		expect(f.preAuth).toBe(0);
		expect(f.seen.every((d) => d.session === 's' && d.sessionRevision === 'r1')).toBe(true);
	});

	it('reads it again after 30 s', async () => {
		let now = 1_000_000;
		jest.spyOn(Date, 'now').mockImplementation(() => now);
		const f = fake({ session: 's', sessionRevision: 'r1' });
		const t = new N8nTransport(f.ctx);
		await t.request(get);
		now += 29_999;
		await t.request(get);
		expect(f.reads.ours).toBe(1);
		f.stored = { ...f.stored, session: 's2', sessionRevision: 'r2' };
		now += 1;
		await t.request(get);
		expect(f.reads.ours).toBe(2);
		expect(f.seen[2]).toMatchObject({ session: 's2', sessionRevision: 'r2' });
	});

	it("leaves a credential whose revision is '' to n8n: it reads it and runs preAuthentication, as before", async () => {
		const f = fake({ session: 's', sessionRevision: '' });
		const t = new N8nTransport(f.ctx);
		await t.request(get);
		expect(f.reads.n8n).toBe(1);
		expect(f.preAuth).toBe(1);
		// Stamped now: the next requests reuse the stamped copy.
		await t.request(get);
		await t.request(get);
		expect(f.preAuth).toBe(1);
		expect(f.reads).toEqual({ ours: 2, n8n: 1 });
		expect(f.seen[2]).toMatchObject({ sessionRevision: 'rev-1' });
	});

	it('does not let n8n change the reused copy', async () => {
		const f = fake({ session: 's', sessionRevision: 'r1' });
		const t = new N8nTransport(f.ctx);
		const helper = f.ctx.helpers.httpRequestWithAuthentication;
		f.ctx.helpers.httpRequestWithAuthentication = async function (this: RequestContext, type, options, additional) {
			if (additional?.credentialsDecrypted?.data) Object.assign(additional.credentialsDecrypted.data, { session: 'changed by n8n' });
			return await helper.call(this, type, options, additional);
		};
		await t.request(get);
		await t.request(get);
		expect(f.reads.ours).toBe(1);
		expect(f.seen[1].session).toBe('changed by n8n');
		f.ctx.helpers.httpRequestWithAuthentication = helper;
		await t.request(get);
		expect(f.seen[2].session).toBe('s');
	});

	it('sends a write-back with its own data (revision empty), then reads afresh', async () => {
		const f = fake({ sessionRevision: 'r1' });
		const t = new N8nTransport(f.ctx);
		await t.request(get);
		t.persistOnNextRequest({ session: 'new-login' });
		await t.request(get);
		expect(f.preAuth).toBe(1);
		expect(f.stored).toMatchObject({ session: 'new-login', sessionRevision: 'rev-1' });
		await t.request(get);
		expect(f.seen[2]).toMatchObject({ session: 'new-login', sessionRevision: 'rev-1' });
		// One read for the first request, one inside the write-back, one after it.
		expect(f.reads.ours).toBe(3);
	});

	it('asks nothing of a node without a credential (n8n reports that itself)', async () => {
		const f = fake({ sessionRevision: 'r1' });
		const bare = { ...f.ctx, getNode: () => ({ ...f.ctx.getNode(), credentials: undefined }) };
		const t = new N8nTransport(bare);
		await t.request(get);
		await t.request(get);
		expect(f.reads).toEqual({ ours: 0, n8n: 2 });
	});
});

describe('N8nTransport: the credential says "not logged in"', () => {
	it('is a NotLoggedInError with the route\'s own message on the iLink route, not a network failure; the iLink client passes it on unretried', async () => {
		const ctx = {
			getNode: () => ({ id: 'n', name: 'Bot', type: 'wechat', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { weChatIlinkApi: { id: 'c', name: 'Bot' } } }) as INode,
			getCredentials: async <T extends object>() => ({ sessionRevision: '' }) as T,
			helpers: {
				httpRequest: async () => ({ statusCode: 200, headers: {}, body: 'ok' }),
				httpRequestWithAuthentication: async () => {
					throw new Error(ILINK_NOT_LOGGED_IN_MESSAGE);
				},
			},
		} as unknown as RequestContext;
		const transport = new N8nTransport(ctx, undefined, ilinkCredentialRules);
		const error = await transport.request(get).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NotLoggedInError);
		expect((error as Error).message).toBe(ILINK_NOT_LOGGED_IN_MESSAGE);
		const client = new IlinkClient({ transport, clock: { now: () => Date.now(), random: () => 0.5, sleep: async () => undefined }, notify: false });
		client.restore(JSON.stringify({ format: 'ilink-session', version: 1, botToken: 'tok-0123456789', baseUrl: 'https://ilinkai.weixin.qq.com', botId: 'b@im.bot', ownerId: 'o@im.wechat', loggedInAt: 1 }));
		await expect(client.verify()).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
	});
});
