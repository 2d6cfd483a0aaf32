/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	setupFiles: ['<rootDir>/test/harness/setup.js'],
	testTimeout: 60000,
	// Jest's default on 2 cores is one worker. The fault matrix (three files: wait/poll, submit/callback, park) mostly
	// waits on back-off, Timeout and Max Wait; its cells run side by side (each has a simulator of its own, jest's
	// maxConcurrency 5), and four workers let the CPU-bound property tests run while the matrix waits. ts-jest only
	// transpiles here (isolatedModules); `npm run typecheck` checks the types.
	maxWorkers: 4,
	maxConcurrency: 5,
};
