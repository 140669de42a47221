/**
 * The command line on the iLink route (WeChat's official bot API): `login`
 * (QR, and the number the phone shows when the server asks for it), `listen`
 * (one JSON line per message; a batch is kept in the journal the moment it
 * arrives, since iLink never hands it out again) and `send` (text or a file to
 * the owner, within the send budget). Its state file holds the session (bot
 * token), the cursor and the budget, written atomically with mode 0600.
 */
/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- the command line runs under plain Node, outside n8n */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { IlinkLoginEvent } from '../ilink';
import { IlinkClient, IlinkSession, LoginFailedError, mergeBudget, publicMessage, readBudget } from '../ilink';
import { mimeTypeForExtension } from '../wechat/media-vocabulary';
import { qrPng, qrTerminal } from '../wechat/qr';
import { DeliveryJournal, writeLine } from './journal';
import { FetchTransport, nodeClock } from './node-runtime';
import { readSessionFile, writeSessionFile } from './session-file';
import { withStateLock } from './state-lock';

const STATE_FORMAT = 'n8n-wechat-ilink-cli';

interface State {
	format: typeof STATE_FORMAT;
	session: string;
	cursor?: string;
	budget?: unknown;
}

export interface IlinkCommand {
	command: string;
	stateFile: string;
	origin?: string;
	qrPng?: string;
	to?: string;
	text?: string;
	file?: string;
	signal: AbortSignal;
	logger: { debug(m: string): void; info(m: string): void; warn(m: string): void };
}

export async function readState(file: string): Promise<State | null> {
	const text = await readSessionFile(file);
	if (text === null) return null;
	let state: Partial<State>;
	try {
		state = JSON.parse(text) as Partial<State>;
	} catch {
		throw new Error(`${file} is not an iLink state file (not JSON). Run "login --route ilink" again.`);
	}
	if (state?.format !== STATE_FORMAT || typeof state.session !== 'string') throw new Error(`${file} is not an iLink state file. Run "login --route ilink" again.`);
	return { format: STATE_FORMAT, session: state.session, cursor: typeof state.cursor === 'string' ? state.cursor : undefined, budget: state.budget };
}

/**
 * Writes the state, merging the budget with what is on disk now: a `listen`
 * and a `send` of the same account run side by side, each noting its part
 * (the owner's messages; the sends and a -2 block). `cursor: 'keep'` (send)
 * leaves the listener's cursor and session as they are. Call it under
 * `withStateLock`, or a write between our read and write would be undone.
 */
async function saveLocked(file: string, client: IlinkClient, cursor: 'ours' | 'keep'): Promise<void> {
	const onDisk = await readState(file).catch(() => null);
	const sameBot = onDisk ? sessionBot(onDisk.session) === client.botId : false;
	const budget = sameBot && onDisk ? mergeBudget(readBudget(onDisk.budget), client.budget()) : client.budget();
	const mine = cursor === 'ours' || !onDisk || !sameBot;
	const state: State = {
		format: STATE_FORMAT,
		session: mine ? client.toJSON() : onDisk.session,
		cursor: mine ? (client.hasSession ? client.cursor() : undefined) : onDisk.cursor,
		budget,
	};
	await writeSessionFile(file, JSON.stringify(state));
}

function sessionBot(json: string): string | undefined {
	try {
		return IlinkSession.fromJSON(json).botId;
	} catch {
		return undefined;
	}
}

/** The pair code: WeChat shows a number on the phone and the login waits for it here (stdin). */
function askCode(signal?: AbortSignal): Promise<string> {
	const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
	return new Promise((resolve, reject) => {
		let answered = false;
		const onAbort = () => {
			rl.close();
			reject(new Error('Login cancelled.'));
		};
		// stdin ended before a number came: fail the login rather than wait for ever.
		rl.once('close', () => {
			if (!answered) reject(new LoginFailedError('no number was entered (stdin closed)', 'Run login in a terminal and type the number WeChat shows on the phone.'));
		});
		signal?.addEventListener('abort', onAbort, { once: true });
		rl.question('WeChat shows a number on the phone: type it here and press Enter: ', (answer) => {
			answered = true;
			signal?.removeEventListener('abort', onAbort);
			rl.close();
			resolve(answer.trim());
		});
	});
}

