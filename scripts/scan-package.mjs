#!/usr/bin/env node
// Runs n8n's community package scanner (@n8n/scan-community-package, what n8n's verification runs) on the source
// and on an unpacked tarball folder, as n8n scans a published version; prints one JSON line per target, exits 1 if any fails.
//   node scripts/scan-package.mjs <source dir> [<unpacked tarball dir>]
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const [source, tarball] = process.argv.slice(2);
let failed = false;
// The same two legs as n8n's own scan of a published version: the source with its patterns, the tarball's
// compiled .js and package.json.
for (const [target, dir, patterns] of [
	['source', source, SOURCE_FILE_PATTERNS],
	['tarball', tarball, ['**/*.js', 'package.json']],
]) {
	if (!dir) continue;
	const result = await analyzePackage(dir, patterns);
	failed ||= !result.passed;
	console.log(
		JSON.stringify({
			target,
			passed: result.passed,
			message: result.message,
			details: result.details,
		}),
	);
}
process.exit(failed ? 1 : 0);
