/**
 * The action node on the iLink route: one client per execution (every item
 * reserves from the same send budget, so the 11th of 12 items is refused
 * before any request), each item's result or error (Continue On Fail exactly
 * as on the Web route), and afterwards the budget for this process's other
 * clients of the account and for the credential (shared by every workflow and
 * queue-mode worker).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { Logger } from '../../../lib/ilink';
import { errorJson, toNodeError } from '../../shared/errors';
import type { OpenedIlinkClient } from '../../shared/ilink-store';
import { ilinkClientForExecution, rememberBudget } from '../../shared/ilink-store';
import { budgetFields } from './budget-fields';
import type { IlinkActionContext } from './context';
import { explainIlinkError } from './errors';
import { notOnIlink } from './not-on-route';
import { ilinkOperation, SENDS } from './operations';

export async function executeIlink(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const node = this.getNode();
	const log = this.logger;
	const logger: Logger = {
		debug: (m, meta) => log.debug(m, meta),
		info: (m, meta) => log.info(m, meta),
		warn: (m, meta) => log.warn(m, meta),
	};

	let openedPromise: Promise<OpenedIlinkClient> | undefined;
	let opened: OpenedIlinkClient | undefined;
	const ctx: IlinkActionContext = {
		fn: this,
		signal: this.getExecutionCancelSignal?.(),
		open: async () => {
			openedPromise ??= ilinkClientForExecution(this, logger);
			opened = await openedPromise;
			return opened;
		},
		client: async () => (await ctx.open()).client,
	};

	const output: INodeExecutionData[] = [];
	const fail = (rawError: unknown, i: number) => {
		const client = opened?.client;
		const owner = client?.ownerId;
		const error = explainIlinkError(rawError, client, owner);
		if (this.continueOnFail()) {
			const budget = client && owner && SENDS.has(operation) ? budgetFields(client, owner) : {};
			output.push({ json: { ...errorJson(error), ...budget } as IDataObject, pairedItem: { item: i } });
			return;
		}
		const nodeError = toNodeError(node, error, i);
		if (nodeError instanceof NodeApiError) throw new NodeApiError(node, nodeError as unknown as JsonObject, { itemIndex: i });
		throw new NodeOperationError(node, nodeError, { itemIndex: i });
	};

	const run = ilinkOperation(resource, operation);
	try {
		for (let i = 0; i < items.length; i++) {
			try {
				if (!run) throw notOnIlink(resource, operation);
				const result = await run(ctx, i);
				for (const entry of result) output.push({ ...entry, pairedItem: { item: i } });
			} catch (error) {
				fail(error, i);
			}
		}
	} finally {
		await persistBudget(opened);
	}
	return [output];
}

/** What this execution counted: to this process's next clients of the account, and to the credential. */
async function persistBudget(opened: OpenedIlinkClient | undefined): Promise<void> {
	// After Log Out the transport let go of the client: nothing of the old session is written.
	if (!opened || opened.transport.client !== opened.client) return;
	rememberBudget(opened.key, opened.client);
	if (opened.transport.changed) await opened.transport.flush();
}
