// Spend a user can see, bound and audit, through the n8n engine against the simulator: cost and usage on every
// image, the run's tokens in n8n's own accounting, Max Images per Run, and Task › Get Many.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import {
	NODE_NAME,
	binaryBytes,
	delay,
	imageRunner,
	runNode,
	type RunResult,
} from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();

const billed = () => simulator.billed();
const lookups = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
const task = (result: RunResult) =>
	result.run.data.resultData.runData[NODE_NAME]?.[0] as unknown as {
		metadata?: { tokenUsage?: IDataObject };
		hints?: Array<{ message: string; type?: string }>;
	};
const info = (result: RunResult) =>
	(task(result)?.hints ?? []).filter((hint) => hint.type === 'info').map((hint) => hint.message);

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'nano-banana-pro',
	prompt: '={{ $json.prompt }}',
	size: '1024x1024',
	n: 2,
	delivery: 'poll',
	options: { pollInterval: 0.05 },
});
const prompts = (...list: string[]) => list.map((prompt) => ({ json: { prompt } }));
const getMany = (parameters: INodeParameters, items?: INodeExecutionData[]) =>
	runNode({
		parameters: { resource: 'task', operation: 'getMany', ...parameters },
		credentials: credentials(),
		...(items ? { items } : {}),
	});

describe('Spend on every image and every run', () => {
	it('each image carries its share of its job’s cost (from the task record); the shares add up to the record’s cost', async () => {
		const result = await generate({}, { items: prompts('A fox', 'A heron') });
		expect(result.error).toBeUndefined();
		expect(result.items.map(({ json }) => json.cost)).toEqual(
			Array(4).fill({ amount: 0.35, currency: 'credit' }),
		);
		const record = lookups().length; // the records' cost came from the look-ups, not from an invention
		expect(record).toBeGreaterThan(0);
		expect(info(result)).toEqual([
			'This run: 4 images from 2 jobs, 1.4 credit, as AceData reported them',
		]);
	});

	it('Single Item: the item carries the job’s whole cost and token count', async () => {
		const result = await generate(
			{
				model: 'gpt-image-1',
				size: 'auto',
				options: { pollInterval: 0.05, outputLayout: 'singleItem' },
			},
			{ items: prompts('A fox') },
		);
		const [item] = result.items;
		expect(item.json.cost).toEqual({ amount: 0.4, currency: 'credit' });
		expect((item.json.images as IDataObject[]).map((image) => image.cost)).toEqual([
			{ amount: 0.2, currency: 'credit' },
			{ amount: 0.2, currency: 'credit' },
		]);
		expect(item.json.usage).toMatchObject({ output_tokens: 2112 });
	});

	it('nothing is invented: no cost in the answer or record (Wait; records without cost), no usage from Nano Banana', async () => {
		const wait = await generate({ delivery: 'wait' }, { items: prompts('A fox') });
		expect(wait.items.map(({ json }) => [json.cost, json.usage])).toEqual([
			[undefined, undefined],
			[undefined, undefined],
		]);
		expect(info(wait)).toEqual([]);
		simulator.config.recordCost = false;
		const poll = await generate({}, { items: prompts('A fox') });
		expect(poll.items.every(({ json }) => json.cost === undefined)).toBe(true);
	});

	it("the run's tokens go into n8n's token accounting once per job (not once per image), and say so above the output", async () => {
		const result = await generate(
			{ model: 'gpt-image-1', size: 'auto', delivery: 'wait' },
			{ items: prompts('A fox', 'A heron') },
		);
		const perJob = billed().map((entry) => Math.ceil(String(entry.body?.prompt).length / 4));
		expect(task(result)?.metadata?.tokenUsage).toEqual({
			inputTokens: perJob[0] + perJob[1],
			outputTokens: 2 * 2112,
		});
		expect(info(result)).toEqual([
			`This run: 4 images from 2 jobs, ${(perJob[0] + perJob[1] + 4224).toLocaleString('en-US')} tokens (${perJob[0] + perJob[1]} in, 4,224 out), as AceData reported them`,
		]);
	});

	it('Task › Get re-fetches a job: its images keep their cost, but it adds nothing to the run’s token count', async () => {
		await generate(
			{ model: 'gpt-image-1', size: 'auto', delivery: 'submit' },
			{ items: prompts('A fox') },
		);
		const taskId = billed()[0].taskId as string;
		await runNode({
			parameters: { resource: 'task', operation: 'get', taskId },
			credentials: credentials(),
		});
		const got = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId },
			credentials: credentials(),
		});
		expect(got.items.map(({ json }) => json.cost)).toEqual(
			Array(2).fill({ amount: 0.2, currency: 'credit' }),
		);
		expect(task(got)?.metadata?.tokenUsage).toBeUndefined();
	});
});

