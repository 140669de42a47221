/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test code runs under plain Node, outside n8n */
/**
 * Issue 16 item 17a: a connection that drops while the body is read is reported
 * as a dropped connection (with its cause), not as "The operation was aborted";
 * a real timeout and a real cancellation by the caller stay what they are.
 * Against a tiny local server, through both transports the package ships:
 * Node's fetch (command line) and n8n-core's own request helper (nodes).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import { WeChatClient } from '../../lib/wechat/client';
import { isAbort, NetworkError } from '../../lib/wechat/errors';
import type { HttpTransport } from '../../lib/wechat/transport';
import { N8nTransport } from '../../nodes/shared/n8n-runtime';
import type { RequestContext } from '../../nodes/shared/n8n-runtime';
import { makeSession, PEER, SECRETS } from '../unit/fake-transport';

type Behaviour = 'cut' | 'hang' | 'trickle';

let behaviour: Behaviour = 'cut';
let server: http.Server;
let origin: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
	server = http.createServer((req, res) => {
		if (behaviour === 'hang') return; // never answers
		const image = (req.url ?? '').includes('webwxgeticon');
		res.writeHead(200, { 'content-type': image ? 'image/jpeg' : 'application/json', 'content-length': '4096' });
		res.write(image ? Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]) : '{"BaseResponse":{"Ret":0,"ErrMsg":""},"Count":0,"Cont');
		// Headers and half a body, then the connection goes away (a reset, a proxy giving up).
		if (behaviour === 'cut') setTimeout(() => req.socket.destroy(), 30);
	});
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
	for (const s of sockets) s.destroy();
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

/** n8n's request helpers as a node gets them (n8n-core's real axios-based httpRequest). */
function n8nContext(): RequestContext {
	const node = { id: 'n', name: 'WeChat Web', type: 'wechat', typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	return {
		getNode: () => node,
		getCredentials: async <T extends object>() => ({}) as T,
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => await httpRequest(options),
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => await httpRequest(options),
		},
	};
}

const transports: Array<[string, () => HttpTransport]> = [
	['fetch (command line)', () => new FetchTransport()],
	['n8n request helpers (nodes)', () => new N8nTransport(n8nContext())],
];

function clientWith(transport: HttpTransport): WeChatClient {
	const client = new WeChatClient({ transport, clock: nodeClock, originOverride: origin });
	client.session = makeSession();
	return client;
}

function expectNoToken(err: Error): void {
	const text = `${err.message} ${err.stack ?? ''} ${String((err.cause as Error | undefined)?.message ?? '')}`;
	for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe.each(transports)('a dropped connection, through %s (issue 16 item 17a)', (_name, makeTransport) => {
	it('mid-body on a JSON call: says the connection dropped and keeps the cause', async () => {
		behaviour = 'cut';
		const client = clientWith(makeTransport());
		const err = (await client.restore(makeSession(), { loadContacts: false }).catch((e: unknown) => e)) as NetworkError;
		expect(err).toBeInstanceOf(NetworkError);
		expect(err.message).toMatch(/^Request to webwxinit failed: the connection dropped before the whole answer arrived/);
		expect(err.message).not.toMatch(/^The operation was aborted/);
		expect(isAbort(err)).toBe(false);
		expect(err.retryable).toBe(true);
		expect(err.cause).toBeInstanceOf(Error);
		expectNoToken(err);
	});

	it('mid-body on a download: says the connection dropped while the body was read', async () => {
		behaviour = 'cut';
		const client = clientWith(makeTransport());
		const media = await client.avatar(PEER);
		const read = (async () => {
			for await (const chunk of media.stream) void chunk;
		})();
		const err = (await read.catch((e: unknown) => e)) as NetworkError;
		expect(err).toBeInstanceOf(NetworkError);
		expect(err.message).toMatch(/webwxgeticon/);
		expect(err.message).toMatch(/connection dropped before the whole body arrived/);
		expect(isAbort(err)).toBe(false);
		expect(err.cause).toBeInstanceOf(Error);
		expectNoToken(err);
	});

	it('a timeout stays a timeout', async () => {
		behaviour = 'hang';
		const client = clientWith(makeTransport());
		const session = client.session!;
		const err = (await client.http
			.postJson(session, '/cgi-bin/mmwebwx-bin/webwxinit', { pass_ticket: session.tokens.passTicket }, {}, { timeoutMs: 300 })
			.catch((e: unknown) => e)) as NetworkError;
		expect(err).toBeInstanceOf(NetworkError);
		expect(err.message).toMatch(/No answer within 300 ms/);
		expect(err.message).not.toMatch(/dropped/);
	});

	it('a cancellation by the caller stays a cancellation', async () => {
		behaviour = 'trickle';
		const client = clientWith(makeTransport());
		const session = client.session!;
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 150);
		const err = await client.http
			.postJson(session, '/cgi-bin/mmwebwx-bin/webwxinit', {}, {}, { signal: controller.signal, timeoutMs: 5000 })
			.catch((e: unknown) => e);
		expect(isAbort(err, controller.signal)).toBe(true);
		expect(isAbort(err)).toBe(true); // an abort by its own name, not a network error
		expect((err as Error).message).not.toMatch(/dropped/);
	});
});
