/**
 * A real n8n-workflow `Workflow` holding the node under test, a NodeTypes
 * registry of this package's node classes, and the IWorkflowExecuteAdditionalData
 * n8n-core's contexts read (credentials helper, URLs, hooks).
 */
import { ExecutionLifecycleHooks } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import type { StoredCredential } from './credentials-helper';
import { InMemoryCredentialsHelper } from './credentials-helper';

export const PACKAGE_NAME = 'n8n-nodes-wechat-web';

/** A NodeTypes registry: `<package>.<description.name>` → the node instance. */
export class PackageNodeTypes implements INodeTypes {
	private readonly byName = new Map<string, INodeType | IVersionedNodeType>();

	constructor(nodes: Array<INodeType | IVersionedNodeType>) {
		for (const n of nodes) this.add(n);
	}

	add(node: INodeType | IVersionedNodeType): string {
		const type = typeName(node);
		this.byName.set(type, node);
		return type;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const n = this.byName.get(nodeType);
		if (!n) throw new Error(`Unknown node type ${nodeType}`);
		return n;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.byName.keys()].map((k) => [k, { className: k, sourcePath: '' }]));
	}
}

export function typeName(node: INodeType | IVersionedNodeType): string {
	return `${PACKAGE_NAME}.${node.description.name}`;
}

export function defaultNodeName(node: INodeType | IVersionedNodeType): string {
	const description = 'nodeVersions' in node ? node.nodeVersions[node.currentVersion].description : node.description;
	return description.defaults.name ?? description.displayName;
}

export function latestVersion(node: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in node) return node.currentVersion;
	const v = node.description.version;
	return Array.isArray(v) ? Math.max(...v) : v;
}

export interface NodeSetup {
	nodeType: INodeType | IVersionedNodeType;
	parameters: INodeParameters;
	credential?: StoredCredential;
	/** Extra credentials the helper knows about (e.g. a second account). */
	otherCredentials?: StoredCredential[];
	credentialTypes: Record<string, ICredentialType>;
	/** Static data of the whole workflow (`{ 'node:<name>': {...} }`), as n8n stores it. */
	staticData?: IDataObject;
	nodeName?: string;
	typeVersion?: number;
	/** Node settings such as `continueOnFail`, `onError`. */
	nodeSettings?: Partial<INode>;
	active?: boolean;
	workflowId?: string;
}

export interface BuiltWorkflow {
	workflow: Workflow;
	node: INode;
	nodeTypes: PackageNodeTypes;
	credentialsHelper: InMemoryCredentialsHelper;
	additionalData: IWorkflowExecuteAdditionalData;
}

export function buildWorkflow(setup: NodeSetup, mode: WorkflowExecuteMode): BuiltWorkflow {
	const nodeTypes = new PackageNodeTypes([setup.nodeType]);
	const nodeName = setup.nodeName ?? defaultNodeName(setup.nodeType);
	const credentialName = setup.credential ? Object.keys(setup.credentialTypes).find((k) => k === setup.credential?.type) : undefined;
	const node: INode = {
		id: 'c0ffee00-0000-4000-8000-000000000001',
		name: nodeName,
		type: typeName(setup.nodeType),
		typeVersion: setup.typeVersion ?? latestVersion(setup.nodeType),
		position: [0, 0],
		parameters: JSON.parse(JSON.stringify(setup.parameters)) as INodeParameters,
		...(setup.credential && credentialName ? { credentials: { [credentialName]: { id: setup.credential.id, name: setup.credential.name } } } : {}),
		...(setup.nodeSettings ?? {}),
	};
	const workflow = new Workflow({
		id: setup.workflowId ?? 'wf-node-harness',
		name: 'Node harness workflow',
		nodes: [node],
		connections: {},
		active: setup.active ?? mode === 'trigger',
		nodeTypes,
		staticData: setup.staticData ? (JSON.parse(JSON.stringify(setup.staticData)) as IDataObject) : undefined,
		settings: {},
	});
	const credentialsHelper = new InMemoryCredentialsHelper(setup.credentialTypes, [
		...(setup.credential ? [setup.credential] : []),
		...(setup.otherCredentials ?? []),
	]);
	const additionalData = makeAdditionalData(credentialsHelper, mode, workflow);
	// The Workflow constructor filled in parameter defaults: hand back that node.
	return { workflow, node: workflow.getNode(nodeName) as INode, nodeTypes, credentialsHelper, additionalData };
}

export function makeAdditionalData(
	credentialsHelper: InMemoryCredentialsHelper,
	mode: WorkflowExecuteMode,
	workflow: Workflow,
	currentNodeParameters?: INodeParameters,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not available in the node harness`);
	};
	return {
		credentialsHelper,
		executeWorkflow: unsupported('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		// An active trigger runs outside any execution (n8n's ActiveWorkflowManager passes none).
		executionId: mode === 'trigger' ? undefined : 'harness-execution',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: unsupported('startRunnerTask'),
		hooks: new ExecutionLifecycleHooks(mode, 'harness-execution', {
			id: workflow.id,
			name: workflow.name ?? '',
			active: workflow.active,
			activeVersionId: null,
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
			nodes: Object.values(workflow.nodes),
			connections: {},
			settings: {},
		}),
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** n8n's static data as the database would hold it: a plain deep copy (no observers, no flags). */
export function plainStaticData(workflow: Workflow): IDataObject {
	return JSON.parse(JSON.stringify(workflow.staticData ?? {})) as IDataObject;
}