describe('Max Images per Run', () => {
	const five = prompts('One', 'Two', 'Three', 'Four', 'Five');

	it('without Continue On Fail: one error naming the cap and what the run asks, and nothing is sent', async () => {
		const { error, items } = await generate({ options: { maxImagesPerRun: 6 } }, { items: five });
		expect(error?.message).toBe(
			'Max Images per Run is 6: this run asks for 10 images (5 items × Number of Images)',
		);
		expect(error?.description).toContain(
			'Nothing was sent to AceData for it and nothing was billed',
		);
		expect(items).toEqual([]);
		expect(simulator.requests).toHaveLength(0);
	});

	it('with Continue On Fail: the items within the cap run, the rest are error items (billing none), paired', async () => {
		const { items, error } = await generate(
			{ options: { maxImagesPerRun: 6, pollInterval: 0.05 } },
			{ items: five, continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(billed().map((entry) => entry.body?.prompt)).toEqual(['One', 'Two', 'Three']);
		const refused = items.filter((item) => item.json.error);
		expect(refused.map((item) => [item.pairedItem, item.json.code, item.json.billing])).toEqual([
			[{ item: 3 }, 'max_images_per_run', 'none'],
			[{ item: 4 }, 'max_images_per_run', 'none'],
		]);
		expect(refused[0].json.error).toBe(
			'Max Images per Run is 6 and this execution has already asked AceData for 6 images: this item would ask for 2 more',
		);
		expect(items.filter((item) => item.binary)).toHaveLength(6);
	});

	it('a mis-wired fan-out of 30 prompts at Concurrency 20 and a cap of 10: exactly 10 images are asked for', async () => {
		const thirty = prompts(...Array.from({ length: 30 }, (_, index) => `Prompt ${index + 1}`));
		const { items } = await generate(
			{ n: 1, delivery: 'wait', options: { maxImagesPerRun: 10, concurrency: 20 } },
			{ items: thirty, continueOnFail: true },
		);
		expect(billed()).toHaveLength(10);
		expect(
			billed()
				.map((entry) => entry.body?.prompt)
				.sort(),
		).toEqual(
			thirty
				.slice(0, 10)
				.map(({ json }) => json.prompt)
				.sort(),
		);
		expect(items.filter((item) => item.json.code === 'max_images_per_run')).toHaveLength(20);
		expect(items).toHaveLength(30);
	});

	it('an item whose Number of Images reaches past the cap is refused whole (never cut to fit)', async () => {
		const { items } = await generate(
			{ n: '={{ $json.n }}', options: { maxImagesPerRun: 5, pollInterval: 0.05 } },
			{
				items: [{ json: { prompt: 'A', n: 3 } }, { json: { prompt: 'B', n: 3 } }],
				continueOnFail: true,
			},
		);
		expect(billed().map((entry) => [entry.body?.prompt, entry.body?.n])).toEqual([['A', 3]]);
		expect(items.at(-1)?.json.code).toBe('max_images_per_run');
	});

	it.each([[0], [-1], ['ten'], [1.5]])(
		'refuses Max Images per Run %p before anything is sent',
		async (value) => {
			const { error } = await generate(
				{ options: { maxImagesPerRun: value as number } },
				{ items: prompts('A') },
			);
			expect(error?.message).toContain(
				'Parameter "Max Images per Run" must be a whole number from 1 to 100000',
			);
			expect(simulator.requests).toHaveLength(0);
		},
	);
});

describe('Task › Get Many', () => {
	/** 30 tasks by Submit: 20 finish at the first look-up, 5 never finish, 5 fail. */
	async function thirtyTasks(): Promise<{ since: number; ids: string[] }> {
		simulator.config.taskPolls = 1;
		const since = Date.now() - 1000;
		const list = [
			...Array.from({ length: 20 }, (_, index) => `Done ${index + 1}`),
			...Array.from({ length: 5 }, (_, index) => `Running ${index + 1} [[never]]`),
			...Array.from({ length: 5 }, (_, index) => `Broken ${index + 1} [[task:fail]]`),
		];
		const { error } = await generate(
			{
				model: 'gpt-image-1',
				size: 'auto',
				n: 1,
				delivery: 'submit',
				options: { concurrency: 10 },
			},
			{ items: prompts(...list) },
		);
		expect(error).toBeUndefined();
		await delay(5);
		return { since, ids: billed().map((entry) => entry.taskId as string) };
	}
	const statusOf = (items: INodeExecutionData[]) =>
		items.reduce<Record<string, number>>(
			(counts, { json }) => ({
				...counts,
				[String(json.status)]: (counts[String(json.status)] ?? 0) + 1,
			}),
			{},
		);

	it('everything since a time, paged by what AceData sends (12 a page here): 30 tasks, mixed states, one item each', async () => {
		const { since } = await thirtyTasks();
		simulator.config.batchMaxLimit = 12;
		const before = lookups().length;
		const { items, error } = await getMany({ createdAfter: new Date(since).toISOString() });
		expect(error).toBeUndefined();
		const calls = lookups().slice(before);
		expect(
			calls.map((entry) => [entry.body?.offset, entry.body?.limit, entry.body?.created_at_min]),
		).toEqual([
			[0, 50, since / 1000],
			[12, 38, since / 1000],
			[24, 26, since / 1000],
		]);
		expect(items).toHaveLength(30);
		expect(statusOf(items)).toEqual({ succeeded: 20, running: 5, failed: 5 });
		const done = items.find(({ json }) => json.prompt === 'Done 1')?.json;
		expect(done).toEqual({
			taskId: expect.any(String),
			status: 'succeeded',
			urls: [expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\//)],
			imagesReturned: 1,
			traceId: expect.any(String),
			model: 'gpt-image-1',
			prompt: 'Done 1',
			type: 'images_generations',
			createdAt: expect.stringMatching(/^2\d{3}-\d\d-\d\dT/),
			finishedAt: expect.stringMatching(/^2\d{3}-\d\d-\d\dT/),
			cost: { amount: 0.2, currency: 'credit' },
			usage: expect.objectContaining({ output_tokens: 1056 }),
		});
		expect(items.find(({ json }) => json.status === 'failed')?.json).toMatchObject({
			failure: { code: 'api_error', message: 'The upstream image service failed.' },
			finishedAt: expect.any(String),
		});
		expect(items.some(({ json }) => 'error' in json)).toBe(false); // no listed task looks like an error item
		expect(items.find(({ json }) => json.status === 'running')?.json).toMatchObject({
			finishedAt: null,
		});
		expect(items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
		expect(JSON.stringify(items)).not.toContain(TOKEN);
		expect(simulator.requests.some((entry) => entry.path.startsWith('/files/'))).toBe(false);
		expect(billed()).toHaveLength(30); // it is free: nothing more billed
	});

	it('Limit stops the listing: 10 asked, 10 given, no page beyond', async () => {
		const { since } = await thirtyTasks();
		const before = lookups().length;
		const { items } = await getMany({ createdAfter: new Date(since).toISOString(), limit: 10 });
		expect(items).toHaveLength(10);
		expect(
			lookups()
				.slice(before)
				.map((entry) => entry.body?.limit),
		).toEqual([10]);
	});

	it('by task IDs and by trace IDs; IDs AceData does not know are simply absent', async () => {
		const { ids } = await thirtyTasks();
		const byIds = await getMany({ taskIds: `${ids[0]},\n${ids[21]}, no-such-task` });
		expect(byIds.items.map(({ json }) => [json.taskId, json.status])).toEqual([
			[ids[0], 'succeeded'],
			[ids[21], 'running'],
		]);
		const traces = billed()
			.slice(25, 27)
			.map((entry) => entry.body?.trace_id as string);
		const byTraces = await getMany({ traceIds: '={{ $json.traces }}' }, [{ json: { traces } }]);
		expect(byTraces.items.map(({ json }) => [json.traceId, json.status]).sort()).toEqual(
			traces.map((trace) => [trace, 'failed']).sort(),
		);
	});

	it('records for IDs not asked are dropped (a proxy that ignores the filter), said above the output, and the task asked for is asked by itself', async () => {
		const { ids } = await thirtyTasks();
		simulator.inject({ path: '/openai/tasks', taskIds: [ids[1]], wrongRecord: true });
		const result = await getMany({ taskIds: `${ids[0]}, ${ids[1]}` });
		expect(result.items.map(({ json }) => json.taskId)).toEqual([ids[0], ids[1]]);
		expect((task(result)?.hints ?? []).map((hint) => hint.message)).toEqual([
			'Item 1: 1 record(s) AceData sent were not asked for (another ID, trace ID or time) and are left out',
		]);
	});

	it('Download Images: finished tasks as files exactly as Task › Get emits them; running and failed ones as their status', async () => {
		const { ids } = await thirtyTasks();
		const many = await getMany({
			taskIds: [ids[2], ids[22], ids[27]].join(','),
			downloadImages: true,
		});
		const single = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId: ids[2] },
			credentials: credentials(),
		});
		expect(many.items).toHaveLength(3);
		expect(many.items[0].json).toEqual(single.items[0].json);
		expect(
			binaryBytes(many.items[0].binary?.data).equals(binaryBytes(single.items[0].binary?.data)),
		).toBe(true);
		expect(many.items[0].binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: 'done-3-1.png',
		});
		expect(many.items.slice(1).map(({ json }) => json.status)).toEqual(['running', 'failed']);
	});

	it('times from the date picker are read in the workflow’s time zone; an expression’s DateTime works too', async () => {
		const { since } = await thirtyTasks();
		// What the date picker stores: a wall-clock time without a zone, here in the workflow's zone (n8n's default,
		// America/New_York: 5 hours behind UTC in December).
		const zone = 'America/New_York';
		const wall = new Date(since).toLocaleString('sv-SE', { timeZone: zone }).replace(' ', 'T');
		expect(new Date(`${wall}Z`).getTime() - Math.floor(since / 1000) * 1000).toBe(-5 * 3600 * 1000);
		const before = lookups().length;
		await getMany({ createdAfter: wall, limit: 1 });
		await getMany({
			createdAfter: '={{ $now.minus({ minutes: 5 }) }}',
			createdBefore: '={{ $now }}',
			limit: 1,
		});
		const [picked, expression] = lookups()
			.slice(before)
			.map((entry) => entry.body ?? {});
		expect(picked.created_at_min).toBe(Math.floor(since / 1000));
		expect(Number(expression.created_at_max) - Number(expression.created_at_min)).toBeCloseTo(
			300,
			0,
		);
	});

	it.each([
		[
			'no filter at all',
			{},
			'Task › Get Many needs Task IDs, Trace IDs, or a time (Created After / Created Before)',
		],
		[
			'a window that ends before it starts',
			{ createdAfter: '2026-12-01T10:00:00', createdBefore: '2026-12-01T09:00:00' },
			'Parameter "Created Before" must not be before Created After',
		],
		[
			'a time that is no time',
			{ createdAfter: 'yesterday-ish' },
			'Parameter "Created After" must be a date and time',
		],
		[
			'an ID with a space',
			{ taskIds: 'abc def' },
			'Parameter "Task IDs" must be task or trace IDs',
		],
	])('refuses %s before anything is looked up', async (_, parameters, message) => {
		const { error } = await getMany(parameters as INodeParameters);
		expect(error?.message).toContain(message);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('Spend adds up', () => {
	const withCost = (
		amount: unknown,
		usage: Record<string, number> = { input_tokens: 10, output_tokens: 1001 },
	) =>
		simulator.inject({
			path: '/openai/images/',
			patchAnswer: (answer) => ({ ...answer, cost: { amount, currency: 'credit' }, usage }),
			times: 1,
		});
	const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

	it.each([
		[1, 3],
		[0.1, 7],
		[0.7, 2],
	])(
		'a job that cost %p over %p images: the shares add up to it exactly, and so do the tokens',
		async (amount, n) => {
			withCost(amount);
			const { items } = await generate({
				model: 'gpt-image-1',
				prompt: 'A fox',
				delivery: 'wait',
				n,
			});
			expect(items).toHaveLength(n);
			const shares = items.map((item) => (item.json.cost as { amount: number }).amount);
			expect(Math.round(sum(shares) * 1e6)).toBe(Math.round(amount * 1e6));
			const tokens = items.map(
				(item) => (item.json.usage as { output_tokens: number }).output_tokens,
			);
			expect(sum(tokens)).toBe(1001);
			expect(tokens.every((value) => Number.isInteger(value))).toBe(true);
		},
	);

	it.each([['0x10'], ['1e3'], [1e303], ['Infinity'], [-1]])(
		'an amount of %p is no amount (dropped), never read as a number',
		async (amount) => {
			withCost(amount);
			const result = await generate({
				model: 'gpt-image-1',
				prompt: 'A fox',
				delivery: 'wait',
				n: 1,
			});
			expect(result.items[0].json.cost).toBeUndefined();
			const spendLine = (task(result)?.hints ?? []).find((hint) =>
				hint.message.startsWith('This run:'),
			);
			expect(spendLine?.message).not.toMatch(/∞|Infinity|NaN|credit/);
			// Said on the item and above the output: the run's spend leaves this job's cost out.
			const notice = `AceData reported a cost the node cannot read (${JSON.stringify({ amount, currency: 'credit' })}): it is left out of "cost" and of the run's spend`;
			expect(result.items[0].json.notice).toBe(notice);
			expect(JSON.stringify(task(result)?.hints ?? [])).toContain(
				'AceData reported a cost the node cannot read',
			);
		},
	);
});
