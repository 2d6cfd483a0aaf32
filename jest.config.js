/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	setupFiles: ['<rootDir>/test/harness/setup.js'],
	testTimeout: 60000,
	// Jest's default on 2 cores is one worker. The fault matrix is split in three files (wait/poll, submit/callback,
	// park) that mostly wait on simulated latency and back-off, so three workers fit 2 cores (measured: 113 s with
	// two workers, 79 s with three).
	maxWorkers: 3,
};
