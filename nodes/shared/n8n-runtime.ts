/**
 * The protocol client's transport and clock, made of n8n's own helpers: every
 * request goes through n8n (proxy settings, credential hooks), every wait
 * through n8n's abortable sleep. Login steps use the plain helper (no session
 * exists yet); everything else the authenticated one, with our credential.
 */
import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';
import type { Clock, HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat';
import { NetworkError, NotLoggedInError } from '../../lib/wechat';
import type { CredentialRules, CredentialUpdate } from './credential-writeback';
import { CredentialWriteBack, webCredentialRules } from './credential-writeback';
import type { RequestContext } from './request-context';

export type { RequestContext } from './request-context';
export type { CredentialUpdate } from './credential-writeback';

function abortError(): Error {
	const err = new Error('The operation was aborted.');
	err.name = 'AbortError';
	return err;
}

/** Longest single wait of the fallback, i.e. how long a timer may outlive an abort. */
const SLICE_MS = 250;

/**
 * n8n-workflow 1.x exports an abortable `sleepWithAbort`; 2.x only `sleep`. On
 * 2.x, wait in short slices and check the signal between them. 1.x's helper
 * never removes its abort listener when the sleep ends normally, so it gets a
 * signal of its own for each sleep: the long-lived signal of a trigger keeps
 * exactly one listener per sleep in progress, not one per sleep ever taken.
 */
async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	const withAbort = (n8nWorkflow as { sleepWithAbort?: (ms: number, signal?: AbortSignal) => Promise<void> }).sleepWithAbort;
	if (typeof withAbort === 'function') {
		if (!signal) return await withAbort(ms);
		if (signal.aborted) throw abortError();
		const own = new AbortController();
		const forward = () => own.abort();
		signal.addEventListener('abort', forward, { once: true });
		try {
			return await withAbort(ms, own.signal);
		} finally {
			signal.removeEventListener('abort', forward);
		}
	}
	const until = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) throw abortError();
		const left = until - Date.now();
		if (left <= 0) return;
		await n8nWorkflow.sleep(Math.min(SLICE_MS, left));
	}
}

export const n8nClock: Clock = {
	now: () => Date.now(),
	random: () => Math.random(),
	sleep: abortableSleep,
};

/** How long a decrypted copy of the credential stands in for n8n's read per request (see reusedCredential). */
const CREDENTIAL_REUSE_MS = 30_000;

export class N8nTransport implements HttpTransport {
	private readonly writeBack: CredentialWriteBack;
	/** The stored credential as last read for an authenticated request, and when. */
	private credential: { data: ICredentialDataDecryptedObject; readAt: number } | null = null;

	private readonly credentialType: string;
	private readonly notLoggedIn: string;

	constructor(
		private readonly ctx: RequestContext,
		logger?: { warn(message: string): void },
		rules: CredentialRules = webCredentialRules,
	) {
		this.writeBack = new CredentialWriteBack(ctx, logger, rules);
		this.credentialType = rules.type;
		this.notLoggedIn = rules.notLoggedIn;
	}

	/**
	 * The next authenticated request hands the update to the credential's
	 * preAuthentication hook, which makes n8n store it in the credential
	 * (before the request is sent).
	 */
	persistOnNextRequest(update: CredentialUpdate): void {
		this.writeBack.queue(update);
	}

	get hasPendingPersist(): boolean {
		return this.writeBack.hasPending;
	}

	/**
	 * Writes a pending update now, with an authenticated request that carries no
	 * token (a GET of `url`, whatever it answers): closing the trigger must not
	 * wait for the next sync request to make a checkpoint durable.
	 */
	async flush(url: string): Promise<void> {
		if (!this.writeBack.hasPending) return;
		try {
			await this.request({ method: 'GET', url, headers: {}, responseType: 'text', timeoutMs: 5000, purpose: 'session' });
		} catch {
			// The write happens before the request is sent; its answer does not matter.
		}
	}

