/**
 * Issue 16 item 7: n8n sends a credential to the editor with only its
 * password-typed values replaced. The WeChat session (hidden, written back by
 * n8n after a login) must be one of them, and so must every other property that
 * can hold a token.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestHelper, INodeProperties } from 'n8n-workflow';
import { CREDENTIAL_EMPTY_VALUE } from 'n8n-workflow';
import { WeChatWebApi } from '../../credentials/WeChatWebApi.credentials';
import { makeSession, SECRETS } from './fake-transport';

/** n8n's placeholder for a redacted non-empty value (packages/cli/src/constants.ts). */
const CREDENTIAL_BLANKING_VALUE = '__n8n_BLANK_VALUE_e5362baf-c777-4d57-a609-6eaf1f9e87f6';

/**
 * n8n's rule, as CredentialsService.redact (packages/cli/src/credentials/credentials.service.ts)
 * applies it before a credential goes to the editor: a property's value is replaced when the
 * property has `typeOptions.password` and the value is not an expression; nothing else is.
 */
function redactLikeN8n(data: ICredentialDataDecryptedObject, properties: INodeProperties[]): ICredentialDataDecryptedObject {
	const copy: ICredentialDataDecryptedObject = { ...data };
	for (const key of Object.keys(copy)) {
		const prop = properties.find((p) => p.name === key);
		if (!prop?.typeOptions?.password) continue;
		const value = String(copy[key]);
		if (value.startsWith('={{') && !prop.noDataExpression) continue;
		copy[key] = value.length > 0 ? CREDENTIAL_BLANKING_VALUE : CREDENTIAL_EMPTY_VALUE;
	}
	return copy;
}

/** n8n's unredact on save: placeholders get the stored value back. */
function unredactLikeN8n(fromEditor: ICredentialDataDecryptedObject, stored: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const merged: ICredentialDataDecryptedObject = { ...fromEditor };
	for (const [key, value] of Object.entries(merged)) {
		if (value === CREDENTIAL_BLANKING_VALUE || value === CREDENTIAL_EMPTY_VALUE) merged[key] = stored[key];
	}
	return merged;
}

/** Properties whose values never hold a token (settings, the write-back counter, the token-free receive position). */
const NOT_SECRET = new Set(['riskNotice', 'loginMode', 'minSendIntervalSeconds', 'maxSendsPerMinute', 'originOverride', 'sessionRevision', 'checkpoint']);

const secretValues = Object.values(SECRETS).flatMap((v) => [v, encodeURIComponent(v)]);

function leakedIn(text: string): string[] {
	return secretValues.filter((v) => text.includes(v));
}

const credential = new WeChatWebApi();
const helpers = { helpers: {} } as unknown as IHttpRequestHelper;

/** The credential as n8n stores it after the trigger logged in and wrote the session back. */
async function storedAfterLogin(): Promise<ICredentialDataDecryptedObject> {
	const sessionJson = makeSession().toJSON();
	expect(leakedIn(sessionJson).length).toBeGreaterThan(0); // the fixture does hold the tokens
	const data: ICredentialDataDecryptedObject = {
		loginMode: 'desktop',
		sessionImport: '',
		minSendIntervalSeconds: 1.5,
		maxSendsPerMinute: 20,
		originOverride: '',
		session: sessionJson,
		sessionRevision: '',
	};
	// What n8n does with the hook's answer (CredentialsHelper.preAuthentication): merge and store.
	return Object.assign(data, await credential.preAuthentication.call(helpers, data));
}

describe('the credential keeps session tokens out of the editor (issue 16 item 7)', () => {
	it('the session written back by n8n is a hidden, password-typed property', () => {
		const session = credential.properties.find((p) => p.name === 'session');
		expect(session?.type).toBe('hidden');
		expect(session?.typeOptions?.password).toBe(true);
	});

	it('every property that can hold a token is password-typed', () => {
		const unclassified = credential.properties.filter((p) => !NOT_SECRET.has(p.name) && !p.typeOptions?.password).map((p) => p.name);
		expect(unclassified).toEqual([]);
	});

	it('what n8n sends to the editor after a login contains no token, and saving from the editor keeps the session', async () => {
		const stored = await storedAfterLogin();
		expect(stored.session).toContain(SECRETS.sid); // the write-back still stores the real session
		expect(String(stored.sessionRevision)).toMatch(/^\d+$/);

		const toEditor = redactLikeN8n(stored, credential.properties);
		expect(leakedIn(JSON.stringify(toEditor))).toEqual([]);

		// The editor sends its (redacted) copy back on save; n8n restores the stored values.
		const saved = unredactLikeN8n(toEditor, stored);
		expect(saved.session).toBe(stored.session);
	});

	it('a session pasted from the command line is not sent to the editor either', async () => {
		const data: ICredentialDataDecryptedObject = { loginMode: 'desktop', sessionImport: makeSession().toJSON(), session: '', sessionRevision: '' };
		Object.assign(data, await credential.preAuthentication.call(helpers, data));
		expect(leakedIn(JSON.stringify(redactLikeN8n(data, credential.properties)))).toEqual([]);
	});
});
