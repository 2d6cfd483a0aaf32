/** End-to-end suite: one served n8n per version (test/e2e/suite.js), the two versions side by side. */
module.exports = {
	testEnvironment: 'node',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	testTimeout: 300000,
	maxWorkers: 2,
};
