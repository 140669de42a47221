/**
 * An in-memory stand-in for n8n's CredentialsHelper (packages/cli/src/credentials-helper.ts):
 * stored credentials by id, decrypted with defaults applied, `preAuthentication`
 * with the expirable-property rule, `authenticate` (function or generic), and a
 * log of every write n8n would make to the database.
 */
import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { deepCopy, ICredentialsHelper, isExpression, NodeHelpers } from 'n8n-workflow';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export interface CredentialWrite {
	id: string;
	name: string;
	type: string;
	/** The complete stored data after the write. */
	data: ICredentialDataDecryptedObject;
	at: number;
}

export class InMemoryCredentialsHelper extends ICredentialsHelper {
	readonly writes: CredentialWrite[] = [];
	/** How often each credential type's preAuthentication hook ran. */
	readonly preAuthCalls: Array<{ type: string; expired: boolean }> = [];
	private readonly store = new Map<string, StoredCredential>();

	constructor(
		private readonly types: Record<string, ICredentialType>,
		credentials: StoredCredential[] = [],
	) {
		super();
		for (const c of credentials) this.add(c);
	}

	add(credential: StoredCredential): void {
		this.store.set(credential.id, { ...credential, data: deepCopy(credential.data) });
	}

	/** The stored (raw) data, as the database row would decrypt to. */
	stored(id: string): ICredentialDataDecryptedObject {
		return deepCopy(this.find({ id, name: '' }).data);
	}

	private find(ref: INodeCredentialsDetails, type?: string): StoredCredential {
		const byId = ref.id ? this.store.get(ref.id) : undefined;
		const found = byId ?? [...this.store.values()].find((c) => c.name === ref.name && (!type || c.type === type));
		if (!found || (type && found.type !== type)) throw new Error(`Credential with ID "${ref.id ?? ref.name}" does not exist for type "${type}".`);
		return found;
	}

	private type(name: string): ICredentialType {
		const t = this.types[name];
		if (!t) throw new Error(`Unknown credential type "${name}"`);
		return t;
	}

	getParentTypes(name: string): string[] {
		const t = this.types[name];
		if (!t?.extends) return [];
		return t.extends.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const c = this.find(nodeCredentials, type);
		const credentials = new Credentials({ id: c.id, name: c.name }, c.type);
		credentials.setData(deepCopy(c.data));
		return credentials;
	}

	/** Like n8n: the stored data with the type's defaults filled in (unless `raw`). */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		_mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		raw?: boolean,
	): Promise<ICredentialDataDecryptedObject> {
		const data = await (await this.getCredentials(nodeCredentials, type)).getData();
		if (raw) return data;
		const withDefaults = NodeHelpers.getNodeParameters(this.getCredentialsProperties(type), data as INodeParameters, true, false, null, null);
		return (withDefaults ?? data) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		const c = this.find(nodeCredentials, type);
		c.data = deepCopy(data);
		this.writes.push({ id: c.id, name: c.name, type, data: deepCopy(data), at: Date.now() });
	}

	async updateCredentialsOauthTokenData(nodeCredentials: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		if (authenticate && authenticate.type === 'generic') {
			const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, inner] of Object.entries(authenticate.properties)) {
				options[outerKey] ??= {};
				for (const [key, value] of Object.entries(inner as Record<string, string>)) {
					const resolve = (v: string) =>
						isExpression(v) ? String(workflow.expression.getSimpleParameterValue(node, v, 'internal', { $credentials: credentials }, undefined, '') ?? '') : v;
					options[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * n8n's rule: the first hidden `expirable` property decides; the hook runs when
	 * it is '' or expired or the credential is being tested; its output must
	 * contain that property, is merged into the stored data (expressions kept) and
	 * written back, and is merged into the credentials used for this request.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.type(typeName);
		const expirable = credentialType.properties.find((p) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (expirable?.name === undefined) return undefined;
		const isTesting = node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (!(credentials[expirable.name] === '' || credentialsExpired || isTesting)) return undefined;
		this.preAuthCalls.push({ type: typeName, expired: credentialsExpired });
		const output = (await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		if (node.credentials) {
			const ref = node.credentials[credentialType.name];
			const storedData = await (await this.getCredentials(ref, credentialType.name)).getData();
			const toPersist: ICredentialDataDecryptedObject = { ...storedData };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirable.name || !isExpression(storedData[key])) toPersist[key] = value;
			}
			await this.updateCredentials(ref, credentialType.name, toPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}
}
