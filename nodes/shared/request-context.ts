/** The part of an n8n context the adapters use (execution, trigger, load-options). */
import type { IAdditionalCredentialOptions, ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';

/** What the adapters need from an n8n execution, trigger or load-options context. */
export interface RequestContext {
	getNode(): INode;
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string, itemIndex?: number): Promise<T>;
	helpers: {
		httpRequest(options: IHttpRequestOptions): Promise<unknown>;
		httpRequestWithAuthentication(
			this: unknown,
			credentialsType: string,
			options: IHttpRequestOptions,
			additional?: IAdditionalCredentialOptions,
		): Promise<unknown>;
	};
}
