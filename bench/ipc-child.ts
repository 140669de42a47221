/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark code runs under plain Node, outside n8n */
/** The child side of a benchmark simulator process: answers the parent's control calls over IPC. */
type Call = { id: number; op: string; args: unknown[] };

export function serveOps(ops: Record<string, (...args: never[]) => unknown>, close: () => Promise<unknown>): void {
	process.on('message', (msg: Call) => {
		Promise.resolve()
			.then(() => {
				const fn = ops[msg.op];
				if (!fn) throw new Error(`unknown op ${msg.op}`);
				return fn(...(msg.args as never[]));
			})
			.then(
				(result) => process.send?.({ id: msg.id, result }),
				(err: unknown) => process.send?.({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
			);
	});
	process.on('disconnect', () => {
		void close().finally(() => process.exit(0));
	});
	process.send?.({ ready: true });
}

export function runChild(main: () => Promise<void>): void {
	main().catch((err: unknown) => {
		process.stderr.write(`bench simulator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
		process.exit(1);
	});
}
