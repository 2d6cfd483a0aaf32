#!/usr/bin/env node
'use strict';
// npm run simulator [-- --port 8787 --token sim-token --latency 0 --gpt-image-answer url --lifetime 3600]
const { createSimulator } = require('./server');

function arg(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : fallback;
}

async function main() {
	const simulator = createSimulator({
		port: Number(arg('port', 8787)),
		token: arg('token', 'sim-token'),
		latencyMs: Number(arg('latency', 0)),
		gptImageAnswer: arg('gpt-image-answer', 'b64_json'),
		maxLifetimeMs: Number(arg('lifetime', 3600)) * 1000,
	});
	const url = await simulator.start();
	console.log(JSON.stringify({ url, token: simulator.config.token }));
	console.error(
		`AceData simulator on ${url} (token "${simulator.config.token}"); control: ${url}/__sim/requests. Ctrl-C stops it.`,
	);
	const stop = async () => {
		await simulator.stop();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
