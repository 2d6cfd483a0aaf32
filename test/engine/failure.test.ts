/**
 * Failure paths the fault matrix does not reach: stopping at once from every kind of wait, Max Wait against a
 * hanging look-up, numbers that are not numbers, paged look-ups, and records that belong to another task.
 */
import type { INodeParameters } from 'n8n-workflow';

import {
	LIGHTHOUSE,
	delay,
	imageRunner,
	runNode,
	waitFor,
	type RunResult,
} from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });

const billed = () => simulator.billed();
const taskCalls = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');

const generate = imageRunner(credentials, {
	...LIGHTHOUSE,
	delivery: 'poll',
	options: { pollInterval: 0.05 },
});

/** Starts a run, cancels it once `ready()` holds, and measures how long the node took to end after that. */
async function cancelWhen(
	parameters: INodeParameters,
	ready: () => boolean,
): Promise<{ result: RunResult; afterCancelMs: number }> {
	let cancel: () => void = () => undefined;
	const running = generate(parameters, { onStarted: (fn) => (cancel = fn) });
	await waitFor(ready, 20_000);
	await delay(100); // well inside the wait
	const cancelledAt = Date.now();
	cancel();
	const result = await running;
	return { result, afterCancelMs: Date.now() - cancelledAt };
}

/**
 * Each wait below is 30 s or more: ending a few seconds after the cancel proves the cancel reached it. A bound near
 * the typical time (tens of ms) would only measure how busy the machine is.
 */
const CANCEL_BOUND_MS = 5000;

describe('Cancelling the execution ends the node within seconds from any wait of 30 s or more', () => {
	it('a poll pause of 30 s', async () => {
		const { afterCancelMs } = await cancelWhen(
			{ prompt: 'Forever [[never]]', options: { pollInterval: 30 } },
			() => billed().length === 1,
		);
		expect(afterCancelMs).toBeLessThan(CANCEL_BOUND_MS);
		expect(taskCalls()).toHaveLength(0);
	});

	it("a billed submission's Retry-After of 60 s", async () => {
		simulator.inject({
			path: '/openai/images/',
			code: 'too_many_requests',
			retryAfter: 60,
			times: 5,
		});
		const { afterCancelMs } = await cancelWhen({ delivery: 'wait' }, () => billed().length === 1);
		expect(afterCancelMs).toBeLessThan(CANCEL_BOUND_MS);
		expect(billed()).toHaveLength(1);
	});

	it('a submission that hangs', async () => {
		simulator.inject({ path: '/openai/images/', latencyMs: 30_000, times: 1 });
		const { afterCancelMs, result } = await cancelWhen(
			{ delivery: 'wait' },
			() => billed().length === 1,
		);
		expect(afterCancelMs).toBeLessThan(CANCEL_BOUND_MS);
		expect(JSON.stringify(result.error ?? {})).not.toContain(TOKEN);
	});

	it('a task look-up that hangs', async () => {
		simulator.inject({ path: '/openai/tasks', latencyMs: 30_000, times: 1 });
		const { afterCancelMs } = await cancelWhen({}, () => taskCalls().length === 1);
		expect(afterCancelMs).toBeLessThan(CANCEL_BOUND_MS);
	});

	it('a download retry back-off', async () => {
		simulator.inject({ path: '/files/', code: 'api_error', status: 503, retryAfter: 60, times: 5 });
		const { afterCancelMs } = await cancelWhen({ delivery: 'wait' }, () =>
			simulator.requests.some((entry) => entry.path.startsWith('/files/')),
		);
		expect(afterCancelMs).toBeLessThan(CANCEL_BOUND_MS);
	});
});

describe('Time bounds', () => {
	it('Max Wait bounds the whole wait even when a look-up hangs', async () => {
		simulator.inject({ path: '/openai/tasks', latencyMs: 30_000, times: 10 });
		const started = Date.now();
		const { error } = await generate({ options: { pollInterval: 0.05, maxWait: 1, timeout: 600 } });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error?.message).toContain(
			`Task ${billed()[0].taskId} is still running after 1 s (Max Wait)`,
		);
		expect(error?.message).toMatch(/last look-up failed: No answer from AceData within 1 s/);
	});

	it('a Timeout of 0.5 s is reported as 0.5 s, not rounded', async () => {
		const taskId = billed()[0]?.taskId ?? 'unknown-task';
		simulator.inject({ path: '/openai/tasks', latencyMs: 5000, times: 10 });
		const { error } = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId, options: { timeout: 0.5 } },
			credentials: credentials(),
		});
		expect(error?.message).toContain(
			'No answer from AceData within 0.5 s (the Timeout option) for the task look-up',
		);
	});

	it('the Timeout option bounds a look-up, and a timed-out poll is waited out, not fatal', async () => {
		simulator.inject({ path: '/openai/tasks', latencyMs: 2000, times: 1 });
		const { items, error } = await generate({
			options: { pollInterval: 0.05, timeout: 1, maxWait: 30 },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(billed()).toHaveLength(1);
	});
});

