/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test code runs under plain Node */
/**
 * What the reliability tests of the trigger share: n8n's runtime with simulated
 * time (for jest.mock), a simulator with a logged-in session in a credential,
 * triggers started through the harness, and the clean-up after each test.
 */
import type { StoredCredential, TriggerRun } from '../node/harness';
import { makeCredential, runTrigger } from '../node/harness';
import { sessionJson, startNodeSim, storedSessionData } from '../node/harness/wechat';
import type { Simulator } from '../../sandbox/simulator/api';
import { simTime } from './sim-time';

/** The n8n-runtime module with `n8nClock` replaced by simulated time: `jest.mock(path, () => …runtimeInSimulatedTime())`. */
export function runtimeInSimulatedTime(): Record<string, unknown> {
	const actual = jest.requireActual('../../nodes/shared/n8n-runtime') as Record<string, unknown>;
	return { ...actual, n8nClock: simTime };
}

const sims: Simulator[] = [];
const runs: TriggerRun[] = [];

/** A simulator (short holds) closed after the test. */
export async function simulator(options: Parameters<typeof startNodeSim>[0] = {}): Promise<Simulator> {
	const sim = await startNodeSim(options);
	sims.push(sim);
	return sim;
}

/** A simulator with a logged-in phone, and a credential holding that session. */
export async function loggedIn(options: Parameters<typeof startNodeSim>[0] = {}): Promise<{ sim: Simulator; credential: StoredCredential }> {
	const sim = await simulator(options);
	return { sim, credential: makeCredential(storedSessionData(sim, await sessionJson(sim))) };
}

/** The trigger activated with `credential`, deactivated after the test. */
export async function startTrigger(credential: StoredCredential, parameters: Record<string, unknown> = {}, options: Parameters<typeof runTrigger>[1] = {}): Promise<TriggerRun> {
	const run = await runTrigger(parameters, { credential, ...options });
	runs.push(run);
	return run;
}

/** afterEach: deactivate every trigger, close every simulator, reset simulated time. */
export async function cleanUp(): Promise<void> {
	for (const run of runs.splice(0)) await run.closeFunction();
	// In simulated time closeFunction's wait for the loop returns at once: give the aborted
	// loops a real moment to end, so none of their sleeps lands in the next test's record.
	await new Promise((resolve) => setTimeout(resolve, 100));
	for (const sim of sims.splice(0)) await sim.close();
	simTime.reset();
}
