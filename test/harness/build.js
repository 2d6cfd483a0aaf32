'use strict';
// jest's globalSetup: the package tests (package.test.js, zodVersions.test.js) read dist/, so dist/ is built first
// when it is missing or older than anything it is built from. `npm test` has just built it, and this costs nothing.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = [
	'nodes',
	'credentials',
	'package.json',
	'tsconfig.json',
	'gulpfile.js',
	'index.js',
];

/** Every file under `entry` (a file or a folder), with its modification time. */
function* files(entry) {
	const stat = fs.statSync(entry, { throwIfNoEntry: false });
	if (!stat) return;
	if (!stat.isDirectory()) {
		yield stat.mtimeMs;
		return;
	}
	for (const name of fs.readdirSync(entry)) yield* files(path.join(entry, name));
}

function isStale() {
	const built = [...files(path.join(ROOT, 'dist'))];
	if (built.length === 0) return true;
	const newestSource = Math.max(...SOURCES.flatMap((entry) => [...files(path.join(ROOT, entry))]));
	return newestSource > Math.min(...built);
}

module.exports = async function buildIfStale() {
	if (!isStale()) return;
	process.stdout.write('\n[build] dist/ is missing or older than the sources: npm run build\n');
	// Remove stale outputs first: a file deleted from the sources must not linger in the tests' dist/.
	fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
	execFileSync('npm', ['run', 'build', '--silent'], {
		cwd: ROOT,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
};
