/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * Node-level test harness: runs this package's real node classes inside
 * n8n-core's own execution contexts (TriggerContext through n8n-core's
 * ActiveWorkflows / TriggersAndPollers, ExecuteContext, LoadOptionsContext)
 * with a real n8n-workflow Workflow, an in-memory credentials helper that
 * behaves like n8n's (preAuthentication + write-back), n8n-core's
 * BinaryDataService, and n8n-core's real `httpRequest` (axios) — no HTTP mocks.
 *
 *   const run = await runTrigger({ options: {} }, { credential: makeCredential({ originOverride: sim.origin }) });
 *   await run.waitForItems(1, 1);            // output 1 = "Login Events"
 *   await run.closeFunction();
 *
 *   const out = await runAction({ resource: 'message', operation: 'sendText', ... }, [{ json: {} }], { credential });
 */
import './harness/folders';
import { ActiveWorkflows, ExecuteContext, LoadOptionsContext, TriggerContext } from 'n8n-core';
import { TriggersAndPollers } from 'n8n-core/dist/execution-engine/triggers-and-pollers';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IDeferredPromise,
	IExecuteData,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	IRun,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers } from 'n8n-workflow';
import { WeChatIlinkApi } from '../../credentials/WeChatIlinkApi.credentials';
import { WeChatWebApi } from '../../credentials/WeChatWebApi.credentials';
import type { CredentialWrite, StoredCredential } from './harness/credentials-helper';
import { InMemoryCredentialsHelper } from './harness/credentials-helper';
import type { BinaryMode, RecordingLogger } from './harness/n8n-env';
import { cleanupHarnessFolders, Container, logger, useBinaryMode } from './harness/n8n-env';
import type { BuiltWorkflow } from './harness/workflow';
import { buildWorkflow, defaultNodeName, makeAdditionalData, plainStaticData } from './harness/workflow';
import { recordError, recordText } from '../helpers/secret-scan';

export type { CredentialWrite, StoredCredential } from './harness/credentials-helper';
export { InMemoryCredentialsHelper } from './harness/credentials-helper';
export { binaryService, cleanupHarnessFolders, logger, RecordingLogger, useBinaryMode } from './harness/n8n-env';
export type { BinaryMode, LogLine } from './harness/n8n-env';
export { buildWorkflow, PackageNodeTypes, plainStaticData, typeName } from './harness/workflow';

/** Node parameters as tests write them (plain objects; values may be n8n expressions). */
export type NodeParams = INodeParameters | IDataObject | Record<string, unknown>;

// Each test file gets its own module registry, hence its own temp user folder: remove it afterwards.
if (typeof afterAll === 'function') afterAll(() => cleanupHarnessFolders());

export const CREDENTIAL_TYPES: Record<string, ICredentialType> = { weChatWebApi: new WeChatWebApi(), weChatIlinkApi: new WeChatIlinkApi() };

let credentialCounter = 0;

/** A stored `weChatWebApi` credential (fresh id each call), as n8n would keep it in its database. */
export function makeCredential(data: ICredentialDataDecryptedObject = {}, opts: { id?: string; name?: string; type?: string } = {}): StoredCredential {
	credentialCounter++;
	return {
		id: opts.id ?? `cred-${credentialCounter}`,
		name: opts.name ?? `WeChat account ${credentialCounter}`,
		type: opts.type ?? 'weChatWebApi',
		data: { ...data },
	};
}

async function defaultNode(kind: 'trigger' | 'action'): Promise<INodeType> {
	// The action node is built elsewhere; load it lazily so the harness compiles without it.
	const file = kind === 'trigger' ? '../../nodes/WeChatWebTrigger/WeChatWebTrigger.node' : '../../nodes/WeChatWeb/WeChatWeb.node';
	const mod = (await import(file)) as Record<string, new () => INodeType>;
	const cls = kind === 'trigger' ? mod.WeChatWebTrigger : mod.WeChatWeb;
	return new cls();
}

export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

