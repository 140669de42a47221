import type { HttpRequest, HttpResponse, HttpTransport } from '../../lib/wechat/transport';

export type Handler = (req: HttpRequest, endpoint: string) => HttpResponse | Promise<HttpResponse>;

/** A transport answered by a function; records each request with its endpoint name. */
export class ScriptedTransport implements HttpTransport {
	readonly requests: Array<{ endpoint: string; req: HttpRequest }> = [];
	constructor(private readonly handler: Handler) {}

	async request(req: HttpRequest): Promise<HttpResponse> {
		const path = new URL(req.url).pathname;
		const endpoint = path.slice(path.lastIndexOf('/') + 1);
		this.requests.push({ endpoint, req });
		return this.handler(req, endpoint);
	}

	count(endpoint: string): number {
		return this.requests.filter((r) => r.endpoint === endpoint).length;
	}
}

export const text = (body: string, status = 200, headers: Record<string, string | string[]> = {}): HttpResponse => ({ status, headers, text: body });
export const json = (body: unknown): HttpResponse => text(JSON.stringify(body));
