/**
 * The two triggers in n8n-core's own contexts (a real PollContext, a real WebhookContext) against the simulator:
 * every finished task starts the workflow once, with its images as Task › Get emits them; the body of a callback is
 * never trusted; the polling trigger's window survives restarts and never skips a task that was still running.
 */
import { createHash } from 'crypto';

import { pollTrigger, webhookTrigger } from '../harness/triggers';
import { binaryBytes } from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Submits a job as Delivery Submit does (billed, async): its task ID. */
async function submit(prompt: string, extra: Record<string, unknown> = {}): Promise<string> {
	const response = await fetch(`${simulator.url}/openai/images/generations`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ model: 'gpt-image-1', prompt, async: true, ...extra }),
	});
	const answer = (await response.json()) as { task_id: string };
	return answer.task_id;
}

/** Moves a task's creation back in time (AceData's clock, seconds). */
function backdate(taskId: string, seconds: number): void {
	const task = simulator.tasks.get(taskId);
	if (!task) throw new Error(`no task ${taskId}`);
	task.created_at -= seconds;
}

const imagesOf = (taskId: string) =>
	simulator
		.billed()
		.filter((entry) => entry.taskId === taskId)
		.flatMap((entry) => entry.images ?? []);

const noToken = (value: unknown) => expect(JSON.stringify(value)).not.toContain(TOKEN);

beforeEach(() => {
	// Tasks run until a test finishes them (a listing counts as a look).
	simulator.config.taskPolls = 1000;
});

describe('the polling trigger', () => {
	it('emits a finished task once, with its files as Task › Get emits them; nothing before activation; a task running at one poll comes out at the first poll after it finished', async () => {
		const before = await submit('Made before activation');
		backdate(before, 3600);
		await simulator.finishTask(before);
		const trigger = pollTrigger({ credentials });
		expect((await trigger.poll()).items).toBeNull();

		const slow = await submit('A slow 4K panorama');
		const quick = await submit('A quick sketch');
		await simulator.finishTask(quick);
		const first = await trigger.poll();
		expect(first.items?.map((item) => item.json.taskId)).toEqual([quick]);
		const [sketch] = first.items ?? [];
		expect(sketch.json).toMatchObject({ prompt: 'A quick sketch', model: 'gpt-image-1' });
		expect(sketch.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: 'a-quick-sketch-1.png',
		});
		expect(sha(binaryBytes(sketch.binary?.data))).toBe(imagesOf(quick)[0].sha256);

		expect((await trigger.poll()).items).toBeNull(); // the slow one still runs, the quick one is not emitted again
		await simulator.finishTask(slow);
		const later = await trigger.poll();
		expect(later.items?.map((item) => item.json.taskId)).toEqual([slow]);
		expect((await trigger.poll()).items).toBeNull();
		noToken([first, later]);
	});

	it("keeps its window in the workflow's static data: across a restart, the tasks of the gap come out once", async () => {
		const trigger = pollTrigger({ credentials });
		const first = await submit('Before the restart');
		await simulator.finishTask(first);
		expect((await trigger.poll()).items?.map((item) => item.json.taskId)).toEqual([first]);
		// n8n is down: two tasks are made and finish meanwhile; a new process loads the saved static data.
		const gap = [await submit('In the gap 1'), await submit('In the gap 2')];
		for (const id of gap) await simulator.finishTask(id);
		const restarted = pollTrigger({ credentials, staticData: trigger.state.saved });
		const after = await restarted.poll();
		expect(after.items?.map((item) => item.json.taskId)).toEqual(gap);
		expect((await restarted.poll()).items).toBeNull();
	});

	it('a poll that emitted nothing saves nothing (as n8n): the task running then is still caught after a restart', async () => {
		const trigger = pollTrigger({ credentials });
		expect((await trigger.poll()).items).toBeNull();
		const running = await submit('Running across a restart');
		expect((await trigger.poll()).items).toBeNull();
		await simulator.finishTask(running);
		const restarted = pollTrigger({ credentials, staticData: trigger.state.saved });
		expect((await restarted.poll()).items?.map((item) => item.json.taskId)).toEqual([running]);
	});

	it('a failed task is one item { taskId, traceId, status: failed, failure }; Tasks That: Succeeded leaves it out', async () => {
		const failed = await submit('Broken [[task:fail]]', { trace_id: 'news-1' });
		await simulator.finishTask(failed);
		const all = pollTrigger({ credentials });
		const only = pollTrigger({ credentials, parameters: { options: { taskStatus: 'succeeded' } } });
		const [item] = (await all.poll()).items ?? [];
		expect(item.json).toEqual({
			taskId: failed,
			traceId: 'news-1',
			status: 'failed',
			failure: { code: 'api_error', message: 'The upstream image service failed.' },
			model: 'gpt-image-1',
			prompt: 'Broken [[task:fail]]',
		});
		expect(item.binary).toBeUndefined();
		expect((await only.poll()).items).toBeNull();
	});

	it('Trace ID Starts With and Models: a workflow receives only its own jobs', async () => {
		const mine = await submit('Mine', { trace_id: 'newsletter-7-0' });
		const other = await submit('Not mine', { trace_id: 'blog-3-0' });
		const untraced = await submit('No trace', { trace_id: undefined });
		for (const id of [mine, other, untraced]) await simulator.finishTask(id);
		const trigger = pollTrigger({
			credentials,
			parameters: { options: { traceIdPrefix: 'newsletter-', models: 'gpt-image-1, dall-e-3' } },
		});
		expect((await trigger.poll()).items?.map((item) => item.json.taskId)).toEqual([mine]);
		const otherModel = pollTrigger({
			credentials,
			parameters: { options: { models: 'dall-e-3' } },
		});
		expect((await otherModel.poll()).items).toBeNull();
	});

	it('Download Images off: the image URLs as JSON; Look Back on First Poll reaches tasks made before activation', async () => {
		const earlier = await submit('Made an hour ago');
		backdate(earlier, 3600);
		await simulator.finishTask(earlier);
		const trigger = pollTrigger({
			credentials,
			parameters: { options: { downloadImages: false, lookBackMinutes: 90 } },
		});
		const [item] = (await trigger.poll()).items ?? [];
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({ taskId: earlier, url: imagesOf(earlier)[0].url });
	});

	it('"Fetch Test Event" shows the latest finished task and leaves the window alone; with none, says what to do', async () => {
		const trigger = pollTrigger({ credentials });
		const none = await trigger.poll({ mode: 'manual' });
		expect(none.error?.message).toBe(
			'No finished task of the last 24 hours matches this trigger: nothing to show yet',
		);
		const older = await submit('Older');
		await simulator.finishTask(older);
		const newer = await submit('Newer');
		await simulator.finishTask(newer);
		const test = await trigger.poll({ mode: 'manual' });
		expect(test.items?.map((item) => item.json.taskId)).toEqual([newer]);
		expect(trigger.state.saved).toEqual({});
	});

	it('an image whose URL has expired: the task still comes out, once, with its URLs and the failure; the next task is emitted', async () => {
		const expired = await submit('Expired URL');
		const fine = await submit('Fine');
		for (const id of [expired, fine]) await simulator.finishTask(id);
		simulator.inject({ path: '/files/', prompt: 'Expired URL', status: 404, times: 100 });
		const trigger = pollTrigger({ credentials });
		const items = (await trigger.poll()).items ?? [];
		expect(items.map((item) => [item.json.taskId, item.json.status ?? 'images'])).toEqual([
			[expired, 'succeeded'],
			[fine, 'images'],
		]);
		expect(items[0].json.failure).toMatchObject({ code: 'download_failed' });
		expect(items[0].json.urls).toEqual([imagesOf(expired)[0].url]);
		expect((await trigger.poll()).items).toBeNull();
	});

	it('a look-up that fails is an error naming what to do, never the token; the window does not move', async () => {
		const trigger = pollTrigger({
			credentials: () => ({ apiToken: 'sk-wrong', baseUrl: simulator.url }),
		});
		const result = await trigger.poll();
		expect(result.error?.message).toMatch(/token|credential|401|authori/i);
		expect(trigger.state.saved).toEqual({});
	});
});

