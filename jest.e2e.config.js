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
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
};