	async request(req: HttpRequest): Promise<HttpResponse> {
		if (req.signal?.aborted) throw abortError();
		const options: IHttpRequestOptions = {
			url: req.url,
			method: req.method,
			headers: req.headers,
			encoding: req.responseType === 'stream' ? 'stream' : 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: req.timeoutMs,
			json: false,
		};
		if (req.body !== undefined) {
			options.body = typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
		}
		if (req.signal) options.abortSignal = req.signal;
		let raw: IN8nHttpFullResponse;
		try {
			if (req.purpose === 'login') {
				raw = (await this.ctx.helpers.httpRequest(options)) as IN8nHttpFullResponse;
			} else {
				const persist = await this.writeBack.take();
				// A write-back makes n8n store a new revision: read the credential afresh after it.
				if (persist) this.credential = null;
				const additional = persist ?? (await this.reusedCredential());
				raw = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.credentialType, options, additional)) as IN8nHttpFullResponse;
			}
		} catch (err) {
			throw this.mapError(err, req);
		}
		return this.toResponse(raw, req);
	}

	/**
	 * The credential for an authenticated request without a write-back. Unless it is
	 * handed `credentialsDecrypted`, n8n's `httpRequestWithAuthentication` reads and
	 * decrypts the stored credential for every request (`getCredentials`: in n8n a
	 * database read, a decryption and the defaults). It needs it only to decide
	 * whether `preAuthentication` runs — when the expirable `sessionRevision` is '' —
	 * and for `authenticate`, which this credential type does not have: nothing of it
	 * goes into the request (the client sends the session's tokens itself). So a copy
	 * read at most CREDENTIAL_REUSE_MS ago stands in, and only while its revision is
	 * set: with '' (a new credential, one saved in the editor) n8n reads it itself and
	 * runs `preAuthentication` as before. A write-back (./credential-writeback.ts) brings
	 * its own data with an empty revision and empties this copy.
	 */
	private async reusedCredential(): Promise<IAdditionalCredentialOptions | undefined> {
		const ref = this.ctx.getNode().credentials?.[this.credentialType];
		if (!ref) return undefined;
		const now = Date.now();
		if (!this.credential || now - this.credential.readAt >= CREDENTIAL_REUSE_MS || now < this.credential.readAt) {
			this.credential = { data: await this.ctx.getCredentials(this.credentialType), readAt: now };
		}
		const { data } = this.credential;
		if (typeof data.sessionRevision !== 'string' || data.sessionRevision === '') {
			this.credential = null;
			return undefined;
		}
		// n8n merges what preAuthentication returns into this object: hand it a copy.
		return { credentialsDecrypted: { id: ref.id ?? '', name: ref.name, type: this.credentialType, data: { ...data } } };
	}

	private toResponse(raw: IN8nHttpFullResponse, req: HttpRequest): HttpResponse {
		const headers = responseHeaders(raw.headers);
		if (req.responseType === 'text') return { status: raw.statusCode, headers, text: bodyText(raw.body) };
		const stream = raw.body as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
		return { status: raw.statusCode, headers, stream, cancel: () => stream.destroy?.() };
	}

	/** n8n wraps failures in NodeApiError; the client wants its own typed errors (and no URLs in messages). */
	private mapError(err: unknown, req: HttpRequest): Error {
		if (req.signal?.aborted) return abortError();
		const e = err as { message?: string; description?: string; cause?: { code?: string; message?: string }; code?: string };
		const text = `${e?.message ?? ''} ${e?.description ?? ''} ${e?.cause?.message ?? ''}`;
		if (text.includes(this.notLoggedIn.slice(0, 40))) return new NotLoggedInError(this.notLoggedIn);
		if (/abort|cancel/i.test(text) && !/timeout/i.test(text)) {
			// Nobody here asked for it: n8n's helpers say "aborted" for a body cut short. Keep
			// n8n's error as the cause, so the client can tell a dropped connection (http.ts).
			const aborted = abortError();
			aborted.cause = err;
			return aborted;
		}
		const code = e?.cause?.code ?? e?.code;
		if (/timeout|ETIMEDOUT|ECONNABORTED/i.test(`${text} ${code ?? ''}`)) return new NetworkError(`No answer within ${req.timeoutMs} ms.`);
		return new NetworkError(`Connection failed${code && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}.`);
	}
}

/** An n8n helper's response headers as the client's transport gives them: lower-case names, `set-cookie` always a list. */
export function responseHeaders(raw: Record<string, unknown> | undefined): Record<string, string | string[] | undefined> {
	const headers: Record<string, string | string[] | undefined> = {};
	for (const [name, value] of Object.entries(raw ?? {})) {
		const key = name.toLowerCase();
		if (Array.isArray(value)) headers[key] = value.map(String);
		else if (value !== undefined && value !== null) headers[key] = String(value);
	}
	const setCookie = headers['set-cookie'];
	headers['set-cookie'] = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
	return headers;
}

/** An n8n helper's text body (a string, a Buffer, or JSON it parsed although asked not to) as text. */
export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return body === undefined || body === null ? '' : JSON.stringify(body);
}
