/**
 * Issue 16 item 17b: transports quote what they were sending in their error
 * messages — the URL with its query tokens, the cookie header, the JSON body.
 * Whatever the client throws (and what n8n shows: message, description, stack,
 * cause) must contain none of it.
 */
import type { INode } from 'n8n-workflow';
import { WeChatClient } from '../../lib/wechat/client';
import { NetworkError } from '../../lib/wechat/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat/transport';
import { toNodeError } from '../../nodes/shared/errors';
import { FakeClock } from '../helpers/fake-clock';
import { makeSession, PEER, SECRETS } from './fake-transport';

const NODE = { id: 'n', name: 'WeChat Web', type: 'wechat', typeVersion: 1, position: [0, 0], parameters: {} } as INode;

/** A transport that fails every request with a message `say` builds from the request itself. */
class QuotingTransport implements HttpTransport {
	readonly urls: string[] = [];
	constructor(private readonly say: (req: HttpRequest) => Error) {}
	async request(req: HttpRequest): Promise<HttpResponse> {
		this.urls.push(req.url);
		throw this.say(req);
	}
}

function clientWith(say: (req: HttpRequest) => Error, originOverride?: string): { client: WeChatClient; transport: QuotingTransport } {
	const transport = new QuotingTransport(say);
	const client = new WeChatClient({ transport, clock: new FakeClock(), originOverride });
	const session = makeSession();
	session.syncKey = { Count: 1, List: [{ Key: 1, Val: 123456789 }] };
	client.session = session;
	return { client, transport };
}

const bodyText = (req: HttpRequest) => (typeof req.body === 'string' ? req.body : '');

/** Everything a user or a log could see of an error, the n8n error it becomes included. */
function visible(err: unknown): string {
	const parts: string[] = [];
	let e: unknown = err;
	for (let depth = 0; e && depth < 5; depth++) {
		const x = e as { message?: unknown; stack?: unknown; hint?: unknown; description?: unknown; cause?: unknown };
		parts.push(String(x.message ?? ''), String(x.stack ?? ''), String(x.hint ?? ''), String(x.description ?? ''));
		e = x.cause;
	}
	const nodeError = toNodeError(NODE, err);
	parts.push(nodeError.message, String(nodeError.description ?? ''), String(nodeError.stack ?? ''), JSON.stringify(nodeError));
	return parts.join('\n');
}

const TOKENS = Object.entries(SECRETS);

function expectNoTokens(err: unknown): void {
	const text = visible(err);
	for (const [kind, value] of TOKENS) {
		for (const form of new Set([value, encodeURIComponent(value), decodeURIComponent(value)])) {
			if (text.includes(form)) throw new Error(`${kind} leaked into the error: …${text.slice(Math.max(0, text.indexOf(form) - 80), text.indexOf(form))}<${kind}>…`);
		}
	}
}

/** The first transient error the receive loop reports (synccheck: sid, uin, skey in the query). */
async function receiveError(client: WeChatClient): Promise<unknown> {
	for await (const ev of client.receive()) {
		if (ev.type === 'retrying') return ev.error;
	}
	throw new Error('no retrying event');
}

describe('no token in errors built from transport messages (issue 16 item 17b)', () => {
	it('a full URL with query tokens (synccheck: sid, uin, skey; the sandbox origin in front)', async () => {
		const { client, transport } = clientWith((req) => new Error(`request to ${req.url} failed, reason: getaddrinfo ENOTFOUND`), 'http://127.0.0.1:8790');
		const err = await receiveError(client);
		expect(transport.urls[0]).toContain(encodeURIComponent(SECRETS.skey)); // the transport did see the tokens
		expect(err).toBeInstanceOf(NetworkError);
		expect((err as Error).message).toMatch(/^Request to synccheck failed: request to <url> failed, reason: getaddrinfo ENOTFOUND$/);
		expectNoTokens(err);
	});

	it('a full URL with skey and pass_ticket on a download (webwxgeticon)', async () => {
		const { client } = clientWith((req) => new Error(`GET ${req.url} -> socket error`));
		const err = await client.avatar(PEER).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expectNoTokens(err);
	});

	it('a URL without its scheme, as a request line (webwxinit: pass_ticket)', async () => {
		const { client } = clientWith((req) => {
			const u = new URL(req.url);
			return new Error(`bad response to POST ${u.pathname}${u.search} HTTP/1.1`);
		});
		const err = await client.restore(makeSession(), { loadContacts: false }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expectNoTokens(err);
	});

	it('the cookie header (wxsid, wxuin, webwx_data_ticket) and the JSON body (Uin, Sid, Skey)', async () => {
		const { client } = clientWith((req) => new Error(`proxy refused ${req.url} with headers ${JSON.stringify(req.headers)} and body ${bodyText(req)}`));
		const err = await client.restore(makeSession(), { loadContacts: false }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expect((err as Error).message).toMatch(/^Request to webwxinit failed: proxy refused <url>/);
		expectNoTokens(err);
	});

	it('a reset whose message and cause quote the URL: the dropped-connection error and its kept cause are clean', async () => {
		const { client } = clientWith((req) => {
			const cause = Object.assign(new Error(`read ECONNRESET while fetching ${req.url}; cookie: ${req.headers.cookie}`), { code: 'ECONNRESET' });
			return Object.assign(new Error(`socket hang up (${req.url})`), { code: 'ECONNRESET', cause });
		});
		const err = await client.restore(makeSession(), { loadContacts: false }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(NetworkError);
		expect((err as Error).message).toMatch(/connection dropped/);
		expect((err as Error).cause).toBeInstanceOf(Error);
		expectNoTokens(err);
	});
});
