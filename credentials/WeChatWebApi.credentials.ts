import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { NOT_LOGGED_IN_MESSAGE, sessionForCredential } from '../nodes/shared/credential-data';

/**
 * The stored session (or the pasted one) as an object, in the credential test's
 * expressions. No `}}` may appear inside an expression: it would end it early.
 */
const STORED = 'JSON.parse($credentials.session || $credentials.sessionImport || \'{"tokens": {} }\')';

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
			description: 'A hard cap across all workflows using this account; WeChat answers bursts with "too frequent" (Ret 1205) and may log the session out',
		},
		{
			displayName: 'Origin Override',
			name: 'originOverride',
			type: 'string',
			default: '',
			placeholder: 'e.g. http://127.0.0.1:8790',
			description: 'Advanced: send every request to this http(s) origin instead of the WeChat hosts (the built-in sandbox, tests, or a proxy)',
		},
		{
			displayName: 'Session',
			name: 'session',
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
	 * n8n calls this when `sessionRevision` is empty: on first use, during the
	 * credential test, and when a node hands over a freshly logged-in session
	 * (it passes the new session with an empty revision). What it returns is
	 * saved into the stored credential, so every node and worker sees it.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const session = sessionForCredential(credentials);
		if (!session) throw new Error(NOT_LOGGED_IN_MESSAGE);
		return { session, sessionRevision: String(Date.now()) };
	}

	/** Proves the session alive with webwxinit; WeChat's logout codes become clear messages. */
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: `={{ ($credentials.originOverride ? $credentials.originOverride.replace(/\\/+$/, "") : "https://" + ${STORED}.mainHost) + "/cgi-bin/mmwebwx-bin/webwxinit" }}`,
			qs: {
				r: '={{ Date.now() }}',
				lang: 'zh_CN',
				pass_ticket: `={{ ${STORED}.tokens.passTicket }}`,
			},
			headers: {
				'Content-Type': 'application/json;charset=UTF-8',
				Cookie: `={{ ((${STORED}.cookies || { }).cookies || []).map(c => c.key + "=" + c.value).join("; ") }}`,
				'x-wechat-host': `={{ ${STORED}.mainHost }}`,
			},
			body: {
				BaseRequest: {
					Uin: `={{ Number(${STORED}.tokens.uin) }}`,
					Sid: `={{ ${STORED}.tokens.sid }}`,
					Skey: `={{ ${STORED}.tokens.skey }}`,
					DeviceID: 'e000000000000001',
				},
			},
			json: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'BaseResponse.Ret',
					value: 1100,
					message: 'WeChat no longer knows this session (logged out on the phone or expired). Log in again: activate the WeChat Web Trigger and scan the QR code.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'BaseResponse.Ret',
					value: 1101,
					message: 'WeChat ended this session (logged in elsewhere or logged out). Log in again: activate the WeChat Web Trigger and scan the QR code.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'BaseResponse.Ret',
					value: 1102,
					message: 'WeChat ended this session from the phone or kicked it. Log in again: activate the WeChat Web Trigger and scan the QR code.',
				},
			},
		],
	};
}
