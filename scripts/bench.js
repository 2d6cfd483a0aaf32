#!/usr/bin/env node
'use strict';
// npm run bench: measures, in one run, what the node's design buys over the one-at-a-time baseline n8n users know,
// through n8n's real engine (n8n-core WorkflowExecute) against the simulator over loopback. Reported as ratios:
// the machine is shared and noisy, absolute times are not comparable across runs.
process.env.N8N_USER_FOLDER ??= require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'acedata-bench-'));
process.env.N8N_LOG_LEVEL = 'silent';

const { runNode } = require('../test/harness/engine');
const { createSimulator } = require('./simulator/server');

const ITEMS = Number(process.env.BENCH_ITEMS || 8);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 400);

async function main() {
	const simulator = createSimulator({ latencyMs: LATENCY_MS, imageSide: 256, maxLifetimeMs: 10 * 60 * 1000 });
	const baseUrl = await simulator.start();
	const credentials = { apiToken: simulator.config.token, baseUrl };
	const items = Array.from({ length: ITEMS }, (_, index) => ({ json: { prompt: `Poster ${index + 1}` } }));
	const generate = async (parameters) => {
		simulator.reset();
		const started = process.hrtime.bigint();
		const result = await runNode({
			parameters: { resource: 'image', operation: 'generate', model: 'gpt-image-1', prompt: '={{ $json.prompt }}', n: 1, ...parameters },
			items,
			credentials,
		});
		if (result.error) throw new Error(result.error.message);
		return { ms: Number(process.hrtime.bigint() - started) / 1e6, requests: simulator.requests.length, result };
	};

	console.log(`${ITEMS} input items, simulated generation time ${LATENCY_MS} ms each, PNG 256x256, real n8n engine\n`);
	await generate({ delivery: 'wait', options: {} }); // warm-up: module loading, first connections

	const serial = await generate({ delivery: 'wait', options: { concurrency: 1 } });
	const rows = [['Concurrency 1 (baseline, like n8n\'s OpenAI node)', serial.ms, 1]];
	for (const concurrency of [2, 4, 8]) {
		const run = await generate({ delivery: 'wait', options: { concurrency } });
		rows.push([`Concurrency ${concurrency}`, run.ms, serial.ms / run.ms]);
	}
	console.log('Wall time of one execution:');
	for (const [label, ms, speedup] of rows) {
		console.log(`  ${label.padEnd(50)} ${ms.toFixed(0).padStart(6)} ms   ${speedup.toFixed(2)}x faster`);
	}

	simulator.config.latencyMs = 0;
	simulator.config.taskPolls = 3;
	const polled = await generate({ delivery: 'poll', options: { pollInterval: 0.05, concurrency: 4 } });
	const pollRequests = simulator.requests.filter((entry) => entry.path === '/openai/tasks').length;
	const perTask = ITEMS * 3; // one retrieve per task per round, three rounds
	console.log('\nPolling (tasks finish on the third check):');
	console.log(`  task look-ups with one retrieve_batch per round: ${pollRequests}`);
	console.log(`  task look-ups polling each task separately:      ${perTask}`);
	console.log(`  ratio: ${(perTask / pollRequests).toFixed(1)}x fewer requests, ${ITEMS} images emitted: ${polled.result.items.length === ITEMS}`);
	await simulator.stop();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
