#!/usr/bin/env node
'use strict';
// npm run demo: runs examples/generate-and-save.json headless in a real n8n with this package loaded, and leaves
// the images in output/. Uses the local simulator, or the real API when ACEDATA_API_TOKEN is set.
const fs = require('fs');
const os = require('os');
const path = require('path');

const { createSimulator } = require('./simulator/server');
const { N8n, ROOT } = require('./lib/n8n');

const TYPES = { '89504e47': 'image/png', ffd8ff: 'image/jpeg', '52494646': 'image/webp' };
const typeOf = (bytes) => Object.entries(TYPES).find(([magic]) => bytes.toString('hex').startsWith(magic))?.[1] ?? 'unknown';

async function main() {
	const realToken = process.env.ACEDATA_API_TOKEN;
	let simulator;
	let baseUrl = process.env.ACEDATA_BASE_URL || 'https://api.acedata.cloud';
	let token = realToken;
	if (!realToken) {
		simulator = createSimulator({ imageSide: 256, maxLifetimeMs: 15 * 60 * 1000 });
		baseUrl = await simulator.start();
		token = simulator.config.token;
		console.log(`Using the local AceData simulator at ${baseUrl} (set ACEDATA_API_TOKEN to use the real API).`);
	} else {
		console.log(`Using the real AceData API at ${baseUrl}.`);
	}
	const outputDir = path.join(ROOT, 'output');
	fs.mkdirSync(outputDir, { recursive: true });
	const n8n = new N8n('2.41.1', {
		baseUrl,
		token,
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
		console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Images saved by n8n's Write Files to Disk node:`);
		for (const item of items) {
			const file = item.json.fileName;
			const bytes = fs.readFileSync(file);
			console.log(`  ${path.relative(process.cwd(), file)}  ${bytes.length} bytes  ${typeOf(bytes)}  (prompt: ${item.json.prompt})`);
		}
	} finally {
		await simulator?.stop();
		n8n.cleanup();
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
