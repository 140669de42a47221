/**
 * What `npm start` puts into the sandbox's n8n, and what it tells the user:
 * one credential per route pointed at its simulator (the WeChat Web simulator,
 * the iLink simulator), the example workflows (each imported once, by name:
 * a later start adds new examples and leaves the ones there alone, edited or
 * deleted), and the Ready block naming both routes.
 */

/** The Web route's sandbox credential (`weChatWebApi`). */
export const SANDBOX_CREDENTIAL = { id: 'wechatSandbox001', name: 'WeChat Sandbox' };
/** The iLink route's sandbox credential (`weChatIlinkApi`). */
export const BOT_CREDENTIAL = { id: 'wechatBotSandbx1', name: 'WeChat Bot (sandbox)' };

/** What has been imported into this user folder (so a later start neither repeats nor misses it). */
export interface Imported {
	/** The Web simulator's origin the Web credential points at. */
	sandboxOrigin?: string;
	/** The iLink simulator's origin the bot credential points at. */
	ilinkOrigin?: string;
	/** Before names were recorded: the examples of that time were imported. */
	workflows?: boolean;
	/** Names of the examples imported (or found there) so far. */
	workflowNames?: string[];
	owner?: boolean;
}

export interface Example {
	file: string;
	workflow: Record<string, unknown>;
}

/** The n8n side the setup needs (N8nInstance, or a fake in the unit tests). */
export interface SandboxN8n {
	importCredentials(creds: unknown[]): Promise<void>;
	importWorkflows(workflows: unknown[]): Promise<void>;
	activateOffline(id: string): Promise<void>;
	/** `id` and `name` of every workflow in the database. */
	listWorkflows(): Promise<Array<{ id: string; name: string }>>;
}

export function webCredential(origin: string): Record<string, unknown> {
	return {
		...SANDBOX_CREDENTIAL,
		type: 'weChatWebApi',
		data: { loginMode: 'desktop', originOverride: origin, minSendIntervalSeconds: 1, maxSendsPerMinute: 30, sessionImport: '', session: '', sessionRevision: '' },
	};
}

/** The bot credential: WeChat's own limits (10 sends per owner message, 23 of the 24 hours), pointed at the iLink simulator. */
export function botCredential(origin: string): Record<string, unknown> {
	return {
		...BOT_CREDENTIAL,
		type: 'weChatIlinkApi',
		data: { pairCode: '', sessionImport: '', sendsPerMessage: 10, windowHours: 23, throttleMinutes: 30, originOverride: origin, session: '', budget: '', checkpoint: '', sessionRevision: '' },
	};
}

function nameOf(e: Example): string {
	return String(e.workflow.name ?? e.file);
}

/**
 * The examples to import now: those not recorded as imported. When this user
 * folder had examples imported before (`known`), the database is asked too, so
 * a workflow already there (same name or id, also from before names were
 * recorded) is never overwritten.
 */
export function examplesToImport(examples: Example[], imported: Imported, inDatabase: Array<{ id: string; name: string }> | undefined): { todo: Example[]; present: string[] } {
	const recorded = new Set(imported.workflowNames ?? []);
	const names = new Set(inDatabase?.map((w) => w.name) ?? []);
	const ids = new Set(inDatabase?.map((w) => w.id) ?? []);
	const todo: Example[] = [];
	const present: string[] = [];
	for (const e of examples) {
		if (recorded.has(nameOf(e))) continue;
		if (names.has(nameOf(e)) || ids.has(String(e.workflow.id))) present.push(nameOf(e));
		else todo.push(e);
	}
	return { todo, present };
}

/** Whether anything is left to do for these origins and examples (so a start with nothing new skips the phase). */
export function sandboxImportNeeded(imported: Imported, webOrigin: string, ilinkOrigin: string | undefined, examples: Example[]): boolean {
	if (imported.sandboxOrigin !== webOrigin) return true;
	if (ilinkOrigin !== undefined && imported.ilinkOrigin !== ilinkOrigin) return true;
	const recorded = new Set(imported.workflowNames ?? []);
	return examples.some((e) => !recorded.has(nameOf(e)));
}

