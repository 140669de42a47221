#!/usr/bin/env node
/**
 * `npx n8n-nodes-wechat-web <login|listen|send>` — the protocol client's first
 * user, and how a session is made outside n8n. Runs under plain Node, so it is
 * the one place (with node-runtime.ts) allowed Node globals and modules.
 */
/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { WeChatClient } from '../wechat/client';
import { RouteError } from '../route-errors';
import type { Logger } from '../wechat/http';
import type { LoginEvent } from '../wechat/login';
import { qrPng, qrTerminal } from '../wechat/qr';
import type { LoginMode } from '../wechat/session';
import { runIlink } from './ilink';
import { DeliveryJournal, writeLine } from './journal';
import { FetchTransport, nodeClock } from './node-runtime';
import { readSessionFile, writeSessionFile } from './session-file';

const USAGE = `Usage: n8n-nodes-wechat-web <command> [options]

Commands:
  login                      Log in (push login if the session file names a known account, else QR)
  listen                     Print one JSON line per incoming message
  send --to NAME --text T    Send a text (or --file PATH for an image, video or file);
                             on --route ilink --to defaults to the owner

Options:
  --route ROUTE     web (WeChat Web/UOS, default) or ilink (WeChat's official bot API: the bot chat
                    of the account that scans; no groups or other contacts)
  --origin URL      Send every request to this origin (e.g. the sandbox http://127.0.0.1:8790)
  --mode MODE       desktop (UOS, default) or web
  --session FILE    Session file (default ./wechat-session.json, ./wechat-ilink-session.json for
                    --route ilink; written with mode 0600)
  --qr-png FILE     login: also write the QR code as PNG
  --no-push         login: skip push login, always show a QR code
  --history         listen: also print messages from before the login
`;

/** Exit codes, so scripts can tell the cases apart. */
const EXIT = { ok: 0, usage: 64, refused: 2, loggedOut: 3, contact: 4, network: 5, budget: 6, failed: 1 } as const;

const stderrLogger: Logger = {
	debug: () => {},
	info: (m) => console.error(m),
	warn: (m) => console.error(`warning: ${m}`),
};

function exitCodeFor(err: unknown): number {
	if (!(err instanceof RouteError)) return EXIT.failed;
	switch (err.code) {
		case 'LOGIN_REFUSED':
		case 'LOGIN_FAILED':
			return EXIT.refused;
		case 'LOGGED_OUT':
		case 'NOT_LOGGED_IN':
		case 'SESSION_STALE':
			return EXIT.loggedOut;
		case 'THROTTLED':
		case 'WINDOW_CLOSED':
		case 'QUOTA_EXHAUSTED':
			return EXIT.budget;
		case 'UNKNOWN_CONTACT':
		case 'AMBIGUOUS_CONTACT':
			return EXIT.contact;
		case 'NETWORK':
			return EXIT.network;
		default:
			return EXIT.failed;
	}
}

function oneLine(err: unknown): string {
	if (err instanceof RouteError) return `${err.message}${err.hint ? ` ${err.hint}` : ''}`;
	return err instanceof Error ? err.message : String(err);
}

