import type { ICredentialDataDecryptedObject, ICredentialType, IHttpRequestHelper, Icon, INodeProperties } from 'n8n-workflow';
import { parseOriginOverride } from '../lib/ilink';
import { ILINK_NOT_LOGGED_IN_MESSAGE, ilinkSessionForCredential, readIlinkSession, storedBudget } from '../nodes/shared/ilink-credential';

/**
 * The WeChat bot of Tencent's official bot API (iLink, "ClawBot"): the bound
 * account gets one bot contact in its own WeChat. The session comes from the
 * trigger's QR login (written back by n8n through `preAuthentication`) or is
 * pasted from the command line; the send budget is kept here beside it.
 */
export class WeChatIlinkApi implements ICredentialType {
	name = 'weChatIlinkApi';

	displayName = 'WeChat Bot (iLink) API';

	icon: Icon = { light: 'file:../nodes/WeChatWeb/wechat.svg', dark: 'file:../nodes/WeChatWeb/wechat.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-wechat-web/n8n-nodes-wechat-web#the-ilink-route';

	properties: INodeProperties[] = [
		{
			displayName:
				"WeChat's official bot API: your WeChat gets one bot contact. Only you (the owner) can message it; it answers only within 24 hours of your last message, and only a few times per message of yours. No groups, no other contacts.",
			name: 'routeNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Pair Code',
			name: 'pairCode',
			type: 'string',
			default: '',
			placeholder: 'e.g. 4271',
			description:
				'Only when a login asks for it: the number WeChat shows on your phone after the scan. The trigger emits a "verifyCodeRequired" Login Event; type the number here and save — the trigger reads it from this field.',
		},
		// It holds a live bot token: a secret, whatever its name suggests.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Session From the Command Line',
			name: 'sessionImport',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Paste the contents of the state file written by "npx n8n-nodes-wechat-web login --route ilink". Leave empty to log in by scanning the QR code the trigger emits.',
		},
		{
			displayName: 'Sends per Owner Message',
			name: 'sendsPerMessage',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 10,
			description:
				'How many messages the bot may send after each message of yours (reported limit: 10). A send beyond it is refused with an error until you write to the bot again.',
		},
		{
			displayName: 'Reply Window (Hours)',
			name: 'windowHours',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 23,
			description: 'How long after your last message the bot may send (WeChat allows 24 hours; the default keeps an hour in hand)',
		},
		{
			displayName: 'Block After a Refusal (Minutes)',
			name: 'throttleMinutes',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 30,
			description: 'When WeChat refuses a send by policy (ret -2), every send is refused for this long: retrying while blocked is reported to prolong the block',
		},
		{
			displayName: 'Origin Override',
			name: 'originOverride',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8791',
			description:
				"Advanced: send every request to this origin instead of WeChat's iLink hosts (the built-in sandbox, tests, or a proxy). Only this machine (http or https on 127.0.0.1, ::1 or localhost) or an https WeChat host is accepted. Leave empty for the real service.",
		},
		// The session (bot token) and the budget (context tokens): hidden and password-typed so n8n
		// redacts them before the credential goes to the editor (see WeChatWebApi.credentials.ts).
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{ displayName: 'Session', name: 'session', type: 'hidden', typeOptions: { password: true }, default: '' },
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{ displayName: 'Send Budget', name: 'budget', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Receive Position', name: 'checkpoint', type: 'hidden', default: '' },
		{ displayName: 'Session Revision', name: 'sessionRevision', type: 'hidden', typeOptions: { expirable: true }, default: '' },
	];

	/** Runs when `sessionRevision` is empty (first use, or a node hands over a login, a budget or a checkpoint): what it returns is stored. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const origin = typeof credentials.originOverride === 'string' ? credentials.originOverride.trim() : '';
		if (origin) parseOriginOverride(origin);
		const session = ilinkSessionForCredential(credentials);
		if (!session) {
			// Log Out of the action node forgot the session: store that (the request carries no token).
			if (credentials.loggedOutAt) return { session: '', sessionRevision: String(Date.now()) };
			throw new Error(ILINK_NOT_LOGGED_IN_MESSAGE);
		}
		if (!readIlinkSession(session)) {
			throw new Error('The iLink session in this credential cannot be read. Paste the whole state file again, or log in again with the trigger.');
		}
		const checkpoint = typeof credentials.checkpoint === 'string' ? credentials.checkpoint : '';
		return { session, sessionRevision: String(Date.now()), budget: JSON.stringify(storedBudget(credentials)), ...(checkpoint ? { checkpoint } : {}) };
	}
}
