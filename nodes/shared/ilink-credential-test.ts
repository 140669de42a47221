/**
 * The iLink credential test, through the protocol client: the stored session
 * is restored as the nodes restore it (same host checks) and the service is
 * asked for the owner's config (getconfig: a read, nothing is sent), which
 * answers -14 for a bot token that is no longer valid.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { IlinkClient, IlinkError } from '../../lib/ilink';
import { CredentialTestTransport } from './credential-test';
import { ILINK_NOT_LOGGED_IN_MESSAGE, ilinkSessionForCredential, ilinkSettings } from './ilink-credential';
import { n8nClock } from './n8n-runtime';

/** `methods.credentialTest.weChatIlinkApiTest` of both nodes (credentials `testedBy`). */
export async function weChatIlinkApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const session = ilinkSessionForCredential(data);
	if (!session) return { status: 'Error', message: ILINK_NOT_LOGGED_IN_MESSAGE };
	try {
		const settings = ilinkSettings(data);
		const client = new IlinkClient({ transport: new CredentialTestTransport(this.helpers), clock: n8nClock, originOverride: settings.originOverride, notify: false });
		client.restore(session);
		await client.verify();
		return { status: 'OK', message: `Connected: bot ${client.botId ?? '?'} of owner ${client.ownerId ?? '?'} is bound.` };
	} catch (error) {
		if (error instanceof IlinkError) return { status: 'Error', message: `${error.message}${error.hint ? ` ${error.hint}` : ''}` };
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}