async function showLoginEvent(e: IlinkLoginEvent, pngFile?: string): Promise<void> {
	if (e.type === 'qr') {
		console.error(`Scan this QR code with WeChat (ClawBot) to bind the bot (code ${e.attempt}):\n${await qrTerminal(e.url)}\n${e.url}`);
		if (pngFile) await fs.writeFile(pngFile, await qrPng(e.url));
	} else if (e.type === 'scanned') console.error('Scanned: confirm on the phone.');
	else if (e.type === 'verifyCodeNeeded') console.error(e.retry ? 'That number was wrong; try again.' : 'WeChat asks for the number shown on the phone.');
	else if (e.type === 'verifyCodeBlocked') console.error('Too many wrong numbers: WeChat blocked this QR code; a new one follows.');
	else if (e.type === 'qrExpired') console.error('The QR code expired; a new one follows.');
	else if (e.type === 'redirected') console.error('WeChat moved the login to another host; following it.');
	else if (e.type === 'confirmed') console.error('Confirmed on the phone.');
}

/** The budget as a user may see it: never the context token. */
function budgetOf(client: IlinkClient, chat: string): { windowExpiresAt: string | null; sendsLeft: number; blockedUntil: string | null } {
	const s = client.budgetStatus(chat);
	const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());
	return { windowExpiresAt: iso(s.windowExpiresAt), sendsLeft: s.sendsLeft, blockedUntil: iso(s.blockedUntil) };
}

export async function runIlink(cmd: IlinkCommand): Promise<number> {
	const client = new IlinkClient({ transport: new FetchTransport(), clock: nodeClock, logger: cmd.logger, originOverride: cmd.origin });
	const stored = await readState(cmd.stateFile);
	if (cmd.command === 'login') {
		if (stored) client.restore(stored.session, { cursor: stored.cursor, budget: stored.budget });
		await client.login({ signal: cmd.signal, verifyCode: ({ signal }) => askCode(signal), onEvent: (e) => showLoginEvent(e, cmd.qrPng) });
		await withStateLock(cmd.stateFile, () => saveLocked(cmd.stateFile, client, 'ours'));
		console.error(`Bound: bot ${client.botId ?? '?'} for owner ${client.ownerId ?? '?'}; state written to ${cmd.stateFile}.`);
		console.log(JSON.stringify({ loggedIn: true, route: 'ilink', botId: client.botId, ownerId: client.ownerId }));
		return 0;
	}
	if (!stored) {
		console.error(`No iLink state file at ${cmd.stateFile}. Run "login --route ilink" first.`);
		return 3;
	}
	client.restore(stored.session, { cursor: stored.cursor, budget: stored.budget });

	if (cmd.command === 'listen') {
		const journal = await DeliveryJournal.open(`${cmd.stateFile}.journal`);
		const out = (line: string) => writeLine(process.stdout, line);
		// Held lines go out now; their messages must not come again with an older cursor.
		client.markDelivered(journal.pendingIds());
		await journal.drain(out);
		console.error(`Listening as bot ${client.botId ?? '?'} (Ctrl-C to stop).`);
		for await (const ev of client.receive({ signal: cmd.signal })) {
			if (ev.type === 'batch') {
				// iLink hands a message out once: keep the batch before anything else, then move the cursor, then write.
				await journal.hold(ev.messages.map((m) => JSON.stringify(publicMessage(m))));
				await withStateLock(cmd.stateFile, () => saveLocked(cmd.stateFile, client, 'ours'));
				await journal.drain(out);
			} else if (ev.type === 'retrying') {
				console.error(`Connection trouble (${ev.error.message}); retry ${ev.attempt} in ${Math.round(ev.delayMs / 1000)} s.`);
			} else if (ev.type === 'recovered') {
				console.error('Connection recovered.');
			} else if (ev.type === 'stale') {
				throw ev.error;
			}
		}
		return 0;
	}

	if (cmd.command === 'send') {
		if (cmd.text === undefined && !cmd.file) {
			console.error('send needs --text or --file (and --to, default: the owner)');
			return 64;
		}
		// Read, check, send and write back under the lock: a listen's save or another send cannot slip in between.
		return await withStateLock(cmd.stateFile, async () => {
			const now = await readState(cmd.stateFile);
			if (now) client.restore(now.session, { cursor: now.cursor, budget: now.budget });
			const to = cmd.to ?? client.ownerId ?? '';
			try {
				if (cmd.file) {
					const data = await fs.readFile(cmd.file);
					const fileName = path.basename(cmd.file);
					const sent = await client.sendMedia(to, { data, fileName, mimeType: mimeTypeForExtension(fileName) }, { signal: cmd.signal });
					console.log(JSON.stringify({ sent: true, kind: sent.kind, size: sent.size, ...budgetOf(client, to) }));
				} else {
					const sent = await client.sendText(to, cmd.text ?? '', { signal: cmd.signal });
					console.log(JSON.stringify({ sent: true, pieces: sent.length, ...budgetOf(client, to) }));
				}
			} finally {
				// What the send used of the budget (or a -2 block) must outlive this process.
				await saveLocked(cmd.stateFile, client, 'keep');
			}
			return 0;
		});
	}
	console.error(`Unknown command "${cmd.command}".`);
	return 64;
}