async function main(argv: string[]): Promise<number> {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			origin: { type: 'string' },
			route: { type: 'string', default: 'web' },
			mode: { type: 'string', default: 'desktop' },
			session: { type: 'string' },
			'qr-png': { type: 'string' },
			'no-push': { type: 'boolean', default: false },
			history: { type: 'boolean', default: false },
			to: { type: 'string' },
			text: { type: 'string' },
			file: { type: 'string' },
			help: { type: 'boolean', short: 'h', default: false },
		},
	});
	const command = positionals[0];
	if (values.help || !command) {
		(values.help ? console.log : console.error)(USAGE);
		return values.help ? EXIT.ok : EXIT.usage;
	}
	if (values.route !== 'web' && values.route !== 'ilink') {
		console.error('--route must be web or ilink');
		return EXIT.usage;
	}
	if (values.route === 'ilink') {
		const controller = new AbortController();
		const onSignal = () => controller.abort();
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
		try {
			return await runIlink({
				command,
				stateFile: values.session ?? './wechat-ilink-session.json',
				origin: values.origin,
				qrPng: values['qr-png'],
				to: values.to,
				text: values.text,
				file: values.file,
				signal: controller.signal,
				logger: stderrLogger,
			});
		} catch (err) {
			if (controller.signal.aborted) return EXIT.ok;
			console.error(`error: ${oneLine(err)}`);
			return exitCodeFor(err);
		}
	}
	if (values.mode !== 'desktop' && values.mode !== 'web') {
		console.error('--mode must be desktop or web');
		return EXIT.usage;
	}
	const mode = values.mode as LoginMode;
	const sessionFile = values.session ?? './wechat-session.json';
	const client = new WeChatClient({ transport: new FetchTransport(), clock: nodeClock, logger: stderrLogger, originOverride: values.origin, mode });
	const controller = new AbortController();
	const onSignal = () => controller.abort();
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	const save = () => writeSessionFile(sessionFile, client.toJSON());

	try {
		if (command === 'login') {
			const stored = await readSessionFile(sessionFile);
			let previous = null;
			if (stored && !values['no-push']) {
				try {
					previous = (await import('../wechat/session')).Session.fromJSON(stored);
				} catch {
					previous = null;
				}
			}
			await client.login({ previous, mode, signal: controller.signal, onEvent: (e) => showLoginEvent(e, values['qr-png']) });
			await save();
			const user = client.user;
			console.error(`Logged in as ${user?.NickName ?? '?'}; session written to ${sessionFile}.`);
			console.log(JSON.stringify({ loggedIn: true, nickName: user?.NickName, userName: user?.UserName }));
			return EXIT.ok;
		}

		const stored = await readSessionFile(sessionFile);
		if (!stored) {
			console.error(`No session file at ${sessionFile}. Run "n8n-nodes-wechat-web login" first.`);
			return EXIT.loggedOut;
		}
		await client.restore(stored, { signal: controller.signal });
		await save();

		if (command === 'listen') {
			// What a previous run received but could not write out comes first.
			const journal = await DeliveryJournal.open(`${sessionFile}.journal`);
			const out = (line: string) => writeLine(process.stdout, line);
			// Held lines go out now; their messages must not come again with an older SyncKey.
			client.markDelivered(journal.pendingIds());
			await journal.drain(out);
			console.error(`Listening as ${client.user?.NickName ?? '?'} (Ctrl-C to stop).`);
			for await (const ev of client.receive({ signal: controller.signal, includeHistory: values.history })) {
				if (ev.type === 'messages') {
					// Kept before the position moves past it, written out after: a kill anywhere loses nothing.
					await journal.hold(ev.messages.map((m) => JSON.stringify(m)));
					await save();
					await journal.drain(out);
				} else if (ev.type === 'retrying') {
					console.error(`Connection trouble (${ev.error.message}); retry ${ev.attempt} in ${Math.round(ev.delayMs / 1000)} s.`);
				} else if (ev.type === 'recovered') {
					console.error('Connection recovered.');
				} else if (ev.type === 'contacts') {
					await save();
				} else if (ev.type === 'loggedOut') {
					await save();
					throw ev.error;
				}
			}
			return EXIT.ok;
		}

		if (command === 'send') {
			if (!values.to || (values.text === undefined && !values.file)) {
				console.error('send needs --to and --text or --file');
				return EXIT.usage;
			}
			const to = client.resolveContact(values.to).UserName;
			let result;
			if (values.file) {
				const bytes = await fs.readFile(values.file);
				result = await client.sendFile(to, { bytes, fileName: path.basename(values.file) }, controller.signal);
			} else {
				result = await client.sendText(to, values.text as string, controller.signal);
			}
			await save();
			console.log(JSON.stringify({ msgId: result.msgId, localId: result.localId, to }));
			return EXIT.ok;
		}

		console.error(`Unknown command "${command}".\n${USAGE}`);
		return EXIT.usage;
	} catch (err) {
		if (controller.signal.aborted) return EXIT.ok;
		console.error(`error: ${oneLine(err)}`);
		return exitCodeFor(err);
	} finally {
		process.removeListener('SIGINT', onSignal);
		process.removeListener('SIGTERM', onSignal);
	}
}

async function showLoginEvent(e: LoginEvent, pngFile: string | undefined): Promise<void> {
	if (e.type === 'qr') {
		console.error(`Scan this QR code with WeChat on your phone (${e.url}):`);
		console.error(await qrTerminal(e.url));
		if (pngFile) await fs.writeFile(pngFile, await qrPng(e.url));
		console.log(JSON.stringify({ event: 'qr', uuid: e.uuid, url: e.url }));
	} else if (e.type === 'pushSent') {
		console.error('Confirm the login on your phone.');
		console.log(JSON.stringify({ event: 'pushSent', uuid: e.uuid }));
	} else if (e.type === 'scanned') {
		console.error('Scanned; confirm on the phone.');
	} else if (e.type === 'qrExpired') {
		console.error('The QR code expired; here is a new one.');
	} else if (e.type === 'pushFailed') {
		console.error(`Push login not possible (${e.reason}); falling back to a QR code.`);
	}
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(err) => {
		console.error(`error: ${oneLine(err)}`);
		process.exit(EXIT.failed);
	},
);