describe('the callback (webhook) trigger', () => {
	it("starts the workflow once with the task's files, looked up with the credential; AceData gets 200", async () => {
		const taskId = await submit('A heron at dusk');
		await simulator.finishTask(taskId);
		const trigger = webhookTrigger({ credentials });
		const first = await trigger.call({ success: true, task_id: taskId, data: { data: [] } });
		expect([first.status, first.body]).toEqual([200, { received: true, started: true }]);
		expect(first.items?.map((item) => item.binary?.data?.fileName)).toEqual([
			'a-heron-at-dusk-1.png',
		]);
		expect(sha(binaryBytes(first.items?.[0].binary?.data))).toBe(imagesOf(taskId)[0].sha256);
		const again = await trigger.call({ success: true, task_id: taskId });
		expect([again.status, again.items]).toEqual([200, undefined]);
		expect(again.body).toMatchObject({ started: false, reason: 'already received' });
		noToken([first, again]);
	});

	it('callbacks handled at the same time (n8n saves static data whole, last writer wins): each task starts once, and the saved memory holds them all', async () => {
		const tasks = [
			await submit('Together 1'),
			await submit('Together 2'),
			await submit('Together 3'),
		];
		for (const id of tasks) await simulator.finishTask(id);
		const trigger = webhookTrigger({ credentials });
		// Three different tasks at once, then a repeat of each, then five repeats of the first at once.
		const first = await Promise.all(tasks.map((task_id) => trigger.call({ task_id })));
		expect(first.map((result) => result.body?.started)).toEqual([true, true, true]);
		const again = await Promise.all(tasks.map((task_id) => trigger.call({ task_id })));
		expect(again.map((result) => result.body?.reason)).toEqual(Array(3).fill('already received'));
		const burst = await Promise.all(
			Array.from({ length: 5 }, () => trigger.call({ task_id: tasks[0] })),
		);
		expect(burst.filter((result) => result.body?.started)).toHaveLength(0);
		const saved = JSON.stringify(trigger.state.saved);
		for (const id of tasks) expect(saved).toContain(id);
	});

	it('the same new task called back five times at once starts the workflow once', async () => {
		const taskId = await submit('Five at once');
		await simulator.finishTask(taskId);
		const trigger = webhookTrigger({ credentials });
		const results = await Promise.all(
			Array.from({ length: 5 }, () => trigger.call({ task_id: taskId })),
		);
		expect(results.filter((result) => result.body?.started === true)).toHaveLength(1);
		expect(results.filter((result) => result.items?.length)).toHaveLength(1);
	});

	it('never trusts the body: a URL in it is not fetched; a body without a task, or naming a task the account does not have, starts nothing', async () => {
		const trigger = webhookTrigger({ credentials });
		const forged = await trigger.call({
			success: true,
			task_id: 'a-task-of-someone-else',
			data: { data: [{ url: `${simulator.url}/files/forged.png` }] },
		});
		expect([forged.status, forged.items]).toEqual([404, undefined]);
		for (const body of [undefined, 'text', [], { task_id: { $ne: 1 } }, { success: true }]) {
			const refused = await trigger.call(body);
			expect([refused.status, refused.items]).toEqual([400, undefined]);
		}
		expect(simulator.requests.filter((entry) => entry.path.startsWith('/files/'))).toEqual([]);
	});

	it('a task still running (a callback ahead of its record): 202, nothing starts, the task is not remembered', async () => {
		const taskId = await submit('Not yet');
		const trigger = webhookTrigger({ credentials });
		const early = await trigger.call({ task_id: taskId });
		expect([early.status, early.items]).toEqual([202, undefined]);
		await simulator.finishTask(taskId);
		const late = await trigger.call({ task_id: taskId });
		expect([late.status, late.items?.length]).toEqual([200, 1]);
	});

	it('a failed task: one item { taskId, traceId, status: failed, failure }', async () => {
		const taskId = await submit('Broken [[task:fail]]', { trace_id: 'cb-1' });
		await simulator.finishTask(taskId);
		const { items } = await webhookTrigger({ credentials }).call({ task_id: taskId });
		expect(items?.map((item) => item.json)).toEqual([
			{
				taskId,
				traceId: 'cb-1',
				status: 'failed',
				failure: { code: 'api_error', message: 'The upstream image service failed.' },
				model: 'gpt-image-1',
				prompt: 'Broken [[task:fail]]',
			},
		]);
	});

	it('AceData unreachable: 503 (AceData may call again; the polling trigger is the net), nothing remembered', async () => {
		const taskId = await submit('Look-up fails');
		await simulator.finishTask(taskId);
		simulator.inject({ path: '/openai/tasks', code: 'api_error', status: 500, times: 100 });
		const trigger = webhookTrigger({ credentials });
		const result = await trigger.call({ task_id: taskId });
		expect([result.status, result.items]).toEqual([503, undefined]);
		expect(JSON.stringify(trigger.state.saved)).not.toContain(taskId);
	});

	it('filters: a task of another workflow is answered 200 and starts nothing', async () => {
		const taskId = await submit('Another workflow', { trace_id: 'blog-1' });
		await simulator.finishTask(taskId);
		const trigger = webhookTrigger({
			credentials,
			parameters: { options: { traceIdPrefix: 'newsletter-' } },
		});
		const result = await trigger.call({ task_id: taskId });
		expect([result.status, result.items, result.body?.reason]).toEqual([
			200,
			undefined,
			'filtered out',
		]);
	});
});

