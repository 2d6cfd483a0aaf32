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
};
