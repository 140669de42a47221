/** Queue-mode end-to-end suite: redis, an n8n main process and workers (test/e2e/*.queue.e2e.ts). */
const base = require('./jest.e2e.config.js');
/** @type {import('jest').Config} */
module.exports = {
	...base,
	testMatch: ['**/*.queue.e2e.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	// A single suite file: it starts its own main and worker, no shared n8n.
	globalSetup: undefined,
	globalTeardown: undefined,
};
