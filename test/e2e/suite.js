'use strict';
// The end-to-end suite, the same for every n8n version: real n8n, the built package, the simulator over loopback,
// and the files in n8n's own binary store.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const { makePng } = require('../../scripts/simulator/images');
const { createSimulator } = require('../../scripts/simulator/server');
const { N8n, ended, parked } = require('../../scripts/lib/n8n');
const { defineEditorTests } = require('./editor');
const {
	annotatedTest,
	extractedShas,
	firstNewExecution,
	until,
	whileActive,
} = require('./support');

const TOKEN = 'sk-e2e-5b1f0c3a9d7e4f2b8a6c1d3e5f7a9b0c';
const sha = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/**
 * Allowed HTTP Request Domains (n8n 2.x credentials): the Base URL's host alone (what the README advises), None
 * (n8n's default for new credentials), and AceData's own advice, api.acedata.cloud, while the Base URL is elsewhere.
 */
const DOMAIN_MODES = [
	[
		'the Base URL host',
		'e2eDomainsOwn01',
		'acedataDomainsOwn',
		{ allowedHttpRequestDomains: 'domains', allowedDomains: '127.0.0.1' },
	],
	['None', 'e2eDomainsNone1', 'acedataDomainsNone', { allowedHttpRequestDomains: 'none' }],
	[
		'api.acedata.cloud only',
		'e2eDomainsApi01',
		'acedataDomainsApi',
		{ allowedHttpRequestDomains: 'domains', allowedDomains: 'api.acedata.cloud' },
	],
];

/** One workflow per restriction, from one template: every operation and the callback resume, with that credential. */
function domainWorkflows() {
	const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'acedata-domains-'));
	const template = fs.readFileSync(
		path.join(__dirname, 'templates', 'restricted-domains.json'),
		'utf8',
	);
	for (const [mode, workflowId, credentialId] of DOMAIN_MODES) {
		const text = template
			.replaceAll('__WORKFLOW_ID__', workflowId)
			.replaceAll('__RESTRICTED_CREDENTIAL_ID__', credentialId)
			.replaceAll('__MODE__', mode);
		fs.writeFileSync(path.join(dir, `${workflowId}.json`), text);
	}
	return dir;
}