// ---------------------------------------------------------------------------------------------
// Triggers
// ---------------------------------------------------------------------------------------------

export interface EmitRecord {
	data: INodeExecutionData[][];
	donePromise?: IDeferredPromise<IRun>;
	/** Node static data as n8n saved it when this emit happened (trigger mode only). */
	savedStaticData?: IDataObject;
	/** Whether the simulated workflow run for this emit has finished (donePromise resolved). */
	finished: boolean;
	at: number;
}

export interface TriggerRunOptions {
	/** The workflow's id (default: a new one per run; a restart of the same workflow passes the same). */
	workflowId?: string;
	/** `trigger` = an active workflow (ActiveWorkflows.add); `manual` = "Execute step" / "Listen for event". */
	mode?: 'trigger' | 'manual';
	activation?: WorkflowActivateMode;
	credential?: StoredCredential;
	/** This node's static data (`getWorkflowStaticData('node')`) at activation. */
	staticData?: IDataObject;
	nodeType?: INodeType;
	/** When the simulated workflow run of an emit finishes: at once (default) or when the test calls `finishRun`. */
	finishRuns?: 'immediately' | 'manually';
	binaryMode?: BinaryMode;
	/** n8n calls closeFunction after emitError (it deactivates, then re-activates later); default true. */
	closeOnEmitError?: boolean;
	nodeName?: string;
	/** Called on every emit with the items (benchmarks: a stub emit that timestamps the hand-off). */
	onEmit?: (data: INodeExecutionData[][]) => void;
	/** Keep every emit in `emits` (default true); benchmarks that emit millions of items turn it off. */
	keepEmits?: boolean;
}

export interface TriggerRun {
	workflow: Workflow;
	node: INode;
	context: TriggerContext;
	response: ITriggerResponse;
	credentials: InMemoryCredentialsHelper;
	credentialWrites: CredentialWrite[];
	emits: EmitRecord[];
	/** Every emit's data (`[output0Items, output1Items, …]`). */
	readonly emitted: INodeExecutionData[][][];
	emitErrors: Error[];
	/** Deactivates like n8n (closeFunction through n8n-core); safe to call twice. */
	closeFunction(): Promise<void>;
	/** Manual mode only: what n8n's WorkflowExecute runs for a trigger node (the function, then the first emit). */
	manualTriggerFunction?: () => Promise<void>;
	manualTriggerResponse?: Promise<INodeExecutionData[][]>;
	/** Manual mode: run manualTriggerFunction and resolve with the first emitted data (n8n's executeTriggerNode). */
	runManual(timeoutMs?: number): Promise<INodeExecutionData[][]>;
	/** Node static data now (plain copy). */
	staticData(): IDataObject;
	/** Node static data as last saved by an emit. */
	savedStaticData(): IDataObject | undefined;
	/** All items emitted on `output` (0-based), in order. */
	items(output: number): INodeExecutionData[];
	waitForItems(output: number, count: number, timeoutMs?: number): Promise<INodeExecutionData[]>;
	/** Resolves the donePromise of emit `index` (finishRuns: 'manually'). */
	finishRun(index: number, status?: 'success' | 'error' | 'crashed' | 'lost'): void;
	logger: RecordingLogger;
}

let workflowCounter = 0;

/**
 * A finished run: `error` = a node failed (it has run data), `lost` = n8n gave the
 * execution up without a node result (queue mode: a job that stalled too often),
 * `crashed` = n8n's crash recovery marked it.
 */
function fakeRun(mode: WorkflowExecuteMode, status: 'success' | 'error' | 'crashed' | 'lost'): IRun {
	const data = createRunExecutionData({});
	if (status !== 'success') (data.resultData as { error?: unknown }).error = { message: 'The workflow failed', name: 'WorkflowError' };
	if (status === 'error') data.resultData.runData = { 'HTTP Request': [{ startTime: 0, executionTime: 1, executionIndex: 0, source: [], executionStatus: 'error' }] };
	if (status === 'lost') return { data, finished: false, mode, startedAt: new Date(), stoppedAt: new Date(), status: 'error' };
	return { data, finished: status === 'success', mode, startedAt: new Date(), stoppedAt: new Date(), status };
}

