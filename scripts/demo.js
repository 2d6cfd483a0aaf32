#!/usr/bin/env node
'use strict';
// npm run demo: runs examples/generate-and-save.json headless in a real n8n with this package loaded, and leaves
// the images in output/. Uses the local simulator, or the real API when ACEDATA_API_TOKEN is set.
const fs = require('fs');
const os = require('os');
const path = require('path');

const { startBackend } = require('./lib/backend');
const { N8n, ROOT } = require('./lib/n8n');

const TYPES = { '89504e47': 'image/png', ffd8ff: 'image/jpeg', 52494646: 'image/webp' };
const typeOf = (bytes) =>
	Object.entries(TYPES).find(([magic]) => bytes.toString('hex').startsWith(magic))?.[1] ??
	'unknown';

async function main() {
	const backend = await startBackend({ maxLifetimeMs: 15 * 60 * 1000 });
	console.log(`Using ${backend.label}.`);
	const outputDir = path.join(ROOT, 'output');
	fs.mkdirSync(outputDir, { recursive: true });
	const n8n = new N8n(require('./lib/versions.json').n8n2, {
		baseUrl: backend.baseUrl,
		token: backend.token,
		workflowDirs: [path.join(ROOT, 'examples')],
		outputDir,
		dir: fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-demo-')),
	});
	try {
		console.log('Preparing n8n 2.41.1 (the first run installs it into a cache: a few minutes)...');
		await n8n.setup();
		const started = Date.now();
		console.log('Running "AceData: generate images and save them to disk" headless...');
		const result = await n8n.execute('exGenerateSave01');
		const items = result.output('Write Files to Disk');
		if (result.code !== 0 || items.length === 0) {
			console.error(`The workflow failed:\n${result.error?.message ?? result.stderr.slice(-2000)}`);
			process.exitCode = 1;
			return;
		}
		console.log(
			`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Images saved by n8n's Write Files to Disk node:`,
		);
		for (const item of items) {
			const file = item.json.fileName;
			const bytes = fs.readFileSync(file);
			console.log(
				`  ${path.relative(process.cwd(), file)}  ${bytes.length} bytes  ${typeOf(bytes)}  (prompt: ${item.json.prompt})`,
			);
		}
	} finally {
		await backend.stop();
		n8n.cleanup();
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