/** Credentials (again when a simulator moved), then the examples not there yet; examples marked `activeInSandbox` are activated. */
export async function importSandbox(n8n: SandboxN8n, webOrigin: string, ilinkOrigin: string | undefined, examples: Example[], imported: Imported, save: () => void): Promise<{ workflows: string[] }> {
	const creds: unknown[] = [];
	if (imported.sandboxOrigin !== webOrigin) creds.push(webCredential(webOrigin));
	if (ilinkOrigin !== undefined && imported.ilinkOrigin !== ilinkOrigin) creds.push(botCredential(ilinkOrigin));
	if (creds.length) {
		await n8n.importCredentials(creds);
		imported.sandboxOrigin = webOrigin;
		if (ilinkOrigin !== undefined) imported.ilinkOrigin = ilinkOrigin;
		save();
	}
	const known = imported.workflows === true || (imported.workflowNames?.length ?? 0) > 0;
	const pending = examples.filter((e) => !(imported.workflowNames ?? []).includes(nameOf(e)));
	if (!pending.length) return { workflows: [] };
	const { todo, present } = examplesToImport(examples, imported, known ? await n8n.listWorkflows() : undefined);
	const names = new Set([...(imported.workflowNames ?? []), ...present]);
	for (const e of todo) {
		await n8n.importWorkflows([e.workflow]);
		if ((e.workflow.meta as { activeInSandbox?: boolean } | undefined)?.activeInSandbox) await n8n.activateOffline(String(e.workflow.id));
		names.add(nameOf(e));
		imported.workflowNames = [...names];
		save();
	}
	imported.workflowNames = [...names];
	imported.workflows = true;
	save();
	return { workflows: todo.map(nameOf) };
}

export interface ReadyInfo {
	editorUrl: string;
	ownerEmail: string;
	/** "password Sandbox1234!" or "password in <file>". */
	passwordNote: string;
	webPhoneUrl?: string;
	botChatUrl?: string;
	logFile: string;
	elapsed: string;
}

/** The lines printed when everything answers: the editor, both routes side by side, the log. */
export function readyLines(r: ReadyInfo): string[] {
	const out = ['', `  n8n editor:  ${r.editorUrl}   (owner ${r.ownerEmail}, ${r.passwordNote})`];
	if (r.webPhoneUrl && r.botChatUrl) {
		const col = Math.max(r.webPhoneUrl.length, r.botChatUrl.length) + 2;
		const pad = (s: string) => s.padEnd(col);
		out.push(
			'',
			'  WeChat sandbox: two routes, the same nodes (their Route setting picks one); each has its phone page:',
			`    Route  Phone page${' '.repeat(col - 10)}What it is`,
			`    Web    ${pad(r.webPhoneUrl)}your whole account (every chat, groups); WeChat refuses most real accounts on it since 2025`,
			`    iLink  ${pad(r.botChatUrl)}the official bot: one bot chat with you; works for every account`,
			'',
			`  Web:   "WeChat sandbox: echo bot" is active (credential "${SANDBOX_CREDENTIAL.name}"): on its phone page press Scan,`,
			'         then Confirm, write to a chat and see the answer arrive in it.',
			`  iLink: "WeChat bot: AI assistant" is active (credential "${BOT_CREDENTIAL.name}"): on the bot chat press Scan,`,
			'         then Confirm, write to the bot and see it answer; "WeChat bot: notify me" shows sending within the limits.',
			'  Each run is listed in n8n under Executions.',
		);
	} else if (r.webPhoneUrl) {
		out.push(`  WeChat sandbox:  ${r.webPhoneUrl}   (the phone: scan and confirm the login, then chat)`);
	} else {
		out.push(
			'  Real account: create a "WeChat Bot (iLink) API" credential (the official bot, works for every account) or a',
			'  "WeChat Web Account" one (refused for most accounts since 2025), add a WeChat Web Trigger with that Route',
			'  and activate the workflow; the QR code arrives on its Login Events output and in this terminal.',
		);
	}
	out.push(`  n8n log:     ${r.logFile}`, `  Ready in ${r.elapsed}. Ctrl-C stops n8n and the sandbox.`);
	return out;
}
