#!/usr/bin/env node
'use strict';
// npm run bench: this node beside n8n's own OpenAI node, in the same real n8n (2.41.1), in the same run, against
// the simulator over loopback (n8n's OpenAI credential points its Base URL at it). Each workflow is
// Manual Trigger → Set (20 prompts) → Split Out → the image node; the time is the image node's own execution time
// from n8n's run data. Reported with the floor `ceil(items / concurrency) × latency` and as ratios: the machine is
// shared and noisy, absolute times are not comparable across runs.
const fs = require('fs');
const os = require('os');
const path = require('path');

const { N8n } = require('./lib/n8n');
const { createSimulator } = require('./simulator/server');

const ITEMS = Number(process.env.BENCH_ITEMS || 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 1000);
const VERSION = process.env.BENCH_N8N || '2.41.1';
const TOKEN = 'sk-bench-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function workflow(id, imageNode, prompts) {
	const node = (name, type, typeVersion, position, parameters, extra = {}) => ({ id: name, name, type, typeVersion, position, parameters, ...extra });
	return {
		id,
		name: id,
		active: false,
		nodes: [
			node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, [0, 0], {}),
			node('Prompts', 'n8n-nodes-base.set', 3.4, [200, 0], {
				mode: 'raw',
				jsonOutput: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }),
				options: {},
			}),
			node('Split Out', 'n8n-nodes-base.splitOut', 1, [400, 0], { fieldToSplitOut: 'prompts', options: {} }),
			{ id: 'Image', name: 'Image', position: [600, 0], ...imageNode },
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'Image', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const aceData = (concurrency) => ({
	type: 'n8n-nodes-acedata-images.aceDataImages',
	typeVersion: 1,
	parameters: { model: 'gpt-image-1', prompt: '={{ $json.prompt }}', size: '1024x1024', options: { concurrency } },
	credentials: { aceDataCloudApi: { id: '__CREDENTIAL_ID__', name: 'AceData Cloud account' } },
});

const openAi = {
	type: '@n8n/n8n-nodes-langchain.openAi',
	typeVersion: 2.1,
	parameters: { resource: 'image', operation: 'generate', model: 'gpt-image-1', prompt: '={{ $json.prompt }}', options: {} },
	credentials: { openAiApi: { id: 'benchOpenAi', name: 'OpenAI (simulator)' } },
};

async function main() {
	const simulator = createSimulator({ token: TOKEN, latencyMs: LATENCY_MS, imageSide: 256, maxLifetimeMs: 20 * 60 * 1000 });
	const baseUrl = await simulator.start();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-bench-'));
	const workflows = path.join(dir, 'workflows');
	fs.mkdirSync(workflows);
	const prompts = Array.from({ length: ITEMS }, (_, index) => `Poster ${index + 1}, a lighthouse at dawn`);
	const cases = [
		['benchOpenAi', "n8n's OpenAI node (one item at a time)", openAi, prompts, 1],
		['benchAceData1', 'AceData Cloud Images, Concurrency 1', aceData(1), prompts, 1],
		['benchAceData8', 'AceData Cloud Images, Concurrency 8', aceData(8), prompts, 8],
		['benchAceData20', 'AceData Cloud Images, Concurrency 20', aceData(20), prompts, 20],
		['benchAceDataOne', 'AceData Cloud Images, one image alone', aceData(1), prompts.slice(0, 1), 1],
	];
	for (const [id, , node, list] of cases) fs.writeFileSync(path.join(workflows, `${id}.json`), JSON.stringify(workflow(id, node, list)));

	const n8n = new N8n(VERSION, {
		baseUrl,
		token: TOKEN,
		workflowDirs: [workflows],
		extraCredentials: [{ id: 'benchOpenAi', name: 'OpenAI (simulator)', type: 'openAiApi', data: { apiKey: TOKEN, url: `${baseUrl}/v1` } }],
	});
	try {
		await n8n.setup();
		console.log(`n8n ${VERSION}, ${ITEMS} prompts, simulated generation ${LATENCY_MS} ms each, ${os.cpus().length} cores\n`);
		const results = [];
		for (const [id, label, , list, concurrency] of cases) {
			simulator.reset();
			const run = await n8n.execute(id);
			const task = run.data?.data?.resultData?.runData?.Image?.[0];
			if (run.code !== 0 || !task) throw new Error(`${id} failed: ${run.stderr.slice(-2000)}`);
			const items = task.data?.main?.[0]?.length ?? 0;
			const floor = Math.ceil(list.length / concurrency) * LATENCY_MS;
			results.push({ label, ms: task.executionTime, floor, items, billed: simulator.billed().length });
		}
		const anchor = results[0].ms;
		console.log(`${'node'.padEnd(40)} ${'time'.padStart(8)} ${'floor'.padStart(8)} ${'× floor'.padStart(8)} ${'× faster than OpenAI node'.padStart(26)} images`);
		for (const row of results) {
			console.log(
				`${row.label.padEnd(40)} ${`${row.ms} ms`.padStart(8)} ${`${row.floor} ms`.padStart(8)} ${(row.ms / row.floor).toFixed(2).padStart(8)} ${(anchor / row.ms).toFixed(2).padStart(26)} ${row.items}`,
			);
		}
		const single = results[results.length - 1];
		console.log(`\none image alone: ${single.ms - LATENCY_MS} ms over the ${LATENCY_MS} ms of simulated generation (${(((single.ms - LATENCY_MS) / LATENCY_MS) * 100).toFixed(1)} %)`);
	} finally {
		await simulator.stop();
		n8n.cleanup();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
