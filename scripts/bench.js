#!/usr/bin/env node
'use strict';
// npm run bench: this node beside n8n's own OpenAI node, in the same served n8n (2.41.1), in the same run, against
// the simulator over loopback (n8n's OpenAI credential points its Base URL at it). Each workflow is
// Manual Trigger → Set (20 prompts) → Split Out → the image node; the time is the image node's own execution time
// from n8n's run data. Reported with the floor `ceil(items / concurrency) × latency` and as ratios: the machine is
// shared and noisy, absolute times are not comparable across runs.
const fs = require('fs');
const os = require('os');
const path = require('path');

const { N8n } = require('./lib/n8n');
const { createSimulator } = require('./simulator/server');
const { makePng, padPng } = require('./simulator/images');

const ITEMS = Number(process.env.BENCH_ITEMS || 20);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS || 1000);
const VERSION = process.env.BENCH_N8N || require('./lib/versions.json').n8n2;
const RUNS = Number(process.env.BENCH_RUNS || 3);
const MEMORY_IMAGE_MB = Number(process.env.BENCH_IMAGE_MB || 20);
const MEMORY_IMAGES = 16;
const PROFILE = process.env.BENCH_PROFILE;
/** Which parts to run: `time`, `memory` or both (the default). */
const PARTS = (process.env.BENCH_PARTS || 'time,memory').split(',');
const TOKEN = 'sk-bench-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

const node = (name, type, typeVersion, position, parameters) => ({
	id: name,
	name,
	type,
	typeVersion,
	position,
	parameters,
});

function workflow(id, imageNode, prompts) {
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
			node('Split Out', 'n8n-nodes-base.splitOut', 1, [400, 0], {
				fieldToSplitOut: 'prompts',
				options: {},
			}),
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
	parameters: {
		model: 'gpt-image-1',
		prompt: '={{ $json.prompt }}',
		size: '1024x1024',
		options: { concurrency },
	},
	credentials: { aceDataCloudApi: { id: '__CREDENTIAL_ID__', name: 'AceData Cloud account' } },
});

const openAi = {
	type: '@n8n/n8n-nodes-langchain.openAi',
	typeVersion: 2.1,
	parameters: {
		resource: 'image',
		operation: 'generate',
		model: 'gpt-image-1',
		prompt: '={{ $json.prompt }}',
		options: {},
	},
	credentials: { openAiApi: { id: 'benchOpenAi', name: 'OpenAI (simulator)' } },
};

/** One item with 16 stored images: Read Files from Disk (16 items, streamed into n8n's store) → Aggregate. */
function editWorkflow(id, inputs, count) {
	const base = workflow(id, {}, []);
	const names = Array.from({ length: count }, (_, index) => (index ? `data_${index}` : 'data'));
	base.nodes = [
		base.nodes[0],
		node('Read Files', 'n8n-nodes-base.readWriteFile', 1, [200, 0], {
			operation: 'read',
			fileSelector: `${inputs}/*.png`,
			options: {},
		}),
		node('Aggregate', 'n8n-nodes-base.aggregate', 1, [400, 0], {
			aggregate: 'aggregateAllItemData',
			destinationFieldName: 'files',
			options: { includeBinaries: true },
		}),
		{
			id: 'Image',
			name: 'Image',
			position: [600, 0],
			...aceData(1),
			parameters: {
				operation: 'edit',
				model: 'gpt-image-1',
				prompt: 'Add a frame',
				binaryPropertyNames: names.join(', '),
				size: '1024x1024',
				options: {},
			},
		},
	];
	base.connections = {
		'Manual Trigger': { main: [[{ node: 'Read Files', type: 'main', index: 0 }]] },
		'Read Files': { main: [[{ node: 'Aggregate', type: 'main', index: 0 }]] },
		Aggregate: { main: [[{ node: 'Image', type: 'main', index: 0 }]] },
	};
	return base;
}

const MB = 1024 * 1024;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Linux's record of a process: current and peak resident memory in bytes; resetPeak() starts a new peak. */
const memoryOf = (pid) => ({
	read() {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) * 1024;
		return { rss: kb('VmRSS'), peak: kb('VmHWM') };
	},
	resetPeak() {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
	},
});

