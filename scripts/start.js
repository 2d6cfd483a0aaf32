#!/usr/bin/env node
'use strict';
// npm start: n8n 2.41.1 with this package loaded and the example workflows imported, editor on
// http://localhost:5678, with an "AceData Cloud account" credential ready (the local simulator, or the real API
// when ACEDATA_API_TOKEN is set). Ctrl-C stops n8n and the simulator.
const os = require('os');
const path = require('path');

const { startBackend } = require('./lib/backend');
const { N8n, ROOT } = require('./lib/n8n');

async function main() {
	const backend = await startBackend({ port: 8787, maxLifetimeMs: 12 * 60 * 60 * 1000 });
	const cache =
		process.env.ACEDATA_N8N_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-acedata-images');
	const n8n = new N8n(require('./lib/versions.json').n8n2, {
		baseUrl: backend.baseUrl,
		token: backend.token,
		workflowDirs: [path.join(ROOT, 'examples')],
		dir: path.join(cache, 'start'),
		outputDir: path.join(ROOT, 'output'),
		serverPort: 5678,
	});
	console.log('Preparing n8n 2.41.1 (the first run installs it into a cache: a few minutes)...');
	await n8n.setup();
	console.log('Starting n8n...');
	const server = await n8n.serve({ verbose: true });
	console.log(
		`\nn8n is ready on http://localhost:5678 with the examples imported; credential "AceData Cloud account" → ${backend.label}. Ctrl-C stops everything.`,
	);
	const stop = async () => {
		await server.stop();
		await backend.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.child.on('exit', async (code) => {
		await backend.stop();
		process.exit(code ?? 0);
	});
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
