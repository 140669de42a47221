/**
 * Shared setup for the WeChat Web action node tests: a simulator with a logged-in
 * phone, credentials holding that session (origin override, no send pacing), and
 * helpers to run the node through the harness (real n8n-core contexts).
 */
import { createHash } from 'node:crypto';
import type { IBinaryData, ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameterResourceLocator, INodeParameters } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat/client';
import type { WeChatMessage } from '../../lib/wechat/types';
import { n8nClock } from '../../nodes/shared/n8n-runtime';
import { messageJson } from '../../nodes/shared/items';
import { WeChatWeb } from '../../nodes/WeChatWeb/WeChatWeb.node';
import type { InjectSpec, Simulator, SimulatorOptions } from '../../sandbox/simulator/api';
import { collectMessages, loginWithPhone, makeClient, startSim } from '../helpers/sim-client';
import type { ActionRunOptions, StoredCredential } from './harness';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { binaryService, makeCredential, runActionDetailed } from './harness';
import { Container } from './harness/n8n-env';

export interface Phone {
	sim: Simulator;
	/** The test's own client on the same session (plays the trigger: receives messages). */
	client: WeChatClient;
	session: string;
}

/** Starts a simulator and logs in once; the node reuses that session from the credential. */
export async function startPhone(options: SimulatorOptions = {}): Promise<Phone> {
	const sim = await startSim({ sendBurst: null, ...options });
	const client = makeClient(sim);
	await loginWithPhone(client, sim);
	return { sim, client, session: client.toJSON() };
}

/** Stops n8n-core's SSH-tunnel cleanup interval (created with every ExecuteContext), so jest can exit. */
export function stopN8nTimers(): void {
	Container.get(SSHClientsManager).onShutdown();
}

/** A stored credential with the session, the simulator as origin, and no pacing delays. */
export function credentialFor(phone: Phone, extra: ICredentialDataDecryptedObject = {}): StoredCredential {
	return makeCredential({
		loginMode: 'desktop',
		session: phone.session,
		originOverride: phone.sim.origin,
		minSendIntervalSeconds: 0,
		maxSendsPerMinute: 1000,
		...extra,
	});
}

/**
 * Send pacing adds up to a second of random jitter per send (not configurable in
 * the credential); tests take it out by making n8n's clock deterministic.
 */
export function noJitter(): void {
	jest.spyOn(n8nClock, 'random').mockReturnValue(0);
}

export const rl = (mode: 'list' | 'id' | 'name', value: string, cachedResultName?: string): INodeParameterResourceLocator => ({
	__rl: true,
	mode,
	value,
	...(cachedResultName ? { cachedResultName } : {}),
});

/** Every output item and every error message, to check that no secret ever reaches a user. */
export const seenTexts: string[] = [];

export async function run(
	credential: StoredCredential,
	parameters: INodeParameters | INodeParameters[],
	items: INodeExecutionData[] = [{ json: {} }],
	options: Omit<ActionRunOptions, 'credential'> = {},
): Promise<INodeExecutionData[]> {
	const result = await runActionDetailed(parameters, items, { nodeType: new WeChatWeb(), ...options, credential }).catch((error: unknown) => {
		seenTexts.push(errorText(error));
		throw error;
	});
	const out = result.output[0] ?? [];
	for (const item of out) seenTexts.push(JSON.stringify({ json: item.json, binary: metaOnly(item.binary) }));
	return out;
}

/** Runs and expects a thrown node error; returns it. */
export async function runError(
	credential: StoredCredential,
	parameters: INodeParameters | INodeParameters[],
	items: INodeExecutionData[] = [{ json: {} }],
	options: Omit<ActionRunOptions, 'credential'> = {},
): Promise<Error & { description?: string; context?: IDataObject }> {
	const outcome = await run(credential, parameters, items, options).then(
		() => undefined,
		(error: unknown) => error as Error & { description?: string; context?: IDataObject },
	);
	if (!outcome) throw new Error('Expected the node to throw');
	return outcome;
}

export function errorText(error: unknown): string {
	const e = error as { message?: string; description?: string; stack?: string; context?: unknown };
	return `${e?.message ?? ''} ${e?.description ?? ''} ${JSON.stringify(e?.context ?? {})}`;
}

function metaOnly(binary: INodeExecutionData['binary']): IDataObject | undefined {
	if (!binary) return undefined;
	return Object.fromEntries(Object.entries(binary).map(([k, b]) => [k, { fileName: b.fileName, mimeType: b.mimeType, fileSize: b.fileSize, id: b.id }]));
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of binary data in any storage mode. */
export async function binaryBytes(binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return binaryService().getAsBuffer(binary);
	return Buffer.from(binary.data, 'base64');
}

/** Binary input as n8n keeps it in the default (in-memory) mode. */
export function binaryItem(bytes: Buffer, fileName: string, mimeType: string, json: IDataObject = {}): INodeExecutionData {
	return { json, binary: { data: { data: bytes.toString('base64'), fileName, mimeType, fileSize: String(bytes.length) } } };
}

/** Injects messages and returns them as the trigger emits them (normalized JSON), with what the simulator knows. */
export async function receive(phone: Phone, specs: InjectSpec[]): Promise<Array<{ item: INodeExecutionData; injected: ReturnType<Simulator['inject']>; message: WeChatMessage }>> {
	const injected = phone.sim.injectMany(specs);
	const messages = await collectMessages(phone.client, injected.length);
	return injected.map((inj) => {
		const message = messages.find((m) => m.id === inj.msgId);
		if (!message) throw new Error(`message ${inj.msgId} not received`);
		return { item: { json: messageJson(message) }, injected: inj, message };
	});
}

/** Token, cookie and ticket values of the live session: none may appear in any output or error. */
export function secretsOf(phone: Phone): string[] {
	const info = phone.sim.session();
	const session = phone.client.session;
	const values = [
		info?.sid,
		info?.skey,
		info?.passTicket,
		safeDecode(info?.passTicket),
		session?.tokens.sid,
		session?.tokens.skey,
		session?.tokens.passTicket,
		session?.cookie('webwx_data_ticket'),
		session?.cookie('webwx_auth_ticket'),
		session?.cookie('wxsid'),
	];
	return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= 6))];
}

function safeDecode(v: string | undefined): string | undefined {
	if (!v) return v;
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
}
