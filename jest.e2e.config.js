/** End-to-end suites: a real n8n process (see sandbox/launcher/n8n-instance.ts). */
/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	// Queue mode has its own suite: npm run test:e2e:queue (jest.queue.config.js).
	testPathIgnorePatterns: ['/node_modules/', '\\.queue\\.e2e\\.ts$'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
	},
	// One n8n per line for the whole run, started by the first suite that needs it (test/e2e/shared-n8n.ts).
	globalSetup: '<rootDir>/test/e2e/global-setup.ts',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
	testTimeout: 15 * 60 * 1000,
	// One suite at a time, in jest's own process: the suites take turns with the shared n8n.
	maxWorkers: 1,
};
