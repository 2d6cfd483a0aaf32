/**
 * Trust boundaries (issue 18): what users type through expressions, and what AceData (or a proxy) really sends,
 * each parsed once where it enters. Every case here failed on the code before the boundaries: billed for nothing,
 * threw a JavaScript error at the user, lost paid images, or resumed the wrong thing.
 */
import type { INodeParameters } from 'n8n-workflow';

import { LIGHTHOUSE, callWebhook, imageRunner, runNode, waitFor } from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });
const billed = () => simulator.billed();
const everything = (value: unknown) => JSON.stringify(value);

const generate = imageRunner(credentials, {
	...LIGHTHOUSE,
	delivery: 'wait',
	options: { pollInterval: 0.05, maxWait: 30 }, // roomy: no test here is about Max Wait
});

describe('What users type: refused before anything is sent, naming the parameter and what it resolved to', () => {
	it.each<[string, unknown, string]>([
		['undefined (a mapping slip)', '={{ $json.missing }}', 'undefined'],
		['null', '={{ null }}', 'null'],
		['an object', '={{ $json.object }}', 'an object'],
		['an array', '={{ $json.list }}', 'an array'],
		['true', '={{ true }}', 'true'],
	])('a prompt that resolves to %s', async (_, prompt, said) => {
		const items = [{ json: { object: { a: 1 }, list: ['a', 'b'] } }];
		const { error } = await generate({ prompt: prompt as string }, { items });
		expect(error?.message).toContain('Parameter "Prompt" must be text');
		expect(error?.message).toContain(said);
		expect(error?.message).not.toMatch(/is not a function|Cannot read properties/);
		expect(simulator.requests).toHaveLength(0);
	});

	it('a number passes as its text', async () => {
		const { error } = await generate({ prompt: '={{ 42 }}' });
		expect(error).toBeUndefined();
		expect(billed()[0].body?.prompt).toBe('42');
	});

	it.each<[string, INodeParameters, string]>([
		[
			'Max Download Size 0.000001',
			{ options: { maxDownloadMb: 0.000001 } },
			'Parameter "Max Download Size (MB)" must be a number of MB from 1 to 2048 (got 0.000001)',
		],
		[
			'Max Download Size "lots"',
			{ options: { maxDownloadMb: 'lots' } },
			'Parameter "Max Download Size (MB)" must be a number of MB from 1 to 2048 (got "lots")',
		],
		[
			'Max Wait 0.001',
			{ options: { maxWait: 0.001 } },
			'Parameter "Max Wait (Seconds)" must be at least 0.25 seconds (got 0.001)',
		],
		[
			'Delivery "POLL"',
			{ delivery: 'POLL' },
			'Parameter "Delivery" must be one of wait, poll, submit, callback (got "POLL")',
		],
		[
			'Delivery "async"',
			{ delivery: 'async' },
			'Parameter "Delivery" must be one of wait, poll, submit, callback',
		],
		[
			'Output Layout as an object',
			{ options: { outputLayout: '={{ {} }}' } },
			'Parameter "Output Layout" must be one of itemPerImage, singleItem (got an object)',
		],
	])('%s is refused before anything is billed', async (_, parameters, message) => {
		const { error } = await generate(parameters);
		expect(error?.message).toContain(message);
		expect(error?.description).toContain('Nothing was sent to AceData and nothing was billed');
		expect(simulator.requests).toHaveLength(0);
	});

	it.each([
		['api.acedata.cloud (no https://)', 'api.acedata.cloud', 'is not a URL'],
		['ftp://', 'ftp://api.acedata.cloud', 'must start with https://'],
		['a query', 'https://api.acedata.cloud/?x=1', 'must not have a query'],
	])(
		'a Base URL typed as %s sends nothing, is not looked up, and points at the credential',
		async (_, baseUrl, said) => {
			const started = Date.now();
			const { items } = await runNode({
				parameters: {
					resource: 'image',
					operation: 'generate',
					model: 'gpt-image-1',
					prompt: 'A kite',
					n: 1,
					size: '1024x1024',
					delivery: 'wait',
					options: {},
				},
				credentials: { apiToken: TOKEN, baseUrl },
				continueOnFail: true,
			});
			expect(items).toHaveLength(1);
			expect(items[0].json.error).toContain('Base URL of the AceData Cloud API credential');
			expect(items[0].json.error).toContain(said);
			expect(items[0].json.billing).toBe('none');
			expect(Date.now() - started).toBeLessThan(5000);
		},
	);

	it('a Base URL with surrounding spaces is trimmed and works', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'gpt-image-1',
				prompt: 'A kite',
				n: 1,
				size: '1024x1024',
				delivery: 'wait',
				options: {},
			},
			credentials: { apiToken: TOKEN, baseUrl: `  ${credentials().baseUrl}/  ` },
		});
		expect(error).toBeUndefined();
		expect(billed()).toHaveLength(1);
	});

	it('a refused connection is "none", not "may have been accepted", and is not looked up', async () => {
		const { items } = await runNode({
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'gpt-image-1',
				prompt: 'A kite',
				n: 1,
				size: '1024x1024',
				delivery: 'wait',
				options: {},
			},
			credentials: { apiToken: TOKEN, baseUrl: 'http://127.0.0.1:1' },
			continueOnFail: true,
		});
		expect(items[0].json.billing).toBe('none');
		expect(items[0].json.error).toContain('nothing was sent');
	});

	it('a Model set by an expression runs: n8n then shows Custom Model ID, which must not block the run', async () => {
		const items = [
			{ json: { prompt: 'A', model: 'gpt-image-1' } },
			{ json: { prompt: 'B', model: 'custom' } },
		];
		const result = await generate(
			{ prompt: '={{ $json.prompt }}', model: '={{ $json.model }}' },
			{ items, continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(simulator.billed().map((entry) => [entry.body?.prompt, entry.body?.model])).toEqual([
			['A', 'gpt-image-1'],
		]);
		// The model is checked from what the expression resolved to: "custom" with no Custom Model ID is refused.
		expect(result.items[1].json.error).toMatch(/Custom Model ID/);
		expect(result.items[1].json.billing).toBe('none');
	});
});

