/**
 * The protocol client's transport and clock, made of n8n's own helpers: every
 * request goes through n8n (proxy settings, credential hooks), every wait
 * through n8n's abortable sleep. Login steps use the plain helper (no session
 * exists yet); everything else the authenticated one, with our credential.
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
} from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';
import type { Clock } from '../../lib/wechat/clock';
import { NetworkError, NotLoggedInError } from '../../lib/wechat/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat/transport';
import { checkpointAccount, CREDENTIAL_TYPE, loginTimeOf, NOT_LOGGED_IN_MESSAGE, sessionFingerprint, sessionForCredential, sessionTokens } from './credential-data';

/** What the adapter needs from an n8n execution, trigger or load-options context. */
export interface RequestContext {
	getNode(): INode;
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string, itemIndex?: number): Promise<T>;
	helpers: {
		httpRequest(options: IHttpRequestOptions): Promise<unknown>;
		httpRequestWithAuthentication(
			this: unknown,
			credentialsType: string,
			options: IHttpRequestOptions,
			additional?: IAdditionalCredentialOptions,
		): Promise<unknown>;
	};
}

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

/** What the next authenticated request writes into the stored credential. */
export interface CredentialUpdate {
	/** A session JSON (a new login or a refreshed SKey). */
	session?: string;
	/** A checkpoint JSON (./checkpoint.ts). */
	checkpoint?: string;
}

export class N8nTransport implements HttpTransport {
	private pending: CredentialUpdate | null = null;

	constructor(
		private readonly ctx: RequestContext,
		private readonly logger?: { warn(message: string): void },
	) {}

	/**
	 * The next authenticated request hands the update to the credential's
	 * preAuthentication hook, which makes n8n store it in the credential
	 * (before the request is sent).
	 */
	persistOnNextRequest(update: CredentialUpdate): void {
		this.pending = { ...(this.pending ?? {}), ...update };
	}

	get hasPendingPersist(): boolean {
		return this.pending !== null;
	}

	/**
	 * Writes a pending update now, with an authenticated request that carries no
	 * token (a GET of `url`, whatever it answers): closing the trigger must not
	 * wait for the next sync request to make a checkpoint durable.
	 */
	async flush(url: string): Promise<void> {
		if (!this.pending) return;
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
				const additional = await this.takePendingPersist();
				raw = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, options, additional)) as IN8nHttpFullResponse;
			}
		} catch (err) {
			throw this.mapError(err, req);
		}
		return this.toResponse(raw, req);
	}

	private async takePendingPersist(): Promise<IAdditionalCredentialOptions | undefined> {
		const update = this.pending;
		if (update === null) return undefined;

		this.pending = null;
		const ref = this.ctx.getNode().credentials?.[CREDENTIAL_TYPE];
		if (!ref?.id) return undefined; // An unsaved credential cannot be written back.
		const stored = await this.ctx.getCredentials(CREDENTIAL_TYPE);
		const data: ICredentialDataDecryptedObject = { ...stored, sessionRevision: '' };
		const current = sessionForCredential(stored);
		// n8n offers no compare-and-swap: read just before the write, and never replace a newer
		// login (another process logged in; ours is over) with an older one.
		if (update.session !== undefined) {
			if (supersedes(current, update.session)) {
				this.logger?.warn('WeChat Web: the credential holds a newer login from elsewhere; not overwriting it.');
				return undefined;
			}
			data.session = update.session;
		} else if (update.checkpoint !== undefined && !sameSession(current, update.checkpoint)) {
			return undefined; // A checkpoint for a session the credential no longer holds.
		}
		if (update.checkpoint !== undefined) data.checkpoint = update.checkpoint;
		return { credentialsDecrypted: { id: ref.id, name: ref.name, type: CREDENTIAL_TYPE, data } };
	}

	private toResponse(raw: IN8nHttpFullResponse, req: HttpRequest): HttpResponse {
		const headers: Record<string, string | string[] | undefined> = {};
		for (const [name, value] of Object.entries(raw.headers ?? {})) {
			const key = name.toLowerCase();
			if (Array.isArray(value)) headers[key] = value.map(String);
			else if (value !== undefined && value !== null) headers[key] = String(value);
		}
		const setCookie = headers['set-cookie'];
		headers['set-cookie'] = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
		if (req.responseType === 'text') {
			const body = raw.body as unknown;
			const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : body === undefined || body === null ? '' : JSON.stringify(body);
			return { status: raw.statusCode, headers, text };
		}
		const stream = raw.body as unknown as AsyncIterable<Uint8Array> & { destroy?: () => void };
		return { status: raw.statusCode, headers, stream, cancel: () => stream.destroy?.() };
	}

	/** n8n wraps failures in NodeApiError; the client wants its own typed errors (and no URLs in messages). */
	private mapError(err: unknown, req: HttpRequest): Error {
		if (req.signal?.aborted) return abortError();
		const e = err as { message?: string; description?: string; cause?: { code?: string; message?: string }; code?: string };
		const text = `${e?.message ?? ''} ${e?.description ?? ''} ${e?.cause?.message ?? ''}`;
		if (text.includes(NOT_LOGGED_IN_MESSAGE.slice(0, 30))) return new NotLoggedInError(NOT_LOGGED_IN_MESSAGE);
		if (/abort|cancel/i.test(text) && !/timeout/i.test(text)) return abortError();
		const code = e?.cause?.code ?? e?.code;
		if (/timeout|ETIMEDOUT|ECONNABORTED/i.test(`${text} ${code ?? ''}`)) return new NetworkError(`No answer within ${req.timeoutMs} ms.`);
		return new NetworkError(`Connection failed${code && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}.`);
	}
}

/** True when `stored` is another, later login than `ours` (so writing ours would undo it). */
function supersedes(stored: string, ours: string): boolean {
	if (!stored) return false;
	const a = sessionTokens(stored).sid;
	const b = sessionTokens(ours).sid;
	return a !== '' && a !== b && loginTimeOf(stored) > loginTimeOf(ours);
}

function sameSession(storedSession: string, checkpoint: string): boolean {
	return !!storedSession && sessionFingerprint(storedSession) === checkpointAccount(checkpoint);
}
