/** End-to-end suite: real n8n processes; see test/e2e/n8n.js. */
module.exports = {
	testEnvironment: 'node',
	reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	testTimeout: 300000,
	maxWorkers: 2,
};
