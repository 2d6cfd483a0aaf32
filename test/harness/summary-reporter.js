'use strict';
// Adds each jest run's counts to $JEST_SUMMARY_FILE (when set), so .ci/run can print one closing line for the
// unit and end-to-end runs together.
const fs = require('fs');

class SummaryReporter {
	onRunComplete(_contexts, results) {
		const file = process.env.JEST_SUMMARY_FILE;
		if (!file) return;
		const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
		fs.appendFileSync(file, `${results.numPassedTests} ${failed} ${results.numPendingTests}\n`);
	}
}

module.exports = SummaryReporter;
