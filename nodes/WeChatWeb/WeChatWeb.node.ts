import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { WeChatClient } from '../../lib/wechat';
import { LoggedOutError } from '../../lib/wechat';
import { accountKey, clientForExecution, forgetClient } from '../shared/session-store';
import { errorJson, toNodeError } from '../shared/errors';
import { contactBatchOperations, contactOperations } from './actions/contact';
import type { ActionContext, BatchOperation, ItemOperation, ItemResult } from './actions/context';
import { explainError } from './actions/errors';
import { mediaOperations } from './actions/media';
import { messageOperations } from './actions/message';
import { sessionOperations } from './actions/session';
import { contactFields, contactOperations as contactOperationList } from './descriptions/ContactDescription';
import { mediaFields, mediaOperations as mediaOperationList } from './descriptions/MediaDescription';
import { messageFields, messageOperations as messageOperationList } from './descriptions/MessageDescription';
import { sessionFields, sessionOperations as sessionOperationList } from './descriptions/SessionDescription';
import { searchChats, searchFriends, searchGroups } from './methods/listSearch';
import { weChatWebApiTest } from '../shared/credential-test';
import { routeOf, routeProperty } from '../shared/route-choice';
import { weChatIlinkApiTest } from '../shared/ilink-credential-test';
import { executeIlink } from './ilink/execute';
import { ilinkRouteNotice } from './descriptions/IlinkDescription';

const ITEM_OPERATIONS: Record<string, Record<string, ItemOperation>> = {
	message: messageOperations,
	contact: contactOperations,
	media: mediaOperations,
	session: sessionOperations,
};

const BATCH_OPERATIONS: Record<string, Record<string, BatchOperation>> = {
	contact: contactBatchOperations,
};

export class WeChatWeb implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WeChat Web',
		name: 'weChatWeb',
		icon: { light: 'file:wechat.svg', dark: 'file:wechat.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send, revoke and forward messages, look up contacts and download media with a personal WeChat account',
		defaults: { name: 'WeChat Web' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'weChatWebApi', required: true, testedBy: 'weChatWebApiTest', displayOptions: { show: { authentication: ['weChatWebApi'] } } },
			{ name: 'weChatIlinkApi', required: true, testedBy: 'weChatIlinkApiTest', displayOptions: { show: { authentication: ['weChatIlinkApi'] } } },
		],
		properties: [
			routeProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { authentication: ['weChatWebApi'] } },
				options: [
					{ name: 'Contact', value: 'contact' },
					{ name: 'Media', value: 'media' },
					{ name: 'Message', value: 'message' },
					{ name: 'Session', value: 'session' },
				],
				default: 'message',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { authentication: ['weChatIlinkApi'] } },
				options: [
					{ name: 'Media', value: 'media' },
					{ name: 'Message', value: 'message' },
					{ name: 'Session', value: 'session' },
				],
				default: 'message',
			},
			ilinkRouteNotice,
			...messageOperationList,
			...messageFields,
			...contactOperationList,
			...contactFields,
			...mediaOperationList,
			...mediaFields,
			...sessionOperationList,
			...sessionFields,
		],
	};

	methods = {
		listSearch: { searchChats, searchFriends, searchGroups },
		credentialTest: { weChatWebApiTest, weChatIlinkApiTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (routeOf(this) === 'ilink') return await executeIlink.call(this);
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const node = this.getNode();
		const key = accountKey(this);
		const logger = this.logger;

		// One client for every item of this execution; a failure to get it is every item's failure.
		let clientPromise: Promise<WeChatClient> | undefined;
		let client: WeChatClient | undefined;
		const ctx: ActionContext = {
			fn: this,
			signal: this.getExecutionCancelSignal?.(),
			client: async () => {
				clientPromise ??= clientForExecution(this, {
					debug: (m, meta) => logger.debug(m, meta),
					info: (m, meta) => logger.info(m, meta),
					warn: (m, meta) => logger.warn(m, meta),
				});
				client = await clientPromise;
				return client;
			},
		};

		const output: INodeExecutionData[] = [];
		const succeed = (result: ItemResult, i: number) => {
			for (const entry of result) output.push({ ...entry, pairedItem: { item: i } });
		};
		const fail = (rawError: unknown, i: number) => {
			const error = explainError(rawError, client);
			// A dead session must not be reused: the next execution restores from the credential again.
			if (error instanceof LoggedOutError) forgetClient(key, client);
			if (this.continueOnFail()) {
				output.push({ json: errorJson(error) as IDataObject, pairedItem: { item: i } });
				return;
			}
			const nodeError = toNodeError(node, error, i);
			if (nodeError instanceof NodeApiError) throw new NodeApiError(node, nodeError as unknown as JsonObject, { itemIndex: i });
			throw new NodeOperationError(node, nodeError, { itemIndex: i });
		};

		const batch = BATCH_OPERATIONS[resource]?.[operation];
		if (batch) {
			const indexes = items.map((_, i) => i);
			let results: Map<number, ItemResult | { error: unknown }> | undefined;
			let batchError: unknown;
			try {
				results = await batch(ctx, indexes);
			} catch (error) {
				batchError = error;
			}
			for (const i of indexes) {
				const result = results?.get(i) ?? { error: batchError };
				if ('error' in result) fail(result.error, i);
				else succeed(result, i);
			}
			return [output];
		}

		const run = ITEM_OPERATIONS[resource]?.[operation];
		if (!run) throw new NodeOperationError(node, `The operation "${operation}" is not supported for the resource "${resource}".`);
		for (let i = 0; i < items.length; i++) {
			try {
				succeed(await run(ctx, i), i);
			} catch (error) {
				fail(error, i);
			}
		}
		return [output];
	}
}