export async function runTrigger(parameters: NodeParams, options: TriggerRunOptions = {}): Promise<TriggerRun> {
	const mode = options.mode ?? 'trigger';
	await useBinaryMode(options.binaryMode ?? 'default');
	const nodeType = options.nodeType ?? (await defaultNode('trigger'));
	const nodeName = options.nodeName ?? defaultNodeName(nodeType);
	const built: BuiltWorkflow = buildWorkflow(
		{
			nodeType,
			parameters: parameters as INodeParameters,
			credential: options.credential,
			credentialTypes: CREDENTIAL_TYPES,
			staticData: options.staticData ? { [`node:${nodeName}`]: options.staticData } : undefined,
			nodeName,
			workflowId: options.workflowId ?? `wf-node-harness-${++workflowCounter}`,
		},
		mode,
	);
	const { workflow, credentialsHelper, additionalData } = built;
	const emits: EmitRecord[] = [];
	const emitErrors: Error[] = [];
	let closed: Promise<void> | undefined;
	let context: TriggerContext | undefined;
	const nodeStatic = (): IDataObject => (plainStaticData(workflow)[`node:${nodeName}`] as IDataObject | undefined) ?? {};

	const record = (data: INodeExecutionData[][], donePromise?: IDeferredPromise<IRun>): EmitRecord => {
		const rec: EmitRecord = { data, donePromise, finished: false, at: Date.now() };
		if (mode === 'trigger') {
			// ActiveWorkflowManager: saveStaticData(workflow) first (only when changed), then run the workflow.
			rec.savedStaticData = nodeStatic();
			(workflow.staticData as { __dataChanged?: boolean }).__dataChanged = false;
		}
		if (options.keepEmits !== false) emits.push(rec);
		options.onEmit?.(data);
		if (donePromise && (options.finishRuns ?? 'immediately') === 'immediately') {
			setTimeout(() => {
				rec.finished = true;
				donePromise.resolve(fakeRun(mode, 'success'));
			}, 5);
		}
		return rec;
	};

	const activeWorkflows = Container.get(ActiveWorkflows);
	const close = async (): Promise<void> => {
		closed ??= (async () => {
			if (mode === 'trigger') {
				if (activeWorkflows.isActive(workflow.id)) await activeWorkflows.remove(workflow.id);
			} else {
				await response.closeFunction?.();
			}
		})();
		return closed;
	};

	const getTriggerFunctions = (wf: Workflow, node: INode, data: IWorkflowExecuteAdditionalData, m: WorkflowExecuteMode, activation: WorkflowActivateMode) => {
		context = new TriggerContext(
			wf,
			node,
			data,
			m,
			activation,
			(d, _responsePromise, donePromise) => void record(d, donePromise),
			(error) => {
				recordError(error);
				emitErrors.push(error);
				if (options.closeOnEmitError !== false) void close();
			},
		);
		return context;
	};

	let response: ITriggerResponse;
	if (mode === 'trigger') {
		await activeWorkflows.add(workflow.id, workflow, additionalData, 'trigger', options.activation ?? 'activate', getTriggerFunctions, () => {
			throw new Error('Polling is not supported by the node harness');
		});
		response = activeWorkflows.get(workflow.id)?.triggerResponses?.[0] ?? {};
	} else {
		response =
			(await Container.get(TriggersAndPollers).runTrigger(workflow, built.node, getTriggerFunctions, additionalData, 'manual', options.activation ?? 'manual')) ?? {};
		// runTrigger replaced emit after trigger() returned (as n8n does); record what reaches it as well.
		const ctx = context as TriggerContext;
		const inner = ctx.emit;
		(ctx as { emit: TriggerContext['emit'] }).emit = (d, responsePromise, donePromise) => {
			record(d, donePromise);
			inner(d, responsePromise, donePromise);
		};
	}

	const run: TriggerRun = {
		workflow,
		node: built.node,
		context: context as TriggerContext,
		response,
		credentials: credentialsHelper,
		credentialWrites: credentialsHelper.writes,
		emits,
		get emitted() {
			return emits.map((e) => e.data);
		},
		emitErrors,
		closeFunction: close,
		manualTriggerFunction: response.manualTriggerFunction,
		manualTriggerResponse: response.manualTriggerResponse,
		async runManual(timeoutMs = 15000) {
			if (mode !== 'manual') throw new Error('runManual needs mode "manual"');
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`No emit within ${timeoutMs} ms`)), timeoutMs);
			});
			try {
				if (response.manualTriggerFunction) await Promise.race([response.manualTriggerFunction(), timeout]);
				return await Promise.race([response.manualTriggerResponse as Promise<INodeExecutionData[][]>, timeout]);
			} finally {
				clearTimeout(timer);
			}
		},
		staticData: nodeStatic,
		savedStaticData: () => [...emits].reverse().find((e) => e.savedStaticData)?.savedStaticData,
		items: (output) => emits.flatMap((e) => e.data[output] ?? []),
		async waitForItems(output, count, timeoutMs = 10000) {
			await waitFor(() => run.items(output).length >= count, timeoutMs, `${count} item(s) on output ${output} (have ${run.items(output).length})`);
			return run.items(output);
		},
		finishRun(index, status = 'success') {
			const rec = emits[index];
			if (!rec?.donePromise) throw new Error(`Emit ${index} has no donePromise`);
			rec.finished = true;
			rec.donePromise.resolve(fakeRun(mode, status));
		},
		logger,
	};
	return run;
}