function defineSuite(version) {
	describe(`n8n ${version}`, () => {
		const simulator = createSimulator({ token: TOKEN });
		// Each test starts from the simulator's own settings (a test's page shape or padding never leaks into the next).
		const defaults = { ...simulator.config };
		let n8n;
		// A failing test ends with what each node of its executions emitted (items, keys, binaries, errors).
		const test = annotatedTest(() => n8n);

		beforeAll(async () => {
			await simulator.start();
			n8n = new N8n(version, {
				baseUrl: simulator.url,
				token: TOKEN,
				workflowDirs: [
					path.join(__dirname, 'workflows'),
					path.join(__dirname, '..', '..', 'examples'),
					domainWorkflows(),
				],
				extraCredentials: [
					// The AI Agent test's chat model: the simulator's scripted OpenAI chat endpoint.
					{
						id: 'openAiSimulated',
						name: 'Scripted chat model',
						type: 'openAiApi',
						data: { apiKey: TOKEN, url: `${simulator.url}/v1` },
					},
					...DOMAIN_MODES.map(([mode, , id, restriction]) => ({
						id,
						name: `AceData, domains: ${mode}`,
						type: 'aceDataCloudApi',
						data: { apiToken: TOKEN, baseUrl: simulator.url, ...restriction },
					})),
				],
			});
			await n8n.setup();
			// One served n8n for the whole suite: workflows run through its REST API as the editor runs them.
			await n8n.activate('e2eCallbackRecv1');
			await n8n.activate('e2ePollCancel01');
			await n8n.activate('e2eTrigCallback1');
			await n8n.start();
		});
		beforeEach(() => {
			simulator.reset();
			Object.assign(simulator.config, defaults, { taskPolls: 2 });
		});
		// A test that failed before its execution ended must not leave it running into the next test's simulator.
		afterEach(async () => {
			if (n8n?.server) await n8n.stopLeftovers();
		});
		afterAll(async () => {
			await n8n?.stop();
			await simulator.stop();
			n8n?.cleanup();
		});

		const billed = () => simulator.billed();
		const sentShas = () =>
			billed().flatMap((entry) => (entry.images ?? []).map((image) => image.sha256));
		const noToken = (result) => {
			expect(result.stdout).not.toContain(TOKEN);
			expect(result.stderr).not.toContain(TOKEN);
		};

		test('installed from the packed tarball the way Settings › Community Nodes installs it; n8n knows the published types', async () => {
			const installed = path.join(
				n8n.userFolder,
				'.n8n',
				'nodes',
				'node_modules',
				'n8n-nodes-acedata-images',
			);
			expect(fs.readdirSync(installed).sort()).toEqual([
				'LICENSE',
				'README.md',
				'dist',
				'index.js',
				'package.json',
			]);
			expect(
				JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).devDependencies,
			).toBeUndefined();
			const response = await n8n.request(`${n8n.serverUrl}/types/nodes.json`, {
				headers: { cookie: n8n.session.cookie },
			});
			const types = (await response.json()).map((type) => type.name);
			expect(types).toContain('n8n-nodes-acedata-images.aceDataImages');
			expect(types).toContain('n8n-nodes-acedata-images.aceDataImagesTrigger');
			expect(types).toContain('n8n-nodes-acedata-images.aceDataImagesPollTrigger');
			expect(types.some((name) => name.startsWith('CUSTOM.'))).toBe(false);
		});

		test('failure paths in real n8n: a lost answer is recovered by trace ID, a task that cannot be looked up is named', async () => {
			// The owl's job is accepted but its answer is cut off; the whale's task can never be looked up.
			simulator.inject(
				{ path: '/openai/images/', prompt: 'An owl', accept: true, drop: true, times: 1 },
				{ path: '/openai/tasks', prompt: 'A whale', code: 'api_error', times: 100000 },
			);
			const result = await n8n.run('e2eFaultsPoll001');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			const job = (prompt) => billed().find((entry) => entry.body.prompt === prompt);
			expect(billed()).toHaveLength(3); // nothing submitted twice
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(items[0].json).toMatchObject({ prompt: 'A fox', taskId: job('A fox').taskId });
			expect(items[1].binary).toBeUndefined();
			expect(items[1].json).toMatchObject({
				taskId: job('A whale').taskId,
				traceId: job('A whale').body.trace_id,
				billing: 'paid',
			});
			expect(items[1].json.error).toContain(
				`Task ${job('A whale').taskId} is still running after 3 s (Max Wait)`,
			);
			expect(items[1].json.whatToDo).toContain('fetch its images with Task › Get');
			expect(items[2].json).toMatchObject({
				prompt: 'An owl',
				taskId: job('An owl').taskId,
				traceId: job('An owl').body.trace_id,
			});
			expect(sha(n8n.binaryBytes(items[2].binary.data))).toBe(job('An owl').images[0].sha256);
			noToken(result);
		});

		test('dall-e-3 with URL answers: downloaded into the binary store, same bytes, no Authorization on the download', async () => {
			const result = await n8n.run('e2eDalle3Url001');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items).toHaveLength(1);
			const binary = items[0].binary.data;
			expect(binary).toMatchObject({
				mimeType: 'image/png',
				fileName: 'a-cute-baby-sea-otter-1.png',
				fileExtension: 'png',
			});
			if (n8n.major === 2) expect(binary.id).toMatch(/^filesystem/);
			expect(sha(n8n.binaryBytes(binary))).toBe(sentShas()[0]);
			expect(items[0].json.revisedPrompt).toBe('A cute baby sea otter (revised by the simulator)');
			const download = simulator.requests.find((entry) => entry.path.startsWith('/files/'));
			expect(download.headers.authorization).toBeUndefined();
			expect(billed()[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
			noToken(result);
		});

		test('gpt-image-1, n=3, webp: three image/webp items paired to the input', async () => {
			const result = await n8n.run('e2eGptWebpN3001');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items).toHaveLength(3);
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
			expect(items.map((item) => item.binary.data.mimeType)).toEqual([
				'image/webp',
				'image/webp',
				'image/webp',
			]);
			expect(items.map((item) => item.binary.data.fileName)).toEqual([
				'a-lighthouse-at-dawn-watercolor-1.webp',
				'a-lighthouse-at-dawn-watercolor-2.webp',
				'a-lighthouse-at-dawn-watercolor-3.webp',
			]);
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(sentShas());
			expect(billed()[0].body).toEqual({
				model: 'gpt-image-1',
				prompt: 'A lighthouse at dawn, watercolor',
				n: 3,
				size: '1536x1024',
				output_format: 'webp',
				output_compression: 80,
				trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			});
		});

		test('Nano Banana 2, n=3, 16:9: three files per prompt with their real pixels; the short prompt says 2 of 3, on its items and above the output', async () => {
			const result = await n8n.run('e2eNanoBananaN3');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(billed().map((entry) => [entry.body.n, entry.imagesBilled])).toEqual([
				[3, 3],
				[3, 2],
			]);
			expect(items.map((item) => item.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 0 },
				{ item: 0 },
				{ item: 1 },
				{ item: 1 },
			]);
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(sentShas());
			expect(
				items.map(({ json }) => [
					json.width,
					json.height,
					json.imagesRequested,
					json.imagesReturned,
				]),
			).toEqual([...Array(3).fill([57, 32, 3, 3]), ...Array(2).fill([57, 32, 3, 2])]);
			const notice =
				'AceData returned 2 of the 3 images asked for: only the 2 returned are billed (AceData bills the images it makes).';
			expect(items.map(({ json }) => json.notice ?? null)).toEqual([
				null,
				null,
				null,
				notice,
				notice,
			]);
			const task = result.data.data.resultData.runData['AceData Cloud Images'][0];
			expect(task.hints).toEqual([
				expect.objectContaining({ message: `Item 2: ${notice}`, type: 'warning' }),
			]);
		});

		test("a run's tokens in n8n's own token accounting (2.x), then Task › Get Many audits the run: every task, its cost, its URLs", async () => {
			const run = await n8n.run('e2eTokenUsage01');
			expect(run.code).toBe(0);
			const node = run.data.data.resultData.runData['AceData Cloud Images'][0];
			const input = billed().reduce(
				(sum, entry) => sum + Math.ceil(entry.body.prompt.length / 4),
				0,
			);
			if (n8n.major >= 2)
				expect(node.metadata?.tokenUsage).toEqual({ inputTokens: input, outputTokens: 4 * 1056 });
			else expect(node.metadata?.tokenUsage).toBeUndefined(); // n8n 1.x has no token accounting: the counts stay on the images
			// Each image carries its share of its job's tokens: 2 jobs of 2 images, 2112 output tokens each.
			const shares = run
				.output('AceData Cloud Images')
				.map((item) => item.json.usage.output_tokens);
			expect(shares).toEqual([1056, 1056, 1056, 1056]);
			expect(shares.reduce((sum, value) => sum + value, 0)).toBe(4 * 1056);

			const audit = await n8n.run('e2eGetManyAud1');
			expect(audit.code).toBe(0);
			const tasks = audit.output('AceData Cloud Images');
			expect(tasks.map((item) => item.json.taskId).sort()).toEqual(
				billed()
					.map((entry) => entry.taskId)
					.sort(),
			);
			expect(
				tasks.map((item) => [item.json.status, item.json.cost, item.json.urls.length]),
			).toEqual(Array(2).fill(['succeeded', { amount: 0.4, currency: 'credit' }, 2]));
			expect(tasks.every((item) => item.binary === undefined)).toBe(true);
			expect(billed()).toHaveLength(2); // the audit is free
			noToken(audit);
		});

		test('Max Images per Run holds across the runs of a loop: 2 runs of 2 images pass a cap of 5, the third is refused before it is sent', async () => {
			const result = await n8n.run('e2eCapLoop0001');
			expect(result.code).not.toBe(0);
			expect(billed().map((entry) => entry.body.prompt)).toEqual(['Loop 1', 'Loop 2']);
			expect(result.error.message).toBe(
				'Max Images per Run is 5 and this execution has already asked AceData for 4 images: this run asks for 2 more images (1 item × Number of Images)',
			);
			expect(
				result.data.data.resultData.runData['AceData Cloud Images'].map(
					(run) => run.data?.main?.[0]?.length ?? 0,
				),
			).toEqual([2, 2, 0]);
		});

		test("as an AI Agent's tools: Generate answers URL-first, then Task › Get Many tells the agent the task succeeded, short and URL-first", async () => {
			// A scripted chat model: draw, then look the task up by the ID the first tool answered, then answer.
			const toolResults = (body) =>
				body.messages
					.filter((message) => message.role === 'tool')
					.map((message) => String(message.content));
			simulator.config.chat = (body) => {
				const results = toolResults(body);
				if (results.length === 0)
					return { tool: 'generate', arguments: { prompt: 'A heron at dusk, watercolor' } };
				if (results.length === 1)
					return {
						tool: 'list',
						arguments: { taskIds: /"taskId":"([^"]+)"/.exec(results[0])?.[1] ?? '' },
					};
				return {
					content: `Done: ${/"url":"([^"]+)"/.exec(results[0])?.[1]} (${/"status":"(\w+)"/.exec(results[1])?.[1]})`,
				};
			};
			const result = await n8n.run('e2eAgentTools01');
			expect({ code: result.code, error: result.error?.message }).toEqual({
				code: 0,
				error: undefined,
			});
			const chats = simulator.requests.filter((entry) => entry.path === '/v1/chat/completions');
			expect(chats).toHaveLength(3);
			const [generated, listed] = toolResults(chats[2].body);
			const job = billed()[0];
			expect(billed()).toHaveLength(1);
			expect(job.body).toMatchObject({
				model: 'gpt-image-1',
				prompt: 'A heron at dusk, watercolor',
			});
			// What the agent read: the hosted URL first and short answers (an agent sees only JSON, never files).
			expect(generated).toContain(`"url":"${job.images[0].url}"`);
			expect(listed).toContain(
				`"taskId":"${job.taskId}","status":"succeeded","urls":["${job.images[0].url}"]`,
			);
			expect(listed.length).toBeLessThan(1500);
			expect(`${generated}${listed}`).not.toContain(TOKEN);
			expect(result.output('AI Agent')[0].json.output).toBe(
				`Done: ${job.images[0].url} (succeeded)`,
			);
		});

		test.each(DOMAIN_MODES)(
			'Allowed HTTP Request Domains: %s: generate (images from another host), edit, Task › Get, Get Many, the callback resume, the model list and the credential test work',
			async (mode, workflowId, credentialId, restriction) => {
				// The images answered on another host name than the Base URL's (localhost vs 127.0.0.1), as AceData's CDN is.
				const elsewhere = (answer) => ({
					...answer,
					data: answer.data.map((datum) => ({
						...datum,
						url: datum.url.replace('127.0.0.1', 'localhost'),
					})),
				});
				simulator.inject({ path: '/openai/images/', times: 2, patchAnswer: elsewhere });
				const result = await n8n.run(workflowId);
				expect({ code: result.code, error: result.error?.message }).toEqual({
					code: 0,
					error: undefined,
				});
				// item() names the node and what it emitted when it has no item.
				for (const node of ['Generate', 'Edit', 'Get', 'Callback'])
					expect([node, result.item(node).binary?.data?.mimeType]).toEqual([node, 'image/png']);
				expect(result.output('Get Many').map((item) => item.json.status)).toEqual([
					'succeeded',
					'succeeded',
				]);
				const downloads = simulator.requests.filter((entry) => entry.path.startsWith('/files/'));
				expect(
					downloads.filter((entry) => entry.headers.host.startsWith('localhost:')),
				).toHaveLength(2);
				expect(downloads.every((entry) => entry.headers.authorization === undefined)).toBe(true);
				expect(billed().map((entry) => entry.path)).toEqual([
					'/openai/images/generations',
					'/openai/images/edits',
					'/openai/images/generations',
				]);

				const session = n8n.session;
				simulator.reset();
				const models = await session.loadOptions('listModels', credentialId);
				expect(models.map((option) => option.value)).toContain('gpt-image-2.5-flare');
				expect(simulator.requests.map((entry) => [entry.method, entry.path])).toEqual([
					['GET', '/openai/models'],
				]);
				const tested = await session.testCredential(
					{ apiToken: TOKEN, baseUrl: simulator.url, ...restriction },
					credentialId,
				);
				expect(tested).toMatchObject({ status: 'OK' });
				noToken(result);
			},
		);

		test('single item layout: one item with data_0..data_2', async () => {
			const result = await n8n.run('e2eSingleItem01');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items).toHaveLength(1);
			expect(Object.keys(items[0].binary)).toEqual(['data_0', 'data_1', 'data_2']);
			expect(items[0].json.images.map((image) => image.index)).toEqual([0, 1, 2]);
			expect(Object.values(items[0].binary).map((binary) => sha(n8n.binaryBytes(binary)))).toEqual(
				sentShas(),
			);
		});

		test('a size gpt-image-2 does not make fails naming the parameter, and the simulator saw no request', async () => {
			const result = await n8n.run('e2eInvalidN2001');
			expect(result.code).not.toBe(0);
			expect(`${result.stdout}\n${result.stderr}`).toContain(
				'Parameter "Size" "1000x1000" is not accepted by gpt-image-2: both sides must be multiples of 16',
			);
			expect(simulator.requests).toHaveLength(0);
		});

		test('used_up: the failure says balance, carries the trace id, and never the token', async () => {
			const result = await n8n.run('e2eUsedUp000001');
			expect(result.code).not.toBe(0);
			const all = `${result.stdout}\n${result.stderr}`;
			expect(all).toContain('Your AceData balance is used up');
			expect(billed()[0].status).toBe(403);
			expect(all).toMatch(/trace ID: [0-9a-f-]{36}/);
			noToken(result);
		});

		test('Continue On Fail over two items: one error item and one image item, both paired', async () => {
			const result = await n8n.run('e2eContinueFail1');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items).toHaveLength(2);
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(items[0].json.error).toContain('balance is used up');
			expect(items[0].json.code).toBe('used_up');
			expect(items[0].binary).toBeUndefined();
			expect(items[1].pairedItem).toEqual({ item: 1 });
			expect(items[1].binary.data.mimeType).toBe('image/png');
			expect(sha(n8n.binaryBytes(items[1].binary.data))).toBe(sentShas()[0]);
			noToken(result);
		});

		const paidFor = (prompt) =>
			billed().filter((entry) => entry.taskId && entry.body.prompt === prompt);
		const sentFor = (prompt) => billed().filter((entry) => entry.body.prompt === prompt);
		const reusedHint =
			'1 job came from an earlier try of this node (Retry On Fail or a retried execution): found at AceData, not sent or billed again (field "fromEarlierTry" on their items)';

		test('Retry On Fail with Continue On Fail, item 0 refused twice: n8n runs the node three times, item 1 is paid once and comes out reused', async () => {
			// n8n-core retries a node whose first output item carries json.error (what Continue On Fail makes of item 0).
			simulator.inject({ path: '/openai/images/', prompt: 'A fox', code: 'used_up', times: 2 });
			const result = await n8n.run('e2eRetryOnFail01');
			expect(result.code).toBe(0);
			expect(sentFor('A fox').map((entry) => entry.status)).toEqual([403, 403, 200]);
			expect(sentFor('A whale')).toHaveLength(1);
			const items = result.output('AceData Cloud Images');
			expect(
				items.map((item) => [item.pairedItem, item.json.taskId, item.json.fromEarlierTry]),
			).toEqual([
				[{ item: 0 }, paidFor('A fox')[0].taskId, undefined],
				[{ item: 1 }, paidFor('A whale')[0].taskId, true],
			]);
			const whale = paidFor('A whale')[0].images[0].sha256;
			expect(sha(n8n.binaryBytes(items[1].binary.data))).toBe(whale);
			expect(items[1].binary.data.fileName).toBe('a-whale-1.png');
			const [task] = result.data.data.resultData.runData['AceData Cloud Images'];
			expect(task.hints.map((hint) => hint.message)).toContain(reusedHint);
			noToken(result);
		});

		test("a failed execution retried through n8n's REST API (the executions list's Retry): the job the failed run paid for is found, not paid again", async () => {
			simulator.inject({ path: '/openai/images/', prompt: 'A crane', code: 'used_up', times: 1 });
			const failed = await n8n.run('e2eRetryExecut01');
			expect(failed.code).not.toBe(0);
			expect(failed.error.message).toContain('Your AceData balance is used up');
			expect(paidFor('A heron')).toHaveLength(1);

			const retried = await n8n.session.call('POST', `/executions/${failed.executionId}/retry`, {
				loadWorkflow: false,
			});
			const result = n8n.result(await n8n.waitForExecution(String(retried.id)));
			expect(result.code).toBe(0);
			expect(result.data.data.mode ?? retried.mode).toBe('retry');
			// Counted at the simulator, across both executions: the heron once, the crane refused then paid.
			expect(sentFor('A heron')).toHaveLength(1);
			expect(sentFor('A crane').map((entry) => entry.status)).toEqual([403, 200]);
			const items = result.output('AceData Cloud Images');
			expect(
				items.map((item) => [item.pairedItem, item.json.taskId, item.json.fromEarlierTry]),
			).toEqual([
				[{ item: 0 }, paidFor('A heron')[0].taskId, true],
				[{ item: 1 }, paidFor('A crane')[0].taskId, undefined],
			]);
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual([
				paidFor('A heron')[0].images[0].sha256,
				paidFor('A crane')[0].images[0].sha256,
			]);
			const [task] = result.data.data.resultData.runData['AceData Cloud Images'];
			expect(task.hints.map((hint) => hint.message)).toContain(reusedHint);
			noToken(result);
		});

		test('the same failed execution retried twice (n8n still offers its Retry after a failed retry): the second retry finds what the first paid for', async () => {
			simulator.inject(
				{ path: '/openai/images/', prompt: 'A stork', code: 'used_up', times: 1 },
				{ path: '/openai/images/', prompt: 'A swan', code: 'used_up', times: 1 },
			);
			const failed = await n8n.run('e2eRetryTwice001');
			expect(failed.code).not.toBe(0);
			const retry = async () => {
				const { id } = await n8n.session.call('POST', `/executions/${failed.executionId}/retry`, {
					loadWorkflow: false,
				});
				return n8n.result(await n8n.waitForExecution(String(id)));
			};
			const first = await retry(); // pays the stork, the swan is refused
			expect(first.code).not.toBe(0);
			const second = await retry(); // from the original's data again
			expect(second.code).toBe(0);
			expect(sentFor('An ibis')).toHaveLength(1);
			expect(sentFor('A stork').map((entry) => entry.status)).toEqual([403, 200]);
			expect(sentFor('A swan').map((entry) => entry.status)).toEqual([403, 200]);
			expect(
				second
					.output('AceData Cloud Images')
					.map((item) => [item.json.prompt, item.json.taskId, item.json.fromEarlierTry]),
			).toEqual([
				['An ibis', paidFor('An ibis')[0].taskId, true],
				['A stork', paidFor('A stork')[0].taskId, true],
				['A swan', paidFor('A swan')[0].taskId, undefined],
			]);
		});

		test('Max Images per Run from an expression that resolves to nothing stops the node before anything is sent', async () => {
			const result = await n8n.run('e2eCapNothing001');
			expect(result.code).not.toBe(0);
			expect(result.error.message).toBe(
				'Parameter "Max Images per Run" must be a whole number from 1 to 100000 (got undefined (an expression that found nothing?) from {{ $json.cap }})',
			);
			expect(simulator.requests).toHaveLength(0);
		});

		test('chaining: the image reaches Write Files to Disk and Extract From File intact', async () => {
			const result = await n8n.run('e2eChainFiles01');
			expect(result.code).toBe(0);
			const written = fs.readFileSync(path.join(n8n.outputDir, 'bicycle-1.jpg'));
			expect(sha(written)).toBe(sentShas()[0]);
			expect(written.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
			const extracted = result.output('Extract From File');
			expect(sha(Buffer.from(extracted[0].json.base64, 'base64'))).toBe(sentShas()[0]);
		});

		test('the generate-and-save example runs as published: four WebP files on disk, two prompts in parallel', async () => {
			const result = await n8n.run('exGenerateSave01');
			expect(result.code).toBe(0);
			const written = result.output('Write Files to Disk');
			expect(written.map((item) => path.basename(item.json.fileName))).toEqual([
				'a-watercolor-lighthouse-at-dawn-1.webp',
				'a-watercolor-lighthouse-at-dawn-2.webp',
				'a-cozy-reading-nook-with-a-cat-isometric-illustration-1.webp',
				'a-cozy-reading-nook-with-a-cat-isometric-illustration-2.webp',
			]);
			const onDisk = written.map((item) => sha(fs.readFileSync(item.json.fileName)));
			expect(onDisk.sort()).toEqual(sentShas().sort());
			expect(billed()).toHaveLength(2);
		});

		test('poll: one billed submission, polls until done, then images like wait', async () => {
			const result = await n8n.run('e2ePoll00000001');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items).toHaveLength(2);
			expect(billed()).toHaveLength(1);
			expect(billed()[0].body).toMatchObject({ async: true, n: 2 });
			const taskId = billed()[0].taskId;
			expect(
				simulator.requests
					.filter((entry) => entry.path === '/openai/tasks')
					.map((entry) => entry.body),
			).toEqual([
				{ action: 'retrieve', id: taskId },
				{ action: 'retrieve', id: taskId },
			]);
			expect(
				items.map((item) => [
					item.json.taskId,
					item.binary.data.mimeType,
					item.binary.data.fileName,
				]),
			).toEqual([
				[taskId, 'image/jpeg', 'a-slow-4k-panorama-1.jpg'],
				[taskId, 'image/jpeg', 'a-slow-4k-panorama-2.jpg'],
			]);
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(sentShas());
		});

		test('poll: five input items share one retrieve_batch per round, one billed submission each', async () => {
			const result = await n8n.run('e2ePollBatch001');
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(items.map((item) => [item.pairedItem.item, item.json.prompt])).toEqual(
				[1, 2, 3, 4, 5].map((number) => [number - 1, `Banner ${number}`]),
			);
			expect(billed()).toHaveLength(5);
			const ids = billed().map((entry) => entry.taskId);
			const polls = simulator.requests.filter((entry) => entry.path === '/openai/tasks');
			expect(polls).toHaveLength(2);
			for (const poll of polls) expect(poll.body.action).toBe('retrieve_batch');
			for (const poll of polls) expect([...poll.body.ids].sort()).toEqual([...ids].sort());
		});

		// AceData's look-ups within its documented shapes but not the simulator's usual one: pages of at most 5 records,
		// without a count, the same first page whatever the offset, or records out of order and repeated.
		const prompts14 = (word) => Array.from({ length: 14 }, (_, index) => `${word} ${index + 1}`);
		const expectOneImageEach = (items, prompts) => {
			const jobOf = (prompt) => billed().find((entry) => entry.body.prompt === prompt);
			expect(
				items.map((item) => [item.pairedItem.item, item.json.prompt, item.json.taskId]),
			).toEqual(prompts.map((prompt, index) => [index, prompt, jobOf(prompt).taskId]));
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(
				prompts.map((prompt) => jobOf(prompt).images[0].sha256),
			);
		};

		test.each(['noCount', 'ignoresOffset', 'shuffled'])(
			'poll through short look-up pages (%s, at most 5 records a page): 14 paid tasks, 14 images, none lost',
			async (shape) => {
				Object.assign(simulator.config, { pageShape: shape, batchMaxLimit: 5 });
				const result = await n8n.run('e2ePollPages001');
				expect(result.code).toBe(0);
				expect(billed()).toHaveLength(14);
				expectOneImageEach(result.output('AceData Cloud Images'), prompts14('Page'));
				const pages = simulator.requests.filter(
					(entry) => entry.path === '/openai/tasks' && entry.body.action === 'retrieve_batch',
				);
				expect(pages.length).toBeGreaterThan(2); // it really paged
			},
		);

		test('callback through short look-up pages (noCount, at most 5 records a page): the run resumes with all 14 images', async () => {
			Object.assign(simulator.config, {
				pageShape: 'noCount',
				batchMaxLimit: 5,
				holdCallbacks: true,
			});
			const run = await n8n.startRun('e2eCallbackPage1');
			await n8n.waitForExecution(run, parked);
			expect(billed()).toHaveLength(14);
			await simulator.releaseCallbacks();
			const result = n8n.result(await n8n.waitForExecution(run));
			expect(result.code).toBe(0);
			expectOneImageEach(result.output('AceData Cloud Images'), prompts14('Kite'));
			expect(billed()).toHaveLength(14);
		});

		test('poll: running out of Max Wait fails naming the task, billed once', async () => {
			const result = await n8n.run('e2ePollTimeout1');
			expect(result.code).not.toBe(0);
			const all = `${result.stdout}\n${result.stderr}`;
			expect(all).toContain(`Task ${billed()[0].taskId} is still running after 1 s`);
			expect(all).toContain('Task › Get');
			expect(billed()).toHaveLength(1);
		});

		test('submit, then Task › Get: running while unfinished, the images once finished', async () => {
			simulator.config.taskPolls = 5;
			const running = await n8n.run('e2eSubmitGet001');
			expect(running.code).toBe(0);
			const [submitted] = running.output('Submit');
			expect(submitted.json).toMatchObject({ status: 'submitted', traceId: 'e2e-trace-1' });
			expect(submitted.json.taskId).toBe(billed()[0].taskId);
			expect(running.output('Get Task').map((item) => item.json)).toEqual([
				{
					taskId: submitted.json.taskId,
					status: 'running',
					traceId: 'e2e-trace-1',
					type: 'images_generations',
				},
			]);

			simulator.config.taskPolls = 1;
			const finished = await n8n.run('e2eSubmitGet001');
			expect(finished.code).toBe(0);
			const images = finished.output('Get Task');
			expect(images).toHaveLength(1);
			expect(images[0].json).toMatchObject({
				taskId: billed()[1].taskId,
				prompt: 'A heron at dusk',
				model: 'gpt-image-1',
			});
			expect(images[0].binary.data.mimeType).toBe('image/png');
			expect(sha(n8n.binaryBytes(images[0].binary.data))).toBe(sentShas()[1]);
			expect(billed()).toHaveLength(2); // one per run: Task › Get never bills
		});

		test('Task › Get of a failed task fails the execution with the task id', async () => {
			simulator.config.taskPolls = 1;
			const result = await n8n.run('e2eFailedTask01');
			expect(result.code).not.toBe(0);
			const all = `${result.stdout}\n${result.stderr}`;
			expect(all).toContain('upstream image service failed');
			expect(all).toContain(`task ID: ${billed()[0].taskId}`);
		});

		test('served n8n: the callback reaches a Webhook workflow, and the credential Test button works', async () => {
			// The credential's Test button, as the editor calls it: free retrieve_batch, token in the header only.
			const session = n8n.session;
			const good = await session.testCredential({ apiToken: TOKEN, baseUrl: `${simulator.url}/` });
			expect(good).toMatchObject({ status: 'OK' });
			expect(
				simulator.requests.map((entry) => [entry.path, entry.body, entry.headers.authorization]),
			).toEqual([['/openai/tasks', { action: 'retrieve_batch', ids: [] }, `Bearer ${TOKEN}`]]);
			const bad = await session.testCredential({
				apiToken: 'sk-not-the-token',
				baseUrl: simulator.url,
			});
			expect(bad.status).toBe('Error');
			simulator.reset();

			const receiverRunsBefore = await n8n.executionIds('e2eCallbackRecv1');
			const result = await n8n.run('e2eCallbackSub1');
			expect(result.code).toBe(0);
			const submitted = result.item('AceData Cloud Images');
			expect(billed()[0].body.callback_url).toBe(`${n8n.serverUrl}/webhook/acedata-e2e-callback`);
			const taskId = submitted.json.taskId;
			// The callback starts the receiver workflow: wait for that execution to end (not for its file to appear,
			// which it does before its bytes are written), then read what it wrote.
			const receiverRun = await until(
				async () =>
					(await n8n.executionIds('e2eCallbackRecv1')).find(
						(id) => !receiverRunsBefore.includes(id),
					),
				{
					what: 'the callback to start the receiver workflow',
				},
			);
			const received = n8n.result(await n8n.waitForExecution(receiverRun));
			expect(received.code).toBe(0);
			const file = path.join(n8n.outputDir, `callback-${taskId}-1.png`);
			expect(received.output('Write Files to Disk').map((item) => item.json.fileName)).toEqual([
				file,
			]);
			await until(
				() => simulator.callbacks[0]?.status !== undefined || simulator.callbacks[0]?.error,
				{ what: "n8n's answer to the callback" },
			);
			expect(simulator.callbacks[0].body).toMatchObject({ success: true, task_id: taskId });
			expect(sha(fs.readFileSync(file))).toBe(sentShas()[0]);
			expect(simulator.callbacks[0].status).toBe(200);

			// Stopping a running execution in n8n stops the node's polling at once.
			simulator.reset();
			await n8n.request(`${n8n.serverUrl}/webhook/acedata-e2e-cancel`, { method: 'POST' });
			const polls = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
			await until(() => polls().length >= 2, {
				what: 'two polls of the never-ending task',
				timeoutMs: 30000,
			});
			const execution = await session.runningExecution('e2ePollCancel01');
			await session.call('POST', `/executions/${execution}/stop`);
			// The stop has taken effect once n8n has ended the execution.
			const stopped = await n8n.waitForExecution(execution, ended, 60000);
			expect(stopped.status).toBe('canceled');
			const atStop = simulator.requests.length;
			// That nothing more comes cannot be awaited: watch for three of the node's poll intervals (it backs off
			// by 1.5 from the last gap seen), at least 1 s, then count. At most one poll was already on its way.
			const [before, last] = polls()
				.slice(-2)
				.map((entry) => entry.at);
			const window = Math.min(10000, Math.max(1000, 3 * 1.5 * (last - before)));
			await new Promise((resolve) => setTimeout(resolve, window));
			expect(simulator.requests.length - atStop).toBeLessThanOrEqual(1);
			expect(billed()).toHaveLength(1);
		});

		test("the triggers: AceData's callback starts the trigger's workflow once per finished task with its files; a repeated or forged callback starts nothing; a callback over n8n's body limit is refused, and the polling trigger picks its task up", async () => {
			const HUGE = 17 * 1024 * 1024; // over n8n's default payload limit (16 MB)
			simulator.config.callbackPadding = (task) =>
				task.request?.prompt === 'A huge callback' ? HUGE : 0;
			const before = await n8n.executionIds('e2eTrigCallback1');
			const submitted = await n8n.run('e2eTrigSubmit001');
			expect(submitted.code).toBe(0);
			const job = (prompt) => billed().find((entry) => entry.body.prompt === prompt);
			const callbackOf = (prompt) =>
				simulator.callbacks.find((entry) => entry.taskId === job(prompt).taskId);
			await until(
				() =>
					simulator.callbacks.length === 3 &&
					simulator.callbacks.every((entry) => entry.status !== undefined || entry.error),
				{ what: 'the three callbacks answered', timeoutMs: 60000 },
			);
			expect(callbackOf('A heron for the trigger').status).toBe(200);
			expect(callbackOf("Not this workflow's").status).toBe(200); // filtered out: answered, nothing starts
			const huge = callbackOf('A huge callback');
			// n8n refuses the body before any node sees it (its body parser: an error status, 500 in 1.x and 2.x).
			expect([huge.status >= 400, huge.error]).toEqual([true, undefined]);

			const started = await firstNewExecution(n8n, 'e2eTrigCallback1', before);
			const run = n8n.result(await n8n.waitForExecution(started));
			expect(run.code).toBe(0);
			const [heron] = run.output('AceData Callback');
			expect([heron.json.taskId, heron.json.traceId, heron.binary.data.fileName]).toEqual([
				job('A heron for the trigger').taskId,
				'e2e-trigger-heron',
				'a-heron-for-the-trigger-1.png',
			]);
			expect(sha(n8n.binaryBytes(heron.binary.data))).toBe(
				job('A heron for the trigger').images[0].sha256,
			);
			// The next node reads the same file.
			expect(extractedShas(run, sha)).toEqual([job('A heron for the trigger').images[0].sha256]);
			// AceData calls again (a retry, a replay), and someone forges a callback: neither starts anything.
			const post = (body) =>
				n8n.request(callbackOf('A heron for the trigger').url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
			expect((await post(callbackOf('A heron for the trigger').body)).status).toBe(200);
			const forged = await post({
				success: true,
				task_id: 'a-task-of-someone-else',
				data: { data: [{ url: 'https://evil.example/x.png' }] },
			});
			expect(forged.status).toBe(404);
			const runs = await n8n.executionIds('e2eTrigCallback1');
			expect(runs.filter((id) => !before.includes(id))).toEqual([started]);

			// The polling trigger, activated now (Look Back 10 minutes): its first poll emits both of this workflow's
			// finished tasks, the huge one included, once.
			const pollBefore = await n8n.executionIds('e2eTrigPoll00001');
			await whileActive(n8n, 'e2eTrigPoll00001', async () => {
				const polled = await firstNewExecution(n8n, 'e2eTrigPoll00001', pollBefore, {
					what: "the polling trigger's first poll (every minute)",
					timeoutMs: 150000,
				});
				const result = n8n.result(await n8n.waitForExecution(polled));
				const items = result.output('AceData Task Finished');
				expect(items.map((item) => item.json.taskId).sort()).toEqual(
					[job('A heron for the trigger').taskId, job('A huge callback').taskId].sort(),
				);
				const hugeItem = items.find((item) => item.json.taskId === job('A huge callback').taskId);
				expect(sha(n8n.binaryBytes(hugeItem.binary.data))).toBe(
					job('A huge callback').images[0].sha256,
				);
				noToken({ stdout: JSON.stringify([run.data, result.data]), stderr: '' });
			});
		});

		test('edit from binaries made inside n8n: exact bytes, file names, types from the bytes, the mask part', async () => {
			const result = await n8n.run('e2eEditBinary01');
			expect(result.code).toBe(0);
			const [request] = billed();
			expect(request.path).toBe('/openai/images/edits');
			expect(request.parts.filter((part) => part.filename !== undefined)).toEqual([
				{
					name: 'image',
					filename: 'photo.png',
					contentType: 'image/png',
					size: makePng('e2e-photo', 64, 64).length,
					sha256: sha(makePng('e2e-photo', 64, 64)),
				},
				{
					name: 'mask',
					filename: 'mask.png',
					contentType: 'image/png',
					size: makePng('e2e-mask', 64, 64).length,
					sha256: sha(makePng('e2e-mask', 64, 64)),
				},
			]);
			expect(request.body).toMatchObject({
				model: 'gpt-image-1',
				prompt: 'Add a red scarf',
				n: 2,
				size: '1024x1024',
			});
			// Sent with its length known up front (from n8n's record of each binary), never chunked.
			expect(Number(request.headers['content-length'])).toBeGreaterThan(
				2 * makePng('e2e-photo', 64, 64).length,
			);
			expect(request.headers['transfer-encoding']).toBeUndefined();
			const items = result.output('AceData Cloud Images');
			expect(
				items.map((item) => [
					item.binary.data.fileName,
					item.binary.data.mimeType,
					item.pairedItem,
				]),
			).toEqual([
				['add-a-red-scarf-1.png', 'image/png', { item: 0 }],
				['add-a-red-scarf-2.png', 'image/png', { item: 0 }],
			]);
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(sentShas());
		});

		test('edit names a missing binary field and sends nothing', async () => {
			const result = await n8n.run('e2eEditMissing1');
			expect(result.code).not.toBe(0);
			expect(`${result.stdout}\n${result.stderr}`).toMatch(/logo/);
			expect(simulator.requests).toHaveLength(0);
		});

		test('edit from URLs sends them as JSON', async () => {
			const result = await n8n.run('e2eEditUrls0001');
			expect(result.code).toBe(0);
			expect(billed()[0].headers['content-type']).toMatch(/^application\/json/);
			expect(billed()[0].body.image).toEqual([
				'https://cdn.example.com/park.png',
				'https://cdn.example.com/tree.jpg',
			]);
			expect(result.output('AceData Cloud Images')).toHaveLength(1);
		});

		test('delivery callback: parks, refuses a foreign task, survives a restart, resumes with the images; Max Wait names the task', async () => {
			simulator.config.holdCallbacks = true;
			const kites = await n8n.startRun('e2eCallbackWait1');
			const owl = await n8n.startRun('e2eCallbackMaxW1');
			const waiting = await n8n.waitForExecution(kites, parked);
			await n8n.waitForExecution(owl, parked);
			expect(new Date(waiting.waitTill).getTime()).toBeGreaterThan(Date.now() + 60000); // Max Wait 120 s
			const kiteJobs = billed().filter((entry) => entry.body.prompt.includes('kite'));
			expect(kiteJobs).toHaveLength(3);
			for (const job of kiteJobs) {
				const item = ['A red kite', 'A blue kite', 'A green kite'].indexOf(job.body.prompt);
				expect(job.body.callback_url).toMatch(
					new RegExp(
						`^${n8n.serverUrl}/webhook-waiting/${kites}/acedata-images-callback(\\?signature=[0-9a-f]+&|\\?)acedata_item=${item}$`,
					),
				);
				expect(job.body.async).toBe(true);
			}
			// No polling while parked: each execution looks all its tasks up in one free retrieve_batch right before it
			// parks, and once more about 1.5 s after (the node's own check for a callback n8n refused before the park was
			// saved); then nothing. Waiting for that second look-up, not racing it, keeps the counts below exact.
			const kiteIds = kiteJobs.map((job) => job.taskId).sort();
			const owlIds = billed()
				.filter((entry) => entry.body.prompt === 'A silent owl')
				.map((entry) => entry.taskId);
			const lookupsOf = (ids) =>
				simulator.requests.filter(
					(entry) =>
						entry.path === '/openai/tasks' && (entry.body.ids ?? []).some((id) => ids.includes(id)),
				);
			expect(lookupsOf(owlIds)[0].body).toMatchObject({ action: 'retrieve_batch', ids: owlIds });
			await until(() => lookupsOf(kiteIds).length >= 2, {
				what: "the kites execution's look-up after it parked",
				timeoutMs: 30000,
			});
			expect(
				lookupsOf(kiteIds).map((entry) => [entry.body.action, [...entry.body.ids].sort()]),
			).toEqual(Array(2).fill(['retrieve_batch', kiteIds]));

			// A callback naming a task that is not this execution's: refused, nothing resumed, nothing looked up.
			const forged = await n8n.request(kiteJobs[0].body.callback_url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					success: true,
					task_id: 'a-task-of-someone-else',
					data: { data: [{ url: 'https://evil.example/x.png' }] },
				}),
			});
			expect(forged.status).toBe(404);
			expect((await n8n.getExecution(kites)).status).toBe('waiting');
			expect(lookupsOf(kiteIds)).toHaveLength(2);

			// n8n stops and starts again while both wait; the owl's Max Wait (2 s) passes meanwhile.
			await n8n.stop();
			await n8n.start();
			const owlEnded = await n8n.waitForExecution(owl);
			const [owlItem] = n8n.result(owlEnded).output('AceData Cloud Images');
			const owlJob = billed().find((entry) => entry.body.prompt === 'A silent owl');
			expect(owlItem.binary).toBeUndefined();
			expect(owlItem.json).toMatchObject({ taskId: owlJob.taskId, billing: 'paid' });
			expect(owlItem.json.error).toContain(
				`AceData did not call back for task ${owlJob.taskId} within Max Wait (2 s)`,
			);
			expect(JSON.stringify([owlItem.json, owlItem.binary ?? null])).not.toContain(
				'__aceDataImages',
			);
			expect(owlItem.json.whatToDo).toContain('fetch its images with Task › Get');

			// AceData calls back after the restart: the first two only answer, the last one resumes with every image.
			const callbacks = await simulator.releaseCallbacks((task) =>
				kiteJobs.some((job) => job.taskId === task.id),
			);
			expect(callbacks.map((callback) => callback.status)).toEqual([200, 200, 200]);
			const result = n8n.result(await n8n.waitForExecution(kites));
			expect(result.code).toBe(0);
			const items = result.output('AceData Cloud Images');
			expect(
				items.map((item) => [
					item.pairedItem,
					item.binary.data.fileName,
					item.binary.data.mimeType,
				]),
			).toEqual([
				[{ item: 0 }, 'a-red-kite-1.png', 'image/png'],
				[{ item: 1 }, 'a-blue-kite-1.png', 'image/png'],
				[{ item: 2 }, 'a-green-kite-1.png', 'image/png'],
			]);
			const byPrompt = (prompt) =>
				kiteJobs.find((job) => job.body.prompt === prompt).images[0].sha256;
			expect(items.map((item) => sha(n8n.binaryBytes(item.binary.data)))).toEqual(
				['A red kite', 'A blue kite', 'A green kite'].map(byPrompt),
			);
			expect(items.map((item) => item.json.taskId)).toEqual(
				['A red kite', 'A blue kite', 'A green kite'].map(
					(prompt) => kiteJobs.find((job) => job.body.prompt === prompt).taskId,
				),
			);
			const written = result
				.output('Write Files to Disk')
				.map((item) => path.basename(item.json.fileName));
			expect(written).toEqual([
				'callback-a-red-kite-1.png',
				'callback-a-blue-kite-1.png',
				'callback-a-green-kite-1.png',
			]);
			expect(billed()).toHaveLength(4); // nothing billed twice across the wait and the restart
			noToken({ stdout: JSON.stringify(result.data), stderr: n8n.logSince(0) });
		});

		test("a repeated callback cannot resume a later Wait node: it reaches only the AceData node's own webhook", async () => {
			simulator.config.holdCallbacks = true;
			const run = await n8n.startRun('e2eCbThenWait001');
			await n8n.waitForExecution(run, parked);
			// The node's own look-up after parking (about 1.5 s later) must not meet the released callback: when both
			// see the task finished, either may resume and the other is refused. Wait for it, then call back.
			const lookups = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
			await until(() => lookups().length >= 2, {
				what: "the node's look-up after it parked",
				timeoutMs: 30000,
			});
			const [first] = await simulator.releaseCallbacks();
			expect(first.status).toBe(200);
			// Resumed: the images went on to the Approval Wait node, which now parks the run for a person.
			const parkedAtApproval = (execution) =>
				parked(execution) && execution.data.resultData.lastNodeExecuted === 'Approval';
			const atApproval = n8n.result(await n8n.waitForExecution(run, parkedAtApproval));
			expect(atApproval.output('AceData Cloud Images')).toHaveLength(1);
			// AceData repeats its callback (as after n8n's 500 to simultaneous callbacks): it must not approve anything.
			const again = await n8n.request(first.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(first.body),
			});
			expect(again.status).toBe(404);
			expect((await n8n.getExecution(run)).status).toBe('waiting');
			// The person's approval (the Wait node's own resume URL) still resumes it, with their answer.
			const approvalUrl = new URL(first.url);
			approvalUrl.pathname = approvalUrl.pathname.replace(/\/acedata-images-callback$/, '');
			approvalUrl.searchParams.delete('acedata_item');
			const approve = await n8n.request(approvalUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ approved: true }),
			});
			expect(approve.status).toBe(200);
			// ended(): the status and the final run data both (n8n 1.x saves them in two writes).
			const result = n8n.result(await n8n.waitForExecution(run));
			expect(result.code).toBe(0);
			expect(result.output('Approval')[0].json.body).toEqual({ approved: true });
			expect(result.output('AceData Cloud Images')[0].binary.data.fileName).toBe(
				'an-approved-kite-1.png',
			);
			expect(billed()).toHaveLength(1);
		});

		describe('editor', () => defineEditorTests(version, { simulator, n8n: () => n8n }));
	});
}

module.exports = { defineSuite, TOKEN };