async function main() {
	const simulator = createSimulator({
		token: TOKEN,
		latencyMs: LATENCY_MS,
		imageSide: 256,
		maxLifetimeMs: 20 * 60 * 1000,
	});
	const baseUrl = await simulator.start();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acedata-bench-'));
	const workflows = path.join(dir, 'workflows');
	const inputs = path.join(dir, 'inputs');
	fs.mkdirSync(workflows);
	fs.mkdirSync(inputs);
	const prompts = Array.from(
		{ length: ITEMS },
		(_, index) => `Poster ${index + 1}, a lighthouse at dawn`,
	);
	const cases = [
		['benchOpenAi', "n8n's OpenAI node (one item at a time)", openAi, prompts, 1],
		['benchAceData1', 'AceData Cloud Images, Concurrency 1', aceData(1), prompts, 1],
		['benchAceData8', 'AceData Cloud Images, Concurrency 8', aceData(8), prompts, 8],
		['benchAceData20', 'AceData Cloud Images, Concurrency 20', aceData(20), prompts, 20],
		[
			'benchAceDataOne',
			'AceData Cloud Images, one image alone',
			aceData(1),
			prompts.slice(0, 1),
			1,
		],
	];
	for (const [id, , node, list] of cases)
		fs.writeFileSync(path.join(workflows, `${id}.json`), JSON.stringify(workflow(id, node, list)));
	fs.writeFileSync(
		path.join(workflows, 'benchOpenAiOne.json'),
		JSON.stringify(workflow('benchOpenAiOne', openAi, prompts.slice(0, 1))),
	);
	// Memory: one item asking for 10 generated images of 20 MB; one item editing 16 stored images of 20 MB.
	const generate10 = { ...aceData(1), parameters: { ...aceData(1).parameters, n: 10 } };
	fs.writeFileSync(
		path.join(workflows, 'benchMemGen.json'),
		JSON.stringify(workflow('benchMemGen', generate10, ['A poster in 4K'])),
	);
	fs.writeFileSync(
		path.join(workflows, 'benchMemEdit.json'),
		JSON.stringify(editWorkflow('benchMemEdit', inputs, MEMORY_IMAGES)),
	);

	const n8n = new N8n(VERSION, {
		baseUrl,
		token: TOKEN,
		workflowDirs: [workflows],
		outputDir: dir,
		extraCredentials: [
			{
				id: 'benchOpenAi',
				name: 'OpenAI (simulator)',
				type: 'openAiApi',
				data: { apiKey: TOKEN, url: `${baseUrl}/v1` },
			},
		],
	});
	try {
		await n8n.setup();
		// One served n8n, as users run it: the first run of a workflow pays for loading code, so each node runs
		// once before anything is measured, and every case is measured RUNS times (the median is reported).
		// BENCH_PROFILE=<folder>: n8n writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
		await n8n.start(
			PROFILE
				? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(PROFILE)}` } }
				: {},
		);
		console.log(
			`n8n ${VERSION} (served), ${ITEMS} prompts, simulated generation ${LATENCY_MS} ms each, median of ${RUNS} runs, ${os.cpus().length} cores\n`,
		);
		for (const id of ['benchAceDataOne', 'benchOpenAiOne']) await n8n.run(id);
		// Asking n8n for the execution's state costs its one thread CPU: during measured runs, ask twice a second.
		n8n.pollMs = 500;
		if (PARTS.includes('time')) await timeCases(n8n, simulator, cases);
		if (PARTS.includes('memory')) await memoryCases(n8n, simulator, inputs);
	} finally {
		await n8n.stop();
		await simulator.stop();
		n8n.cleanup();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * One run seen from the wire: when the billed requests reached the simulator, when their answers left (arrival +
 * latency), when the last image was downloaded, and when n8n says the node finished.
 */
function timelineOf(requests, task) {
	const start = task.startTime;
	const billed = requests
		.filter((entry) => entry.path.startsWith('/openai/images/'))
		.map((entry) => entry.at - start);
	const downloads = requests
		.filter((entry) => entry.path.startsWith('/files/'))
		.map((entry) => entry.at - start);
	if (!billed.length)
		return {
			firstSent: '-',
			lastSent: '-',
			lastAnswer: '-',
			lastDownload: '-',
			done: task.executionTime,
		};
	return {
		firstSent: Math.min(...billed),
		lastSent: Math.max(...billed),
		lastAnswer: Math.max(...billed) + LATENCY_MS,
		lastDownload: downloads.length ? Math.max(...downloads) : '-',
		done: task.executionTime,
	};
}

async function timeCases(n8n, simulator, cases) {
	const results = [];
	for (const [id, label, , list, concurrency] of cases) {
		const times = [];
		let items = 0;
		let timeline;
		for (let run = 0; run < RUNS; run++) {
			simulator.reset();
			const result = await n8n.run(id);
			const task = result.data.data?.resultData?.runData?.Image?.[0];
			if (result.code !== 0 || !task)
				throw new Error(`${id} failed: ${result.stdout.slice(0, 2000)}`);
			items = task.data?.main?.[0]?.length ?? 0;
			times.push(task.executionTime);
			timeline = timelineOf(simulator.requests, task);
		}
		const floor = Math.ceil(list.length / concurrency) * LATENCY_MS;
		results.push({ label, ms: median(times), times, floor, items, timeline });
	}
	const anchor = results[0].ms;
	console.log(
		`${'node'.padEnd(40)} ${'time'.padStart(8)} ${'floor'.padStart(8)} ${'× floor'.padStart(8)} ${'× faster than OpenAI node'.padStart(26)} images  runs (ms)`,
	);
	for (const row of results) {
		console.log(
			`${row.label.padEnd(40)} ${`${row.ms} ms`.padStart(8)} ${`${row.floor} ms`.padStart(8)} ${(row.ms / row.floor).toFixed(2).padStart(8)} ${(anchor / row.ms).toFixed(2).padStart(26)} ${String(row.items).padStart(6)}  ${row.times.join(' / ')}`,
		);
	}
	console.log(
		"\nWhere the time goes (last run; ms after the node started, from the simulator's log and n8n's run data):",
	);
	console.log(
		`${'node'.padEnd(40)} ${'first sent'.padStart(11)} ${'last sent'.padStart(10)} ${'last answer'.padStart(12)} ${'last download'.padStart(14)} ${'node done'.padStart(10)}`,
	);
	for (const { label, timeline } of results.slice(1)) {
		const cells = [
			timeline.firstSent,
			timeline.lastSent,
			timeline.lastAnswer,
			timeline.lastDownload,
			timeline.done,
		];
		console.log(
			`${label.padEnd(40)} ${cells.map((value, index) => String(value).padStart([11, 10, 12, 14, 10][index])).join(' ')}`,
		);
	}
	const single = results[results.length - 1];
	console.log(
		`\none image alone: ${single.ms - LATENCY_MS} ms over the ${LATENCY_MS} ms of simulated generation (${(((single.ms - LATENCY_MS) / LATENCY_MS) * 100).toFixed(1)} %)`,
	);
}

async function memoryCases(n8n, simulator, inputs) {
	console.log(
		`\nPeak memory growth of n8n's process during one run (VmHWM reset before it), images of ${MEMORY_IMAGE_MB} MB, target ≤ 2 ×:`,
	);
	const memory = memoryOf(n8n.server.child.pid);
	const bytes = MEMORY_IMAGE_MB * MB;
	for (let index = 0; index < MEMORY_IMAGES; index++) {
		fs.writeFileSync(
			path.join(inputs, `input-${String(index + 1).padStart(2, '0')}.png`),
			padPng(makePng(`input ${index}`, 64, 64), bytes),
		);
	}
	const memoryCases = [
		[
			'benchMemGen',
			`generate: one item, n = 10 (${10 * MEMORY_IMAGE_MB} MB of images, URL answers)`,
			10 * bytes,
			() => (simulator.config.imagePadBytes = bytes),
		],
		[
			'benchMemEdit',
			`edit: one item, ${MEMORY_IMAGES} stored inputs (${MEMORY_IMAGES * MEMORY_IMAGE_MB} MB)`,
			MEMORY_IMAGES * bytes,
			() => (simulator.config.imagePadBytes = 0),
		],
		// For scale: base64 answers arrive inside one JSON body, which n8n's HTTP client holds whole.
		[
			'benchMemGen',
			`generate: the same, b64_json answers (no target)`,
			10 * bytes,
			() => Object.assign(simulator.config, { imagePadBytes: bytes, gptImageAnswer: 'b64_json' }),
		],
	];
	for (const [id, label, itemBytes, prepare] of memoryCases) {
		simulator.reset();
		prepare();
		memory.resetPeak();
		const before = memory.read().rss;
		const result = await n8n.run(id);
		const { peak } = memory.read();
		if (result.code !== 0) throw new Error(`${id} failed: ${result.stdout.slice(0, 2000)}`);
		const growth = peak - before;
		// What went through: the images the simulator sent (made or received), so a run that did nothing shows.
		const [job] = simulator.billed();
		const sizes = job.parts
			? job.parts.map((part) => part.size)
			: simulator.sentImages().map((image) => image.length);
		const moved = sizes.reduce((total, size) => total + size, 0);
		console.log(
			`${label.padEnd(62)} ${`${Math.round(moved / MB)} MB moved`.padStart(13)}, peak growth ${`${Math.round(growth / MB)} MB`.padStart(7)} = ${(growth / itemBytes).toFixed(2)} × the item's images`,
		);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