// ---------------------------------------------------------------------------------------------
// Action nodes
// ---------------------------------------------------------------------------------------------

export interface ActionRunOptions {
	credential?: StoredCredential;
	continueOnFail?: boolean;
	nodeType?: INodeType;
	binaryMode?: BinaryMode;
	/** The execution's cancel signal (n8n aborts it when the user stops the execution). */
	abortSignal?: AbortSignal;
	mode?: WorkflowExecuteMode;
	nodeName?: string;
}

export interface ActionRun {
	output: INodeExecutionData[][];
	context: ExecuteContext;
	credentials: InMemoryCredentialsHelper;
	credentialWrites: CredentialWrite[];
}

/**
 * Per-item parameters become n8n expressions selecting by `$itemIndex`, so the
 * node reads them exactly as in a workflow (`getNodeParameter(name, i)`).
 */
export function perItemParameters(perItem: NodeParams[]): INodeParameters {
	const merge = (values: unknown[]): unknown => {
		const first = values[0];
		if (values.every((v) => JSON.stringify(v) === JSON.stringify(first))) return first;
		if (values.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
			const keys = new Set(values.flatMap((v) => Object.keys(v as object)));
			return Object.fromEntries([...keys].map((k) => [k, merge(values.map((v) => (v as Record<string, unknown>)[k]))]));
		}
		return `={{ ${JSON.stringify(values)}[$itemIndex] }}`;
	};
	return merge(perItem) as INodeParameters;
}

