/* eslint-disable @n8n/community-nodes/require-node-api-error -- benchmark code runs under plain Node, outside n8n */
/**
 * The contenders that receive messages, behind one shape: start from a logged-in
 * session, call `onMessages` with each delivered batch (text + id, in order), stop.
 *  - trigger: the WeChat Web Trigger node in n8n-core's TriggerContext (test/node
 *    harness), i.e. filtering, normalizing, checkpointing into static data, emit;
 *    the stub emit is the harness's `onEmit`.
 *  - client: our protocol client alone (no n8n), to split the trigger's cost.
 *  - floor: bench/floor.ts, synccheck + webwxsync and nothing else.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { makeCredential, runTrigger } from '../test/node/harness';
import type { WeChatWebTrigger as TriggerNode } from '../nodes/WeChatWebTrigger/WeChatWebTrigger.node';
import { FloorClient } from './floor';
import { FetchTransport, nodeClock } from '../lib/cli/node-runtime';
import { WeChatClient } from '../lib/wechat/client';

export interface Delivered {
	id: string;
	text: string;
}

export interface Receiver {
	stop(): Promise<void>;
}

export type StartReceiver = (origin: string, sessionJson: string, onMessages: (batch: Delivered[]) => void) => Promise<Receiver>;

// Under plain ts-node `WeChatWebTrigger.node` would resolve to the codex file (.json) first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WeChatWebTrigger } = require('../nodes/WeChatWebTrigger/WeChatWebTrigger.node.ts') as { WeChatWebTrigger: typeof TriggerNode };

export const startTrigger: StartReceiver = async (origin, sessionJson, onMessages) => {
	const credential = makeCredential({ originOverride: origin, session: sessionJson, sessionRevision: String(Date.now()) });
	const run = await runTrigger(
		{},
		{
			credential,
			nodeType: new WeChatWebTrigger(),
			keepEmits: false,
			onEmit: (data: INodeExecutionData[][]) => {
				const items = data[0] ?? [];
				if (items.length) onMessages(items.map((i) => ({ id: String(i.json.id), text: String(i.json.text ?? '') })));
			},
		},
	);
	return { stop: async () => await run.closeFunction() };
};

/** Our protocol client alone (client.receive over FetchTransport): the trigger's path minus n8n. */
export const startClient: StartReceiver = async (origin, sessionJson, onMessages) => {
	const controller = new AbortController();
	const client = new WeChatClient({ transport: new FetchTransport(), clock: nodeClock, originOverride: origin });
	await client.restore(sessionJson, { signal: controller.signal, loadContacts: false });
	const loop = (async () => {
		for await (const ev of client.receive({ signal: controller.signal })) {
			if (ev.type === 'messages') onMessages(ev.messages.map((m) => ({ id: m.id, text: m.text ?? '' })));
		}
	})();
	return {
		stop: async () => {
			controller.abort();
			await loop.catch(() => undefined);
		},
	};
};

export const startFloor: StartReceiver = async (origin, sessionJson, onMessages) => {
	const controller = new AbortController();
	const floor = new FloorClient(origin, sessionJson);
	const loop = (async () => {
		try {
			for await (const list of floor.messages(controller.signal)) onMessages(list.map((m) => ({ id: String(m.MsgId), text: String(m.Content ?? '') })));
		} catch (err) {
			if (!controller.signal.aborted) throw err;
		}
	})();
	return {
		stop: async () => {
			controller.abort();
			await loop;
		},
	};
};
