/**
 * One sentence of remedy for the failures a person meets when installing and
 * starting n8n, recognised from the failing command's own output.
 */

const BUILD_TOOLS = 'install a C++ tool chain and Python (Debian/Ubuntu: `apt-get install -y build-essential python3`), then run `npm start` again';

const RULES: Array<[RegExp, string]> = [
	[/ENOSPC|no space left on device/i, 'the disk is full: free some space (or delete .n8n-runtime/ and let `npm start` rebuild it), then run `npm start` again'],
	[
		/E(AI_AGAIN|NOTFOUND|CONNREFUSED|CONNRESET|TIMEDOUT)\b.*registry|request to https?:\/\/\S+ failed|network (request|connectivity)|getaddrinfo/i,
		'npm could not reach its registry: check the network (and any proxy setting in ~/.npmrc or HTTPS_PROXY), then run `npm start` again',
	],
	[/EACCES|permission denied/i, 'a file could not be written: run `npm start` as the user who owns this folder (or fix the folder’s permissions), then again'],
	[/(make|g\+\+|gcc|cc1plus|c\+\+): (command )?not found|not found: make|gyp ERR!.*(find|not found).*(make|compiler)/i, `a native module needs compiling and no compiler was found: ${BUILD_TOOLS}`],
	[/gyp ERR!.*[Pp]ython|Could not find any Python|find Python/, `a native module needs Python to build: ${BUILD_TOOLS}`],
	[/gyp ERR!|node-gyp|Error: Cannot find module .*\.node|NODE_MODULE_VERSION|invalid ELF header|wrong ELF class/, `a native module did not build for this Node: ${BUILD_TOOLS}`],
	[/SQLite package has not been found installed|sqlite3/i, `sqlite3 is not usable under the Node that runs n8n: ${BUILD_TOOLS}`],
	[/Node\.js version .* is currently not supported|engines/i, 'n8n was started with the wrong Node version: delete .n8n-runtime/node24 and run `npm start` again so the launcher reinstalls Node 24'],
	[/EADDRINUSE|address already in use/i, 'a port is already in use: stop the program holding it, or choose other ports with N8N_PORT=… and WECHAT_SANDBOX_PORT=…'],
	[/ENOMEM|JavaScript heap out of memory|Killed/i, 'the machine ran out of memory: close other programs (n8n needs about 1 GB), then run `npm start` again'],
];

/** The remedy for a failure whose output is `output`; the log file is named when nothing matches. */
export function explain(output: string, logFile?: string): string {
	for (const [pattern, remedy] of RULES) if (pattern.test(output)) return remedy;
	return `read the lines above${logFile ? ` (the whole output is in ${logFile})` : ''}; if the cause is unclear, delete .n8n-runtime/ and run \`npm start\` again`;
}
