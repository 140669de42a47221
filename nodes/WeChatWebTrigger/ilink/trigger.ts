/** The trigger on the iLink route: the run's life is in ./run.ts. */
import type { ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { toNodeError } from '../../shared/errors';
import { IlinkTriggerRun } from './run';

export async function triggerIlink(this: ITriggerFunctions): Promise<ITriggerResponse> {
	let run: IlinkTriggerRun;
	try {
		run = await IlinkTriggerRun.create(this);
	} catch (error) {
		// Activation fails (n8n shows it and retries later): e.g. a bad origin override or a missing credential.
		throw toNodeError(this.getNode(), error);
	}
	const closeFunction = async () => await run.close();
	if (this.getMode() === 'manual') {
		return { closeFunction, manualTriggerFunction: async () => await run.runManual() };
	}
	run.begin();
	run.markActivated();
	return { closeFunction };
}