/** Runs `execute()` of an action node in an n8n-core ExecuteContext; `parameters` may be one set or one per item. */
export async function runActionDetailed(
	parameters: NodeParams | NodeParams[],
	inputItems: INodeExecutionData[],
	options: ActionRunOptions = {},
): Promise<ActionRun> {
	const mode = options.mode ?? 'manual';
	await useBinaryMode(options.binaryMode ?? 'default');
	const nodeType = options.nodeType ?? (await defaultNode('action'));
	const params = Array.isArray(parameters) ? perItemParameters(parameters) : (parameters as INodeParameters);
	const built = buildWorkflow(
		{
			nodeType,
			parameters: params,
			credential: options.credential,
			credentialTypes: CREDENTIAL_TYPES,
			nodeName: options.nodeName,
			nodeSettings: options.continueOnFail ? { onError: 'continueRegularOutput' } : undefined,
		},
		mode,
	);
	const { workflow, node, credentialsHelper, additionalData } = built;
	const items = inputItems.map((item) => ({ ...item, json: item.json ?? {} }));
	const inputData = { main: [items] };
	const executeData: IExecuteData = { node, data: inputData, source: { main: [{ previousNode: 'Input' }] } };
	const runExecutionData = createRunExecutionData({});
	const closeFunctions: Array<() => Promise<void>> = [];
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		0,
		items,
		inputData,
		executeData,
		closeFunctions,
		options.abortSignal ?? new AbortController().signal,
	);
	if (!nodeType.execute) throw new Error(`${node.type} has no execute()`);
	try {
		const output = (await nodeType.execute.call(context)) as INodeExecutionData[][];
		// Continue-on-fail error items are error messages a user sees: part of the leak scan.
		for (const item of (output ?? []).flat()) if (item.json?.error !== undefined) recordText(JSON.stringify(item.json));
		return { output: output ?? [], context, credentials: credentialsHelper, credentialWrites: credentialsHelper.writes };
	} catch (error) {
		recordError(error);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the harness hands the node's own error to the test unchanged
		throw error;
	} finally {
		await Promise.allSettled(closeFunctions.map(async (fn) => await fn()));
	}
}

/** The output items of an action node (`[output0Items, …]`). */
export async function runAction(
	parameters: NodeParams | NodeParams[],
	inputItems: INodeExecutionData[] = [{ json: {} }],
	options: ActionRunOptions = {},
): Promise<INodeExecutionData[][]> {
	return (await runActionDetailed(parameters, inputItems, options)).output;
}

// ---------------------------------------------------------------------------------------------
// Pickers
// ---------------------------------------------------------------------------------------------

export interface PickerOptions {
	credential?: StoredCredential;
	nodeType?: INodeType;
	/** The node's parameters as the editor sends them (`currentNodeParameters`). */
	parameters?: NodeParams;
	/** Path of the parameter asking (e.g. `parameters.chatId`). */
	path?: string;
}

async function pickerContext(options: PickerOptions): Promise<{ ctx: LoadOptionsContext; nodeType: INodeType; credentials: InMemoryCredentialsHelper }> {
	const nodeType = options.nodeType ?? (await defaultNode('action'));
	// The editor sends the node's parameters with their defaults (the route, `authentication`, among them).
	const parameters = (NodeHelpers.getNodeParameters(nodeType.description.properties, (options.parameters ?? {}) as INodeParameters, true, false, null, nodeType.description) ?? {}) as INodeParameters;
	const built = buildWorkflow({ nodeType, parameters, credential: options.credential, credentialTypes: CREDENTIAL_TYPES }, 'internal');
	const additionalData = makeAdditionalData(built.credentialsHelper, 'internal', built.workflow, parameters);
	const ctx = new LoadOptionsContext(built.workflow, built.node, additionalData, options.path ?? 'parameters');
	return { ctx, nodeType, credentials: built.credentialsHelper };
}

/** Calls `methods.loadOptions[method]` in an n8n-core LoadOptionsContext. */
export async function loadOptions(method: string, options: PickerOptions = {}): Promise<INodePropertyOptions[]> {
	const { ctx, nodeType } = await pickerContext(options);
	const fn = nodeType.methods?.loadOptions?.[method];
	if (!fn) throw new Error(`No loadOptions method "${method}"`);
	return await fn.call(ctx);
}

/** Calls `methods.listSearch[method](filter, paginationToken)` in an n8n-core LoadOptionsContext. */
export async function listSearch(method: string, filter?: string, paginationToken?: string, options: PickerOptions = {}): Promise<INodeListSearchResult> {
	const { ctx, nodeType } = await pickerContext(options);
	const fn = nodeType.methods?.listSearch?.[method];
	if (!fn) throw new Error(`No listSearch method "${method}"`);
	return await fn.call(ctx, filter, paginationToken);
}
