import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { binaryBytes, delay, imageRunner, runNode, waitFor } from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();

const billed = () => simulator.billed();
const taskCalls = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
const sentImages = () => simulator.sentImages();

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: 'A cute baby sea otter',
	n: 1,
	delivery: 'poll',
	options: { pollInterval: 0.05 },
});

function getTask(taskId: string, options: INodeParameters = {}) {
	return runNode({
		parameters: { resource: 'task', operation: 'get', taskId, options },
		credentials: credentials(),
	});
}

describe('Delivery: poll', () => {
	it('submits with async, polls until the task finishes, and emits the images exactly like wait', async () => {
		simulator.config.taskPolls = 3;
		const { items, error } = await generate({
			n: 2,
			options: { outputFormat: 'webp', pollInterval: 0.05 },
		});
		expect(error).toBeUndefined();
		expect(billed()).toHaveLength(1);
		expect(billed()[0].body).toMatchObject({ async: true, n: 2, output_format: 'webp' });
		const taskId = billed()[0].taskId;
		expect(taskCalls().map((entry) => entry.body)).toEqual([
			{ action: 'retrieve', id: taskId },
			{ action: 'retrieve', id: taskId },
			{ action: 'retrieve', id: taskId },
		]);
		expect(items).toHaveLength(2);
		expect(items.map((item) => item.binary?.data.fileName)).toEqual([
			'a-cute-baby-sea-otter-1.webp',
			'a-cute-baby-sea-otter-2.webp',
		]);
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
		expect(items[0].json).toMatchObject({
			index: 0,
			model: 'gpt-image-1',
			prompt: 'A cute baby sea otter',
			taskId,
		});
		expect(items[0].json.traceId).toMatch(/[0-9a-f-]{36}/);
		expect(items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it('downloads URL results of a finished task without the token', async () => {
		const { items } = await generate({ model: 'dall-e-3', size: '1024x1024' });
		const download = simulator.requests.find((entry) => entry.path.startsWith('/files/'));
		expect(download?.headers.authorization).toBeUndefined();
		expect(items[0].json.revisedPrompt).toContain('revised by the simulator');
		expect(binaryBytes(items[0].binary?.data)).toEqual(sentImages()[0]);
	});

	it('polls five pending tasks together: one retrieve_batch per round, one submission per item', async () => {
		simulator.config.taskPolls = 2;
		const inputs = [1, 2, 3, 4, 5].map((number) => ({ json: { prompt: `Picture ${number}` } }));
		const { items } = await generate({ prompt: '={{ $json.prompt }}' }, { items: inputs });
		expect(billed()).toHaveLength(5);
		expect(taskCalls()).toHaveLength(2);
		const ids = billed().map((entry) => entry.taskId);
		for (const call of taskCalls())
			expect(call.body).toEqual({ action: 'retrieve_batch', ids, offset: 0, limit: 5 });
		expect(items.map((item) => [item.pairedItem, item.json.prompt])).toEqual(
			[0, 1, 2, 3, 4].map((index) => [{ item: index }, `Picture ${index + 1}`]),
		);
	});

	it('gives up at Max Wait with an error that names the task and says how to fetch it later', async () => {
		const { error } = await generate({
			prompt: 'Slow [[never]]',
			options: { pollInterval: 0.05, maxWait: 0.3 },
		});
		const taskId = billed()[0].taskId as string;
		expect(error?.message).toContain(`Task ${taskId} is still running after 0.3 s`);
		expect(error?.message).toContain('Task › Get');
		expect(error?.description).toContain(`task ID: ${taskId}`);
		expect(billed()).toHaveLength(1);
		expect(taskCalls().length).toBeGreaterThan(0);
	});

	it('names the tasks already submitted for other items when a later item fails', async () => {
		const { error } = await generate(
			{ prompt: '={{ $json.prompt }}' },
			{ items: [{ json: { prompt: 'Fine' } }, { json: { prompt: 'Broke [[error:used_up]]' } }] },
		);
		expect(error?.message).toMatch(/balance is used up/);
		expect(error?.description).toContain(
			`Paid jobs whose images were not emitted (fetch them with Task › Get; do not submit them again): item 0: ${billed()[0].taskId}`,
		);
	});

	it('reports a failed task like any API error, billed once', async () => {
		const { error } = await generate({ prompt: 'Broken [[task:fail]]' });
		expect(error?.message).toMatch(/upstream image service failed/);
		expect(error?.description).toContain(`task ID: ${billed()[0].taskId}`);
		expect(billed()).toHaveLength(1);
	});

	it('retries a poll that hit a 5xx or 429, without submitting again', async () => {
		simulator.inject(
			{ path: '/openai/tasks', code: 'api_error', status: 502, times: 1 },
			{ path: '/openai/tasks', code: 'too_many_requests', retryAfter: 0, times: 1 },
		);
		const { items, error } = await generate({});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(billed()).toHaveLength(1);
		expect(taskCalls().map((entry) => entry.status)).toEqual([502, 429, 200, 200]);
	});

	it('stops polling at once when the execution is cancelled', async () => {
		let cancel: () => void = () => undefined;
		const run = generate(
			{ prompt: 'Forever [[never]]', options: { pollInterval: 0.05, maxWait: 60 } },
			{ onStarted: (fn) => (cancel = fn) },
		);
		await waitFor(() => taskCalls().length >= 2);
		cancel();
		const atCancel = simulator.requests.length;
		await run;
		await delay(500);
		expect(simulator.requests.length - atCancel).toBeLessThanOrEqual(1); // at most the poll already in flight
		expect(billed()).toHaveLength(1);
	});
});

describe('Delivery: submit', () => {
	it('emits the task id at once per input item, without polling', async () => {
		const { items } = await generate(
			{ delivery: 'submit', prompt: '={{ $json.prompt }}', options: { traceId: 'campaign-7' } },
			{ items: [{ json: { prompt: 'One' } }, { json: { prompt: 'Two' } }] },
		);
		expect(items.map((item) => item.json)).toEqual(
			billed().map((entry, index) => ({
				taskId: entry.taskId,
				traceId: 'campaign-7',
				status: 'submitted',
				model: 'gpt-image-1',
				prompt: ['One', 'Two'][index],
				imagesRequested: 1,
			})),
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(billed().map((entry) => entry.body?.async)).toEqual([true, true]);
		expect(taskCalls()).toHaveLength(0);
	});

	it('passes the callback URL, and AceData posts the result there', async () => {
		const callbackUrl = `${simulator.url}/__sim/sink/acedata`;
		const { items } = await generate({ delivery: 'submit', options: { callbackUrl } });
		expect(billed()[0].body).toMatchObject({ callback_url: callbackUrl, async: true });
		const taskId = items[0].json.taskId;
		await waitFor(() => simulator.sink.length > 0);
		expect(simulator.sink[0].body).toMatchObject({
			success: true,
			task_id: taskId,
			data: { data: [{}] },
		});
	});
});

describe('Callback URL with wait', () => {
	it('still returns the images: AceData answers with a task, the node polls it', async () => {
		const callbackUrl = `${simulator.url}/__sim/sink/acedata`;
		const { items, error } = await generate({
			delivery: 'wait',
			options: { callbackUrl, pollInterval: 0.05 },
		});
		expect(error).toBeUndefined();
		expect(billed()).toHaveLength(1);
		expect(billed()[0].body).not.toHaveProperty('async');
		expect(billed()[0].body?.callback_url).toBe(callbackUrl);
		expect(items).toHaveLength(1);
		expect(binaryBytes(items[0].binary?.data)).toEqual(sentImages()[0]);
		expect(simulator.sink).toHaveLength(1);
	});
});

describe('Task › Get', () => {
	async function submitted(prompt = 'A heron', extra: IDataObject = {}) {
		const { items } = await generate({ delivery: 'submit', prompt, ...extra });
		return String(items[0].json.taskId);
	}

	it('says running for an unfinished task', async () => {
		simulator.config.taskPolls = 5;
		const taskId = await submitted();
		const { items } = await getTask(taskId);
		// AceData's record type is kept (its status field is gone: running means no finished_at).
		expect(items).toEqual([
			{
				json: {
					taskId,
					status: 'running',
					traceId: expect.any(String),
					type: 'images_generations',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('emits a finished task exactly like wait', async () => {
		simulator.config.taskPolls = 1;
		const taskId = await submitted('A heron at dusk', { n: 2, options: { outputFormat: 'jpeg' } });
		const { items, error } = await getTask(taskId, { fileName: '{taskId}-{number}' });
		expect(error).toBeUndefined();
		expect(
			items.map((item) => [item.json.index, item.json.prompt, item.json.model, item.json.taskId]),
		).toEqual([
			[0, 'A heron at dusk', 'gpt-image-1', taskId],
			[1, 'A heron at dusk', 'gpt-image-1', taskId],
		]);
		expect(items.map((item) => item.binary?.data.fileName)).toEqual([
			`${taskId}-1.jpg`,
			`${taskId}-2.jpg`,
		]);
		expect(items.map((item) => item.binary?.data.mimeType)).toEqual(['image/jpeg', 'image/jpeg']);
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
		expect(billed()).toHaveLength(1);
	});

	it('fails for a failed task, naming it', async () => {
		simulator.config.taskPolls = 1;
		const taskId = await submitted('Broken [[task:fail]]');
		const { error } = await getTask(taskId);
		expect(error?.message).toMatch(/upstream image service failed/);
		expect(error?.description).toContain(`task ID: ${taskId}`);
	});

	it('fails with "task not found" for an unknown id', async () => {
		const { error } = await getTask('no-such-task');
		expect(error?.message).toContain('AceData knows no task or trace ID "no-such-task"');
		expect(JSON.stringify(error)).not.toContain(TOKEN);
		expect(billed()).toHaveLength(0);
	});
});