describe("the triggers with the credential's Allowed HTTP Request Domains (n8n 2.x)", () => {
	const restricted = (allowedDomains: string) => () => ({
		...credentials(),
		allowedHttpRequestDomains: 'domains',
		allowedDomains,
	});

	it('allowed: both look the task up and download its image (the image host needs no listing: downloads carry no credential)', async () => {
		const taskId = await submit('Allowed');
		await simulator.finishTask(taskId);
		const polled = await pollTrigger({ credentials: restricted('127.0.0.1') }).poll();
		expect(polled.items?.map((item) => item.binary?.data?.mimeType)).toEqual(['image/png']);
		const called = await webhookTrigger({ credentials: restricted('127.0.0.1') }).call({
			task_id: taskId,
		});
		expect([called.status, called.items?.length]).toEqual([200, 1]);
	});

	it('not allowed: the poll fails naming the host to add, and the callback is answered 503, nothing started', async () => {
		const taskId = await submit('Not allowed');
		await simulator.finishTask(taskId);
		const polled = await pollTrigger({ credentials: restricted('api.acedata.cloud') }).poll();
		expect(polled.error?.message).toMatch(
			/Allowed HTTP Request Domains do not include 127\.0\.0\.1/,
		);
		const called = await webhookTrigger({ credentials: restricted('api.acedata.cloud') }).call({
			task_id: taskId,
		});
		expect([called.status, called.items]).toEqual([503, undefined]);
		noToken([polled.error?.message, called.body]);
	});
});
