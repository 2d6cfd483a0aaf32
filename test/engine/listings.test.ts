/**
 * Look-ups and listings whatever shape AceData's pages take (all within what it documents): with or without `count`,
 * pages shorter than asked, `limit` or `offset` ignored, records repeated or out of order. No paid task is lost to
 * paging, and a listing is complete or says what it left out.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { callWebhook, delay, imageRunner, runNode } from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: '={{ $json.prompt }}',
	n: 1,
	size: '1024x1024',
	options: { pollInterval: 0.05, concurrency: 20, maxWait: 60 },
});
const prompts = (count: number, label = 'Task'): INodeExecutionData[] =>
	Array.from({ length: count }, (_, index) => ({ json: { prompt: `${label} ${index + 1}` } }));
const getMany = (parameters: Record<string, unknown>) =>
	runNode({
		parameters: { resource: 'task', operation: 'getMany', ...parameters },
		credentials: credentials(),
		continueOnFail: true,
	});

const SHAPES = ['standard', 'noCount', 'ignoresLimit', 'ignoresOffset', 'shuffled'] as const;

describe.each(SHAPES)('pages shaped %s, at most 12 records a page', (shape) => {
	beforeEach(() => {
		simulator.config.pageShape = shape;
		simulator.config.batchMaxLimit = 12;
	});

	it('Poll: 30 paid tasks, 30 items of images, none lost to paging', async () => {
		const { items, error } = await generate(
			{ delivery: 'poll' },
			{ items: prompts(30), continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.filter((item) => item.json.error)).toEqual([]);
		expect(items.filter((item) => item.binary?.data)).toHaveLength(30);
		expect(new Set(items.map((item) => (item.pairedItem as { item: number }).item)).size).toBe(30);
		expect(simulator.billed()).toHaveLength(30);
	});

	it('Get Many by 60 task IDs with Limit 50: all 60 listed, none reported as not asked for', async () => {
		await generate({ delivery: 'submit' }, { items: prompts(60) });
		const ids = simulator.billed().map((entry) => String(entry.taskId));
		const result = await getMany({ taskIds: ids.join(','), limit: 50 });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.taskId).sort()).toEqual([...ids].sort());
		expect(result.hints.map((hint) => hint.message).join(' ')).not.toMatch(/not asked for/);
	});
});

describe('Callback delivery with count-less pages of 12', () => {
	it('once every one of 15 tasks finished, a callback resumes the run with every image', async () => {
		simulator.config.pageShape = 'noCount';
		simulator.config.batchMaxLimit = 12;
		simulator.config.holdCallbacks = true;
		const parked = await generate(
			{ delivery: 'callback', options: { maxWait: 300, concurrency: 15 } },
			{
				items: prompts(15),
				webhookWaitingBaseUrl: `${simulator.url}/__sim/sink/webhook-waiting`,
				continueOnFail: true,
			},
		);
		expect(parked.run.waitTill).toBeDefined();
		const callbacks = await simulator.releaseCallbacks();
		expect(callbacks).toHaveLength(15);
		// Every task is finished now: the first callback's look-up (pages of 12, no count) must see all 15.
		const first = await callWebhook(parked, callbacks[0].body as Record<string, unknown>);
		expect(first.body).toBeUndefined();
		expect(first.items?.filter((item) => item.binary?.data)).toHaveLength(15);
	});
});

describe('Task › Get Many is complete or says what it left out', () => {
	it('210 tasks by creation time in pages of 5 (42 pages): all listed', async () => {
		const since = Date.now() - 1000;
		await generate({ delivery: 'submit' }, { items: prompts(210) });
		simulator.config.batchMaxLimit = 5;
		const result = await getMany({ createdAfter: new Date(since).toISOString(), limit: 1000 });
		expect(result.items).toHaveLength(210);
		expect(result.hints).toEqual([]);
	});

	it('Limit reached with more to list: a hint says how many more and how to get them', async () => {
		const since = Date.now() - 1000;
		await generate({ delivery: 'submit' }, { items: prompts(30) });
		const result = await getMany({ createdAfter: new Date(since).toISOString(), limit: 10 });
		expect(result.items).toHaveLength(10);
		expect(result.hints.map((hint) => hint.message)).toEqual([
			'Item 1: Listed 10 tasks: AceData has 20 more for this filter. Raise Limit (up to 1000), or narrow Created After / Created Before to list the rest',
		]);
	});

	it('with Download Images, a task whose image is gone (404) or that has no images is its own item; the others come out', async () => {
		await generate({ delivery: 'poll' }, { items: prompts(3, 'Kept') });
		const ids = simulator.billed().map((entry) => String(entry.taskId));
		simulator.inject({
			path: '/files/',
			prompt: 'Kept 2',
			code: 'no_api',
			status: 404,
			times: 100,
		});
		const result = await getMany({ taskIds: ids.join(','), downloadImages: true });
		expect(result.error).toBeUndefined();
		expect(
			result.items
				.filter((item) => item.binary?.data)
				.map((item) => item.json.prompt)
				.sort(),
		).toEqual(['Kept 1', 'Kept 3']);
		const gone = result.items.find((item) => item.json.prompt === 'Kept 2');
		expect(gone?.json).toMatchObject({
			taskId: ids[1],
			status: 'succeeded',
			failure: { code: 'download_failed' },
		});
		expect(String((gone?.json.failure as { message: string }).message)).toContain('HTTP 404');
		expect(JSON.stringify(result.items)).not.toContain(TOKEN);
		await delay(1);
	});
});
