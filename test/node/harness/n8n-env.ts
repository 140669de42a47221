/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @typescript-eslint/no-require-imports -- test code runs under plain Node */
/**
 * The n8n process around the node under test: n8n-core's dependency container
 * (the very instance n8n-core itself resolves), a recording logger in place of
 * n8n's Logger, instance settings in a throw-away user folder, and n8n-core's
 * BinaryDataService in `default` (in-memory) or `filesystem` mode.
 */
import { ownUserFolder, userFolder } from './folders';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Container as ContainerType } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { LoggerProxy } from 'n8n-workflow';
import { recordText } from '../../helpers/secret-scan';

/** n8n-core keeps its own copies of @n8n/di and @n8n/backend-common: use those, or DI would not meet. */
function coreModule<T>(name: string): T {
	const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
	return require(require.resolve(name, { paths: [coreDir] })) as T;
}

export const Container = coreModule<{ Container: typeof ContainerType }>('@n8n/di').Container;
const { Logger } = coreModule<{ Logger: abstract new (...args: never[]) => object }>('@n8n/backend-common');

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export interface LogLine {
	level: LogLevel;
	message: string;
	meta?: Record<string, unknown>;
}

/** Stands in for n8n's Logger (same methods); keeps every line so tests can read `this.logger` output. */
export class RecordingLogger {
	readonly lines: LogLine[] = [];
	/** Print lines at or above this level to the console (debugging aid): env N8N_HARNESS_LOG=debug|info|warn|error. */
	private readonly echo = process.env.N8N_HARNESS_LOG as LogLevel | undefined;

	private log(level: LogLevel, message: string, meta?: Record<string, unknown>): void {
		this.lines.push({ level, message, meta });
		recordText(`${message} ${meta ? safeMeta(meta) : ''}`);
		const order: LogLevel[] = ['error', 'warn', 'info', 'debug'];
		if (this.echo && order.indexOf(level) <= order.indexOf(this.echo)) {
			process.stderr.write(`[${level}] ${message}\n`);
		}
	}

	error(message: string, meta?: Record<string, unknown>): void {
		this.log('error', message, meta);
	}
	warn(message: string, meta?: Record<string, unknown>): void {
		this.log('warn', message, meta);
	}
	info(message: string, meta?: Record<string, unknown>): void {
		this.log('info', message, meta);
	}
	debug(message: string, meta?: Record<string, unknown>): void {
		this.log('debug', message, meta);
	}
	scoped(): this {
		return this;
	}
	clear(): void {
		this.lines.length = 0;
	}
	messages(level?: LogLevel): string[] {
		return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
	}
}

export const logger = new RecordingLogger();
Container.set(Logger as never, logger as never);
LoggerProxy.init(logger as never);
// Every context's SSH helpers start n8n's SSH client sweeper (a 60 s interval): let the test process exit anyway.
(Container.get(SSHClientsManager) as unknown as { cleanupTimer?: NodeJS.Timeout }).cleanupTimer?.unref();

export type BinaryMode = 'default' | 'filesystem';

let binaryMode: BinaryMode | undefined;
let binaryDir: string | undefined;

/**
 * (Re)initializes n8n-core's BinaryDataService. `default` keeps binary data in
 * the item (base64), `filesystem` writes it under a temp dir (items carry an id).
 */
export async function useBinaryMode(mode: BinaryMode = 'default'): Promise<{ mode: BinaryMode; dir?: string }> {
	const config = Container.get(BinaryDataConfig);
	if (mode === 'filesystem' && !binaryDir) binaryDir = mkdtempSync(path.join(tmpdir(), 'n8n-node-harness-binary-'));
	config.mode = mode;
	config.availableModes = ['filesystem'];
	config.localStoragePath = binaryDir ?? path.join(userFolder, 'binaryData');
	if (binaryMode !== mode) {
		await Container.get(BinaryDataService).init();
		binaryMode = mode;
	}
	return { mode, dir: mode === 'filesystem' ? binaryDir : undefined };
}

export function binaryService(): BinaryDataService {
	return Container.get(BinaryDataService);
}

/** Removes the temp folders the harness made (the harness registers this as an afterAll hook). */
export function cleanupHarnessFolders(): void {
	for (const dir of [ownUserFolder ? userFolder : undefined, binaryDir]) {
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
	binaryDir = undefined;
}

function safeMeta(meta: Record<string, unknown>): string {
	try {
		return JSON.stringify(meta);
	} catch {
		return Object.keys(meta).join(',');
	}
}
