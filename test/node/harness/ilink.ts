/**
 * iLink helpers for node-level tests: the iLink simulator with short holds, a
 * bound session made by a plain client (to seed a credential, as the command
 * line would), and the credential pointing at the simulator.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { FetchTransport, nodeClock } from '../../../lib/cli/node-runtime';
import { IlinkClient } from '../../../lib/ilink';
import type { IlinkSimulator, IlinkSimulatorOptions } from '../../../sandbox/ilink-simulator';
import { startIlinkSimulator } from '../../../sandbox/ilink-simulator';
import type { StoredCredential } from './credentials-helper';

export async function startIlinkNodeSim(options: IlinkSimulatorOptions = {}): Promise<IlinkSimulator> {
	return await startIlinkSimulator({ updatesHoldMs: 300, qrHoldMs: 200, ...options });
}

/** Logs a plain client in (scan + confirm) and returns its serialized session. */
export async function ilinkSessionJson(sim: IlinkSimulator): Promise<string> {
	const client = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: sim.origin, notify: false });
	await client.login({
		onEvent: (e) => {
			if (e.type === 'qr') sim.scan();
			if (e.type === 'scanned') sim.confirm();
		},
	});
	return client.toJSON();
}

let counter = 0;

/** A stored `weChatIlinkApi` credential pointing at the simulator; `session` given = one n8n already stored. */
export function ilinkCredential(sim: IlinkSimulator, extra: ICredentialDataDecryptedObject = {}): StoredCredential {
	counter++;
	return { id: `ilink-cred-${counter}`, name: `WeChat bot ${counter}`, type: 'weChatIlinkApi', data: { originOverride: sim.origin, ...extra } };
}

/** Credential data with a bound session already stored (revision set, as after n8n's write-back). */
export function storedIlinkSession(json: string): ICredentialDataDecryptedObject {
	return { session: json, sessionRevision: '1700000000000' };
}