describe('Stop means stop', () => {
	it('three items, Concurrency 1, the first refused (400): nothing more is sent, and only it is named', async () => {
		simulator.inject({ path: '/openai/images/', code: 'bad_request', status: 400, times: 1 });
		const items = ['One', 'Two', 'Three'].map((prompt) => ({ json: { prompt } }));
		const { error } = await generate({ prompt: '={{ $json.prompt }}' }, { items });
		expect(error?.message).toContain('AceData refused the request');
		expect(billed()).toHaveLength(1);
		expect(error?.description ?? '').not.toContain('Paid jobs');
	});

	it('with Continue On Fail every item still ends as exactly one outcome', async () => {
		simulator.inject({ path: '/openai/images/', code: 'bad_request', status: 400, times: 1 });
		const items = ['One', 'Two', 'Three'].map((prompt) => ({ json: { prompt } }));
		const result = await generate(
			{ prompt: '={{ $json.prompt }}' },
			{ items, continueOnFail: true },
		);
		expect(result.items.map((item) => [item.pairedItem, item.json.error === undefined])).toEqual([
			[{ item: 0 }, false],
			[{ item: 1 }, true],
			[{ item: 2 }, true],
		]);
	});
});

describe('What AceData sends: parsed once, never an exception, never the token', () => {
	const failedRecord =
		(error: unknown, extra: Record<string, unknown> = {}) =>
		(record: Record<string, unknown>) => ({
			...record,
			...extra,
			finished_at: Date.now() / 1000,
			response: { success: false, error },
		});

	it.each<[string, (record: Record<string, unknown>) => unknown]>([
		['error.code a number', failedRecord({ code: 500, message: 'boom' })],
		['error.message an object', failedRecord({ code: 'api_error', message: { nested: true } })],
		['trace_id a number', failedRecord({ code: 'api_error', message: 'x' }, { trace_id: 12345 })],
	])(
		'a failed record with %s is a clear failure of its item, naming the task',
		async (_, patchRecord) => {
			simulator.inject({ path: '/openai/tasks', patchRecord, times: 100 });
			const { items } = await generate({ delivery: 'poll' }, { continueOnFail: true });
			expect(items).toHaveLength(1);
			expect(items[0].json.error).not.toMatch(
				/is not a function|Cannot read properties|\[object Object\]/,
			);
			expect(items[0].json.taskId).toBe(billed()[0].taskId);
			expect(billed()).toHaveLength(1);
		},
	);

	it.each<[string, (record: Record<string, unknown>) => unknown, string]>([
		[
			'data: [null]',
			(record) => ({ ...record, finished_at: Date.now() / 1000, response: { data: [null] } }),
			'"response.data.0" is null',
		],
		[
			'finished_at: false',
			(record) => ({ ...record, finished_at: false }),
			'"finished_at" is false',
		],
	])('a record with %s is a typed failure of the item', async (_, patchRecord, said) => {
		simulator.inject({ path: '/openai/tasks', patchRecord, times: 100 });
		const { items } = await generate({ delivery: 'poll' }, { continueOnFail: true });
		expect(items[0].json.error).toContain('does not fit what the node reads');
		expect(items[0].json.error).toContain(said);
		expect(items[0].json.billing).toBe('paid');
	});

	it('Task › Get refuses a record without an id (even one carrying a trace ID)', async () => {
		simulator.inject({
			path: '/openai/tasks',
			patchRecord: (record) => ({ ...record, id: undefined, trace_id: 'another-job' }),
			times: 10,
		});
		const submitted = await generate({ delivery: 'submit' });
		const taskId = String(submitted.items[0].json.taskId);
		const { error, items } = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId, options: {} },
			credentials: credentials(),
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toContain(`AceData's record of task ${taskId} does not fit`);
	});

	it('the token echoed in an acknowledgement, a record and usage reaches nothing emitted', async () => {
		simulator.inject({
			path: '/openai/images/',
			patchAnswer: (answer) => ({
				...answer,
				task_id: `${answer.task_id}`,
				trace_id: `${TOKEN}`,
				usage: { [TOKEN]: 5, input_tokens: 3 },
				created: TOKEN,
			}),
			times: 1,
		});
		const { items } = await generate({}, { continueOnFail: true });
		expect(items.length).toBeGreaterThan(0);
		expect(everything(items)).not.toContain(TOKEN);
		expect(items[0].json.usage).toMatchObject({ input_tokens: 3 });
	});

	it("Task › Get: the token in the record's prompt is not in the output nor in the file name", async () => {
		const submitted = await generate({ delivery: 'submit' });
		const taskId = String(submitted.items[0].json.taskId);
		simulator.inject({
			path: '/openai/tasks',
			patchRecord: (record) => ({
				...record,
				request: { ...(record.request as object), prompt: `leak ${TOKEN}` },
			}),
			times: 10,
		});
		simulator.config.taskPolls = 0;
		const { items } = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId, options: {} },
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(everything(items)).not.toContain(TOKEN);
	});
});

