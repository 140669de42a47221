/**
 * The write-back transport: n8n's request helpers (N8nTransport) plus one rule.
 * Before an authenticated request, a session the stored credential does not
 * hold yet — a fresh QR/push login or a refreshed SKey (`tokenRevision`) — is
 * handed to the credential's preAuthentication hook with that request, so n8n
 * writes it into the credential (action nodes and workers read it there). A
 * checkpoint that must survive a clean stop travels the same way.
 */
import type { HttpRequest, HttpResponse, HttpTransport, Session } from '../../lib/wechat';
import type { N8nTransport } from './n8n-runtime';

export class SessionTransport implements HttpTransport {
	private persistedSid: string;
	private persistedRevision = 0;

	constructor(
		readonly inner: N8nTransport,
		private readonly currentSession: () => Session | null,
		credentialSid: string,
	) {
		this.persistedSid = credentialSid;
	}

	/** Queue the session for the credential with the next authenticated request. */
	persist(session: Session): void {
		this.persistedSid = session.tokens.sid;
		this.persistedRevision = session.tokenRevision;
		this.inner.persistOnNextRequest({ session: session.toJSON() });
	}

	/** Queue the client's current session (if any) for the credential with the next authenticated request. */
	persistCurrent(): void {
		const session = this.currentSession();
		if (session) this.persist(session);
	}

	/** Queue a checkpoint for the credential with the next authenticated request. */
	persistCheckpoint(checkpoint: string): void {
		this.inner.persistOnNextRequest({ checkpoint });
	}

	/** Write what is queued now (see N8nTransport.flush). */
	async flush(url: string): Promise<void> {
		this.queueSessionChange();
		await this.inner.flush(url);
	}

	async request(req: HttpRequest): Promise<HttpResponse> {
		if (req.purpose !== 'login') this.queueSessionChange();
		return await this.inner.request(req);
	}

	private queueSessionChange(): void {
		const session = this.currentSession();
		if (session?.tokens.sid && (session.tokens.sid !== this.persistedSid || session.tokenRevision !== this.persistedRevision)) {
			this.persist(session);
		}
	}
}
