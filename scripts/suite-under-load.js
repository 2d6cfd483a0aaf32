#!/usr/bin/env node
'use strict';
// Runs the unit + engine suite (`npx jest`) several times in a row while CPU-heavy processes (busy loops) run beside
// it, as on a shared CI runner; stops at the first red run. Reports each run's time and totals.
//
//   node scripts/suite-under-load.js [runs=5] [busy loops=2]     (extra jest arguments after --)
const { spawn, spawnSync } = require('child_process');
const path = require('path');

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes === -1 ? args : args.slice(0, dashes);
const jestArgs = dashes === -1 ? [] : args.slice(dashes + 1);
const runs = Number(own[0] ?? 5);
const loops = Number(own[1] ?? 2);
const ROOT = path.join(__dirname, '..');

const busy = Array.from({ length: loops }, () =>
	spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBusy = () => busy.forEach((child) => child.kill('SIGKILL'));
process.on('exit', stopBusy);
process.on('SIGINT', () => process.exit(130));

const results = [];
for (let run = 1; run <= runs; run++) {
	const started = Date.now();
	const jest = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules/jest/bin/jest.js'), ...jestArgs],
		{
			cwd: ROOT,
			encoding: 'utf8',
			maxBuffer: 256 * 1024 * 1024,
		},
	);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	const output = `${jest.stdout}\n${jest.stderr}`;
	const tests = /Tests:\s+(.*)/.exec(output)?.[1] ?? 'no summary';
	const failed = output.split('\n').filter((line) => /^\s+●\s/.test(line) && !/Console/.test(line));
	results.push({ run, seconds, status: jest.status, tests });
	console.log(
		`run ${run}/${runs} with ${loops} busy loop(s): exit ${jest.status} in ${seconds} s: ${tests}`,
	);
	for (const line of [...new Set(failed)]) console.log(`  ${line.trim()}`);
	if (jest.status !== 0) {
		const log = path.join(require('os').tmpdir(), `suite-under-load-run${run}.log`);
		require('fs').writeFileSync(log, output);
		console.log(`  the whole output: ${log}`);
		break;
	}
}
stopBusy();
const green = results.filter((result) => result.status === 0).length;
console.log(
	`${green} of ${runs} runs green in a row under ${loops} busy loop(s) on ${require('os').availableParallelism()} cores`,
);
process.exit(green === runs ? 0 : 1);
