import type { INodeType, INodeTypeDescription, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { weChatWebApiTest } from '../shared/credential-test';
import { toNodeError } from '../shared/errors';
import { triggerProperties } from './description';
import { routeOf, routeProperty } from '../shared/route-choice';
import { weChatIlinkApiTest } from '../shared/ilink-credential-test';
import { triggerIlink } from './ilink/trigger';
import { TriggerRun } from './trigger-run';

/**
 * Starts a workflow for every message of a personal WeChat account (WeChat Web
 * protocol). Logins (QR code, push login) and logouts come out on a second
 * output, "Login Events". The work is done in ./trigger-run.ts and its phases.
 */
export class WeChatWebTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WeChat Web Trigger',
		name: 'weChatWebTrigger',
		icon: { light: 'file:wechat.svg', dark: 'file:wechat.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Messages from " + ($parameter["chatTypes"] || []).join(", ")}}',
		description: 'Starts the workflow when a message arrives in a personal WeChat account',
		defaults: { name: 'WeChat Web Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Messages', 'Login Events'],
		credentials: [
			{ name: 'weChatWebApi', required: true, testedBy: 'weChatWebApiTest', displayOptions: { show: { authentication: ['weChatWebApi'] } } },
			{ name: 'weChatIlinkApi', required: true, testedBy: 'weChatIlinkApiTest', displayOptions: { show: { authentication: ['weChatIlinkApi'] } } },
		],
		properties: [routeProperty, ...triggerProperties],
	};

	methods = {
		credentialTest: { weChatWebApiTest, weChatIlinkApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (routeOf(this) === 'ilink') return await triggerIlink.call(this);
		let loop: TriggerRun;
		try {
			loop = await TriggerRun.create(this);
		} catch (error) {
			// Activation fails (n8n shows it and retries later): e.g. a bad origin override or a missing credential.
			throw toNodeError(this.getNode(), error);
		}
		const closeFunction = async () => await loop.close();
		if (this.getMode() === 'manual') {
			return { closeFunction, manualTriggerFunction: async () => await loop.runManual() };
		}
		loop.begin();
		loop.markActivated();
		return { closeFunction };
	}
}