describe('Recovery finds the right job', () => {
	it('a Trace ID reused from an earlier run never emits the earlier job: the item fails naming its own trace ID', async () => {
		const traceId = 'my-fixed-trace-id';
		await generate({ prompt: 'First run', options: { traceId } });
		expect(billed()).toHaveLength(1);
		// The second run's answer is lost after AceData accepted it: the look-up by trace ID finds the first job.
		simulator.inject({ path: '/openai/images/', accept: true, drop: true, times: 1 });
		const { items } = await generate(
			{ prompt: 'Second run', options: { traceId, pollInterval: 0.05, maxWait: 30 } },
			{ continueOnFail: true },
		);
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.error).toContain(`trace ID ${traceId}`);
		expect(items[0].json.error).toContain('is not this request');
		expect(items[0].json.billing).toBe('maybe');
	});
});

describe('The callback webhook never throws and reaches only this node', () => {
	const park = async () =>
		await generate({ delivery: 'callback', options: { maxWait: 300 } }, { continueOnFail: true });

	it.each<[string, unknown]>([
		['no body', undefined],
		['a string', 'hello'],
		['task_id an object', { task_id: { $ne: 1 } }],
		['task_id a huge string', { task_id: 'x'.repeat(100_000) }],
	])('a callback with %s is answered 404 and the run stays parked', async (_, body) => {
		simulator.config.holdCallbacks = true;
		const parked = await park();
		const answer = await callWebhook(parked, body as Record<string, unknown>);
		expect(answer.status).toBe(404);
		expect(answer.items).toBeUndefined();
	});

	it('a callback lost while n8n was still parking the run is not lost: the node asks its own webhook to look again', async () => {
		simulator.config.holdCallbacks = true;
		// The resume URL points at the simulator's sink: every POST to it is recorded, none is answered by the node.
		const parked = await generate(
			{ delivery: 'callback', options: { maxWait: 300 } },
			{ webhookWaitingBaseUrl: `${simulator.url}/__sim/sink/webhook-waiting` },
		);
		expect(parked.run.waitTill).toBeDefined();
		// AceData finishes and calls back, but the call reaches no parked run (as n8n's 409 to a running execution).
		await simulator.releaseCallbacks();
		const nudge = () =>
			simulator.sink.find(
				(entry) => (entry.body as { acedata_recheck?: boolean } | null)?.acedata_recheck === true,
			);
		await waitFor(() => nudge() !== undefined, 5000);
		const found = nudge();
		expect(found?.path).toMatch(/\/acedata-images-callback$/);
		const resumed = await callWebhook(parked, found?.body as Record<string, unknown>);
		expect(resumed.items?.map((item) => item.binary?.data.fileName)).toEqual([
			'a-lighthouse-1.png',
		]);
		expect(billed()).toHaveLength(1);
	});

	it('a finished record that does not fit resumes with an error item for it, not an exception', async () => {
		simulator.config.holdCallbacks = true;
		const parked = await park();
		await simulator.releaseCallbacks();
		simulator.inject({
			path: '/openai/tasks',
			patchRecord: (record) => ({ ...record, response: { data: [null] } }),
			times: 10,
		});
		const taskId = billed()[0].taskId;
		const answer = await callWebhook(parked, { task_id: taskId });
		expect(answer.items).toHaveLength(1);
		expect(answer.items?.[0].json.error).toContain('does not fit');
		expect(answer.items?.[0].json.taskId).toBe(taskId);
	});

	it('the parked state sits under one key beside the item, never in the JSON or files Max Wait passes through, nor in the resumed items', async () => {
		simulator.config.holdCallbacks = true;
		const parked = await park();
		const input = parked.run.data.executionData?.nodeExecutionStack[0].data.main[0] ?? [];
		expect(input[0]).toHaveProperty('__aceDataImages');
		expect(everything(input.map((item) => [item.json, item.binary]))).not.toContain(
			'__aceDataImages',
		);
		await simulator.releaseCallbacks();
		const resumed = await callWebhook(parked, { task_id: billed()[0].taskId });
		expect(resumed.items).toHaveLength(1);
		expect(everything(resumed.items)).not.toContain('__aceDataImages');
	});
});
