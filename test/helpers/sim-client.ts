/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test and sandbox code runs under plain Node, outside n8n */
import { FetchTransport, nodeClock } from '../../lib/cli/node-runtime';
import type { WeChatClientOptions } from '../../lib/wechat/client';
import { WeChatClient } from '../../lib/wechat/client';
import type { Logger } from '../../lib/wechat/http';
import type { LoginEvent, LoginOptions } from '../../lib/wechat/login';
import type { LoginMode } from '../../lib/wechat/session';
import type { Simulator, SimulatorOptions } from '../../sandbox/simulator/api';
import { startSimulator } from '../../sandbox/simulator';
import { recordText, registerSecretSource } from './secret-scan';

/** Every log line of every client made here, to check that no secret ever reaches a log. */
export const logLines: string[] = [];

function record(m: string, meta?: Record<string, unknown>): void {
	const line = `${m} ${meta ? JSON.stringify(meta) : ''}`;
	logLines.push(line);
	recordText(line);
}

export const recordingLogger: Logger = { debug: record, info: record, warn: record };

/** A simulator for tests; its issued tokens join the leak scan of test/jest.setup.ts. */
export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = await startSimulator({ loginHoldMs: 300, syncHoldMs: 500, ...options });
	registerSecretSource(() => sim.issuedSecrets());
	return sim;
}

export function makeClient(sim: Simulator, overrides: Partial<WeChatClientOptions> = {}): WeChatClient {
	return new WeChatClient({ transport: new FetchTransport(), clock: nodeClock, logger: recordingLogger, originOverride: sim.origin, ...overrides });
}

/** Runs a login and plays the phone: scan (unless a push login) and confirm. */
export async function loginWithPhone(
	client: WeChatClient,
	sim: Simulator,
	opts: Partial<Omit<LoginOptions, 'mode'>> & { mode?: LoginMode; events?: LoginEvent[] } = {},
): Promise<void> {
	const events = opts.events ?? [];
	const done = client.login({
		pollGapMs: 50,
		...opts,
		onEvent: (e) => {
			events.push(e);
			if (e.type === 'qr') {
				sim.scan(e.uuid);
				setTimeout(() => sim.confirm(e.uuid), 20);
			} else if (e.type === 'pushSent') {
				setTimeout(() => sim.confirm(e.uuid), 20);
			}
		},
	});
	await done;
}

/** Collects normalized messages from client.receive until `count` arrived (or the timeout). */
export async function collectMessages(client: WeChatClient, count: number, timeoutMs = 15000, onEvent?: (type: string) => void) {
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), timeoutMs);
	const messages = [];
	try {
		for await (const ev of client.receive({ signal: controller.signal, backoffBaseMs: 20, backoffCapMs: 200 })) {
			onEvent?.(ev.type);
			if (ev.type === 'messages') messages.push(...ev.messages);
			if (ev.type === 'loggedOut') break;
			if (messages.length >= count) break;
		}
	} finally {
		clearTimeout(timer);
		controller.abort();
	}
	return messages;
}
