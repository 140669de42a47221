/** Workflow JSON for the end-to-end suites, built like the editor saves them. */
export const CRED = { weChatWebApi: { id: 'wechatE2eCred001', name: 'WeChat E2E' } };

/**
 * The credential this suite's nodes refer to (node() picks it up). Suites share
 * one n8n per line (shared-n8n.ts), so each names its own: a 16-character id and
 * a name no other suite uses. Every test file has its own copy of this module.
 */
export function useCredential(id: string, name: string): { id: string; name: string } {
	CRED.weChatWebApi = { id, name };
	return CRED.weChatWebApi;
}
export const T = {
	trigger: 'n8n-nodes-wechat-web.weChatWebTrigger',
	action: 'n8n-nodes-wechat-web.weChatWeb',
	manual: 'n8n-nodes-base.manualTrigger',
	code: 'n8n-nodes-base.code',
	http: 'n8n-nodes-base.httpRequest',
	noop: 'n8n-nodes-base.noOp',
};

type Node = { name: string; type: string; parameters?: Record<string, unknown>; typeVersion?: number; credentials?: unknown; onError?: string };

let pos = 0;
export function node(n: Node): Record<string, unknown> {
	pos += 220;
	const version = n.typeVersion ?? (n.type === T.http ? 4.2 : n.type === T.code ? 2 : 1);
	const creds = n.type === T.trigger || n.type === T.action ? { credentials: { weChatWebApi: CRED.weChatWebApi } } : {};
	return { id: `${n.name}-id`.replace(/\s+/g, '-'), parameters: {}, typeVersion: version, position: [pos, 0], ...creds, ...n };
}

/** A linear chain (or a tree given as [from, to, outputIndex]). */
export function workflow(id: string, name: string, nodes: Array<Record<string, unknown>>, links?: Array<[string, string, number?]>): Record<string, unknown> {
	const chain: Array<[string, string, number?]> = links ?? nodes.slice(1).map((n, i) => [String(nodes[i].name), String(n.name), 0]);
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = {};
	for (const [from, to, out = 0] of chain) {
		connections[from] ??= { main: [] };
		while (connections[from].main.length <= out) connections[from].main.push([]);
		connections[from].main[out].push({ node: to, type: 'main', index: 0 });
	}
	return { id, name, active: false, nodes, connections, settings: { executionOrder: 'v1' }, pinData: {} };
}

export const manual = () => node({ name: 'Start', type: T.manual });
export const code = (name: string, js: string) => node({ name, type: T.code, parameters: { jsCode: js } });
export const rl = (mode: 'id' | 'name' | 'list', value: string) => ({ __rl: true, mode, value });
export const postJson = (name: string, url: string) =>
	node({ name, type: T.http, parameters: { method: 'POST', url, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} } });
export const postBinary = (name: string, url: string, field = 'data') =>
	node({ name, type: T.http, parameters: { method: 'POST', url, sendBody: true, contentType: 'binaryData', inputDataFieldName: field, options: {} } });
export const getFile = (name: string, url: string) =>
	node({ name, type: T.http, parameters: { method: 'GET', url, options: { response: { response: { responseFormat: 'file' } } } } });
