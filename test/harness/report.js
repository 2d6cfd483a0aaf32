'use strict';
// Prints a line with the test output (the .ts tests may not use the console under n8n's lint rules).
function report(line) {
	process.stdout.write(`${line}\n`);
}

module.exports = { report };
