import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { assertSessionMainHost, parseOriginOverride } from '../lib/wechat/hosts';
import { NOT_LOGGED_IN_MESSAGE, sessionForCredential } from '../nodes/shared/credential-data';

/**
 * The WeChat Web account: login mode, send pacing, and the session the nodes
 * share. A session comes from the trigger's QR / push login (written back by
 * n8n through `preAuthentication`) or is pasted from the command line.
 */
export class WeChatWebApi implements ICredentialType {
	name = 'weChatWebApi';

	// The product fixes this name (workflows and docs refer to it); the rule wants a trailing "API".
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api
	displayName = 'WeChat Web Account';

	icon: Icon = { light: 'file:../nodes/WeChatWeb/wechat.svg', dark: 'file:../nodes/WeChatWeb/wechat.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-wechat-web/n8n-nodes-wechat-web#credential';

	properties: INodeProperties[] = [
		{
			displayName:
				'WeChat refuses or logs out many accounts on the Web protocol, and heavy automation can get an account warned or banned. Use an account you can afford to lose, and keep sends slow.',
			name: 'riskNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Login Mode',
			name: 'loginMode',
			type: 'options',
			options: [
				{
					name: 'Desktop (UOS)',
					value: 'desktop',
					description: 'Logs in as the desktop client; works for more accounts',
				},
				{ name: 'Web', value: 'web', description: 'The classic wx.qq.com web login' },
			],
			default: 'desktop',
		},
		// It holds live session tokens and cookies: a secret, whatever its name suggests.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Session From the Command Line',
			name: 'sessionImport',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Paste the contents of wechat-session.json written by "npx n8n-nodes-wechat-web login". Leave empty to log in by scanning the QR code the WeChat Web Trigger emits.',
		},
		{
			displayName: 'Minimum Seconds Between Sends',
			name: 'minSendIntervalSeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 1.5,
			description: 'Sends are queued and spaced at least this far apart (plus up to one second of random jitter)',
		},
		{
			displayName: 'Maximum Sends per Minute',
			name: 'maxSendsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 20,
			description: 'A hard cap across all workflows using this account in one n8n process (in queue mode each worker has its own: the total is at most workers × this); WeChat answers bursts with "too frequent" (Ret 1205) and may log the session out',
		},
		{
			displayName: 'Origin Override',
			name: 'originOverride',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8790',
			description:
				'Advanced: send every request to this origin instead of the WeChat hosts (the built-in sandbox, tests, or a proxy). Every request carries the session, so only this machine (http or https on 127.0.0.1, ::1 or localhost) or a WeChat host over https is accepted.',
		},
		// The live session (tokens and cookies), written back by n8n after a login. Hidden from
		// the form, and password-typed so n8n redacts it: before a credential goes to the editor,
		// n8n replaces the values of password-typed properties (`typeOptions.password`) with a
		// placeholder and leaves every other property, hidden ones included, in clear
		// (CredentialsService.redact in packages/cli/src/credentials/credentials.service.ts).
		// On save, unredact puts the stored value back for the placeholder, so an edit in the
		// editor keeps the session the trigger wrote. n8n's own write-back (preAuthentication,
		// nodes/shared/n8n-runtime.ts) stores the decrypted data and is not affected.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Session',
			name: 'session',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			// The receive position (no tokens), written here when a run finishes so a clean restart keeps it (nodes/shared/checkpoint.ts).
			displayName: 'Receive Position',
			name: 'checkpoint',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Session Revision',
			name: 'sessionRevision',
			type: 'hidden',
			typeOptions: { expirable: true },
			default: '',
		},
	];

	/**
	 * n8n calls this when `sessionRevision` is empty: on first use, and when a
	 * node hands over a freshly logged-in session
	 * (it passes the new session with an empty revision). What it returns is
	 * saved into the stored credential, so every node and worker sees it.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		// A bad origin override or an edited session's host stops here, before any token leaves
		// (the client checks both too; the credential test goes through the client, nodes/shared/credential-test.ts).
		const origin = typeof credentials.originOverride === 'string' ? credentials.originOverride.trim() : '';
		if (origin) parseOriginOverride(origin);
		const session = sessionForCredential(credentials);
		if (!session) throw new Error(NOT_LOGGED_IN_MESSAGE);
		let mainHost: unknown;
		try {
			mainHost = (JSON.parse(session) as { mainHost?: unknown } | null)?.mainHost;
		} catch {
			throw new Error('The WeChat session in this credential is not valid JSON. Paste the whole wechat-session.json again, or log in again with the WeChat Web Trigger.');
		}
		assertSessionMainHost(mainHost);
		// n8n 2.x stores only what this returns (1.x the whole object): the checkpoint must be part of it.
		const checkpoint = typeof credentials.checkpoint === 'string' ? credentials.checkpoint : '';
		return { session, sessionRevision: String(Date.now()), ...(checkpoint ? { checkpoint } : {}) };
	}
}
