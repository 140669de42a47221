/**
 * The credential test, through the protocol client: the stored session is
 * restored exactly as the nodes restore it (same host checks, same webwxinit,
 * same error classes), instead of a second copy of webwxinit in request
 * expressions. n8n gives a credential test only its legacy `request` helper;
 * this file adapts it to the client's transport.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat';
import { LoggedOutError, WeChatError } from '../../lib/wechat';
import { NOT_LOGGED_IN_MESSAGE, sessionForCredential } from './credential-data';
import { bodyText, responseHeaders } from './n8n-runtime';
import { buildClient } from './session-store';

interface LegacyResponse {
	statusCode: number;
	headers?: Record<string, string | string[] | undefined>;
	body?: unknown;
}

export class CredentialTestTransport implements HttpTransport {
	constructor(private readonly helpers: ICredentialTestFunctions['helpers']) {}

	async request(req: HttpRequest): Promise<HttpResponse> {
		// A credential test gets no other helper (ICredentialTestFunctions: `request` only, n8n 1.x and 2.x).
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		const raw = (await this.helpers.request({
			method: req.method,
			uri: req.url,
			headers: req.headers,
			body: req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : Buffer.from(req.body),
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			followAllRedirects: false,
			json: false,
			timeout: req.timeoutMs,
		})) as LegacyResponse;
		const headers = responseHeaders(raw.headers);
		const text = bodyText(raw.body);
		if (req.responseType === 'stream') {
			const bytes = Buffer.from(text, 'utf8');
			return { status: raw.statusCode, headers, stream: (async function* () { yield bytes; })() };
		}
		return { status: raw.statusCode, headers, text };
	}
}

/** `methods.credentialTest.weChatWebApiTest` of both nodes (credentials `testedBy`). */
export async function weChatWebApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const session = sessionForCredential(data);
	if (!session) return { status: 'Error', message: NOT_LOGGED_IN_MESSAGE };
	try {
		const client = buildClient(data, new CredentialTestTransport(this.helpers));
		await client.restore(session, { loadContacts: false });
		const name = client.user?.NickName ? ` of ${client.user.NickName}` : '';
		return { status: 'OK', message: `Connected: the WeChat session${name} is alive.` };
	} catch (error) {
		if (error instanceof LoggedOutError) {
			return { status: 'Error', message: `${error.message} Log in again: activate the WeChat Web Trigger and scan the QR code, or paste a new session.` };
		}
		if (error instanceof WeChatError) return { status: 'Error', message: `${error.message}${error.hint ? ` ${error.hint}` : ''}` };
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}
