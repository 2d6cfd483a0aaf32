const os = require('os');

/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }],
	},
	setupFiles: ['<rootDir>/test/harness/setup.js'],
	// The package tests read dist/: build it first when it is missing or older than the sources.
	globalSetup: '<rootDir>/test/harness/build.js',
	testTimeout: 60000,
	// One worker per core this machine has (2 on CI), never more: the fault matrix's cells run side by side inside a
	// worker (each with a simulator of its own, maxConcurrency 5) because they mostly wait; more workers than cores
	// only make every timing noisier. ts-jest only transpiles here (isolatedModules); `npm run typecheck` checks the
	// types.
	maxWorkers: Math.max(1, os.availableParallelism()),
	maxConcurrency: 5,
};
