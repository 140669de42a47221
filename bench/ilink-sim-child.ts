/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code runs under plain Node, outside n8n */
/**
 * The iLink simulator in its own process for the benchmark (like sim-child.ts
 * for the Web route): its CPU never counts against the client being measured.
 */
import { startIlinkSimulator } from '../sandbox/ilink-simulator';
import { runChild, serveOps } from './ipc-child';

async function main(): Promise<void> {
	const sim = await startIlinkSimulator({ updatesHoldMs: 25_000, recordRequests: true });
	const polls = () => sim.requests.filter((r) => r.endpoint === 'getupdates').length;
	const ops: Record<string, (...args: never[]) => unknown> = {
		origin: () => sim.origin,
		bind: () => sim.bind(),
		ownerSends: (text: string) => sim.ownerSends(text).messageId,
		/** `count` texts in one go (a backlog piling up while the bot's poll is held). */
		ownerBurst: (count: number, prefix: string) => {
			for (let i = 0; i < count; i++) sim.ownerSends(`${prefix} ${i}`);
			return count;
		},
		polls,
		/** Resolves once more than `seen` getupdates arrived (the contender's next poll is held), or after `timeoutMs`. */
		waitPollAfter: async (seen: number, timeoutMs: number) => {
			const until = Date.now() + timeoutMs;
			while (polls() <= seen) {
				if (Date.now() > until) return false;
				await new Promise((r) => setTimeout(r, 1));
			}
			return true;
		},
		resetLogs: () => sim.resetLogs(),
	};
	serveOps(ops, () => sim.close());
}

runChild(main);
