/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- test code runs under plain Node and starts its own redis-server */
/**
 * n8n's queue mode for the end-to-end tests: a private redis-server (Debian's)
 * on 127.0.0.1, and the environment a main process and its workers share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { sleep } from '../../sandbox/launcher/n8n-instance';

export class Redis {
	private proc: ChildProcess | null = null;

	constructor(readonly port: number) {}

	async start(timeoutMs = 15000): Promise<void> {
		this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
		const t0 = Date.now();
		while (Date.now() - t0 < timeoutMs) {
			if (this.proc.exitCode !== null) throw new Error(`redis-server exited (is port ${this.port} taken, or redis-server missing?)`);
			if (await this.ping()) return;
			await sleep(100);
		}
		throw new Error(`redis-server did not answer on ${this.port}`);
	}

	private async ping(): Promise<boolean> {
		return await new Promise((resolve) => {
			const socket = createConnection({ host: '127.0.0.1', port: this.port }, () => socket.write('PING\r\n'));
			socket.once('data', (d) => {
				socket.destroy();
				resolve(d.toString().startsWith('+PONG'));
			});
			socket.once('error', () => resolve(false));
		});
	}

	async stop(): Promise<void> {
		const p = this.proc;
		if (!p || p.exitCode !== null) return;
		const done = new Promise((r) => p.once('exit', r));
		p.kill('SIGTERM');
		await done;
	}
}

/**
 * What main and workers need to share a queue, the database and binary data.
 * Binary data: `database` mode stores files in n8n's database, which every
 * process reads (the default `filesystem` folder is local to one machine).
 * Saving progress makes a re-run on another worker continue after the last
 * finished node instead of from the start. The short lock/stall settings let a killed worker's job be noticed in
 * seconds instead of the default minute.
 */
export function queueEnv(redisPort: number, sqliteFile: string): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		QUEUE_BULL_PREFIX: `wechat-e2e-${redisPort}`,
		QUEUE_HEALTH_CHECK_ACTIVE: 'false',
		QUEUE_WORKER_LOCK_DURATION: '5000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '1000',
		QUEUE_WORKER_STALLED_INTERVAL: '3000',
		DB_TYPE: 'sqlite',
		DB_SQLITE_DATABASE: sqliteFile,
		// A re-run of a dead worker's execution resumes after the last finished node.
		EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
	};
}

/** The execution ids a worker's log says it started. */
export function startedExecutions(log: string): string[] {
	return [...log.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
}