describe('Numbers are numbers', () => {
	it.each<[string, INodeParameters, string]>([
		['Poll Interval', { options: { pollInterval: 'soon' } }, 'Poll Interval (Seconds)'],
		['Max Wait', { options: { maxWait: 'a while' } }, 'Max Wait (Seconds)'],
		['Timeout', { options: { timeout: '10 minutes' } }, 'Timeout (Seconds)'],
		['Timeout below zero', { options: { timeout: -5 } }, 'Timeout (Seconds)'],
		['Concurrency', { options: { concurrency: 'many' } }, 'Concurrency'],
		['Concurrency over the limit', { options: { concurrency: 50 } }, 'Concurrency'],
		[
			'Output Compression',
			{ options: { outputFormat: 'jpeg', outputCompression: 'high' } },
			'Output Compression',
		],
		['Partial Images', { options: { partialImages: ' ' } }, 'Partial Images'],
		['Number of Images', { n: 'three' }, 'Number of Images'],
	])(
		'%s set to something that is not a valid number is refused before any request',
		async (_, parameters, label) => {
			const { error } = await generate(parameters);
			expect(error?.message).toContain(`Parameter "${label}"`);
			expect(simulator.requests).toHaveLength(0);
		},
	);

	it('with Continue On Fail, a bad Concurrency is one error item per input item', async () => {
		const { items } = await generate(
			{ options: { concurrency: 'many' } },
			{ items: [{ json: {} }, { json: {} }], continueOnFail: true },
		);
		expect(items.map((item) => [item.pairedItem, String(item.json.error).slice(0, 25)])).toEqual([
			[{ item: 0 }, 'Parameter "Concurrency" m'],
			[{ item: 1 }, 'Parameter "Concurrency" m'],
		]);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('Look-ups see every task, and only the task asked for', () => {
	it('sends limit with retrieve_batch: 15 polled items all come back (AceData pages 12 by default)', async () => {
		const inputs = Array.from({ length: 15 }, (_, index) => ({
			json: { prompt: `Poster ${index}` },
		}));
		const { items, error } = await generate(
			{ prompt: '={{ $json.prompt }}', options: { pollInterval: 0.05, concurrency: 15 } },
			{ items: inputs },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.prompt)).toEqual(inputs.map((input) => input.json.prompt));
		const batch = taskCalls().find((entry) => entry.body?.action === 'retrieve_batch');
		expect(batch?.body).toMatchObject({ offset: 0, limit: 15 });
		expect(billed()).toHaveLength(15);
	});

	it('the simulator pages like AceData: without limit, 12 records', async () => {
		await generate(
			{ delivery: 'submit', prompt: '={{ $json.prompt }}' },
			{ items: Array.from({ length: 14 }, (_, index) => ({ json: { prompt: `P${index}` } })) },
		);
		const ids = billed().map((entry) => entry.taskId);
		const response = await fetch(`${simulator.url}/openai/tasks`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'retrieve_batch', ids }),
		});
		const page = (await response.json()) as { items: unknown[]; count: number };
		expect([page.items.length, page.count]).toEqual([12, 14]);
	});

	it("never emits another task's images: a record for another id is ignored until the right one comes", async () => {
		simulator.inject({ path: '/openai/tasks', wrongRecord: true, times: 3 });
		const { items, error } = await generate({});
		expect(error).toBeUndefined();
		const own = billed()[0].images?.map((image) => image.url);
		expect(items.map((item) => item.json.url)).toEqual(own);
		expect(items[0].json.taskId).toBe(billed()[0].taskId);
	});

	it('Task › Get refuses a record of another task instead of emitting its images', async () => {
		const submitted = await generate({ delivery: 'submit' });
		const taskId = String(submitted.items[0].json.taskId);
		simulator.inject({ path: '/openai/tasks', wrongRecord: true, times: 5 });
		const { items, error } = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId, options: {} },
			credentials: credentials(),
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toContain(
			`AceData answered the look-up of task ${taskId} with the record of another task`,
		);
	});

	it('Task › Get finds a job by its trace ID (what an error names when an answer was lost)', async () => {
		simulator.inject({ path: '/openai/images/', accept: true, drop: true, times: 1 });
		// Delivery Submit with a lost answer: recovered by trace ID, the submitted item names the task.
		const { items } = await generate({ delivery: 'submit', options: { traceId: 'campaign-42' } });
		expect(items[0].json).toMatchObject({
			status: 'submitted',
			traceId: 'campaign-42',
			taskId: billed()[0].taskId,
		});
		simulator.config.taskPolls = 1;
		const fetched = await runNode({
			parameters: { resource: 'task', operation: 'get', taskId: 'campaign-42', options: {} },
			credentials: credentials(),
		});
		expect(fetched.error).toBeUndefined();
		expect(fetched.items[0].json).toMatchObject({
			taskId: billed()[0].taskId,
			traceId: 'campaign-42',
		});
	});
});
