import { binaryBytes, callWebhook, imageRunner, type RunResult } from '../harness/engine';
import { TOKEN, useSimulator } from '../harness/simulator';

// Delivery "Wait for AceData's Callback" through the real engine: execute() parks the run (n8n's waitTill), and
// each callback runs the node's webhook() in n8n's real WebhookContext over the parked run data.
const { simulator, credentials } = useSimulator();

const billed = () => simulator.billed();
const lookups = () => simulator.requests.filter((entry) => entry.path === '/openai/tasks');
const kites = ['A red kite', 'A blue kite', 'A green kite'];
const inputs = kites.map((prompt) => ({ json: { prompt } }));

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: '={{ $json.prompt }}',
	delivery: 'callback',
	options: { concurrency: 3, maxWait: 300 },
});

const jobOf = (prompt: string) => billed().find((entry) => entry.body?.prompt === prompt)!;
const callbackOf = (prompt: string) => ({
	success: true,
	task_id: jobOf(prompt).taskId,
	trace_id: jobOf(prompt).body?.trace_id,
});
const release = async (...prompts: string[]) =>
	await simulator.releaseCallbacks((task: { id: string }) =>
		prompts.some((prompt) => jobOf(prompt).taskId === task.id),
	);

async function parkKites(extra: { continueOnFail?: boolean } = {}): Promise<RunResult> {
	simulator.config.holdCallbacks = true;
	const parked = await generate({}, { items: inputs, ...extra });
	expect(parked.error).toBeUndefined();
	return parked;
}

describe("Delivery: wait for AceData's callback", () => {
	it('submits every item with its tagged resume URL and parks the run until Max Wait, without polling', async () => {
		const before = Date.now();
		const parked = await parkKites();
		expect(billed()).toHaveLength(3);
		for (const [item, prompt] of kites.entries()) {
			expect(jobOf(prompt).body).toMatchObject({
				async: true,
				callback_url: expect.stringMatching(
					new RegExp(
						`^http://127\\.0\\.0\\.1:5678/webhook-waiting/[^/?]+/acedata-images-callback\\?(.*&)?acedata_item=${item}$`,
					),
				),
			});
		}
		const waitTill = new Date(parked.run.waitTill ?? 0).getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 300_000);
		expect(waitTill).toBeLessThan(Date.now() + 301_000);
		// One free look-up before parking (a callback may come before n8n has parked the run), then nothing.
		expect(lookups().map((entry) => entry.body?.action)).toEqual(['retrieve_batch']);
		// What stays in the parked run: one item per input, which Max Wait would pass through as errors naming the task.
		const stack = parked.run.data.executionData?.nodeExecutionStack[0].data.main[0] ?? [];
		expect(stack.map((item) => [item.pairedItem, item.json.taskId, item.json.billing])).toEqual(
			kites.map((prompt, item) => [{ item }, jobOf(prompt).taskId, 'paid']),
		);
		expect(stack[0].json.error).toContain(
			`AceData did not call back for task ${jobOf(kites[0]).taskId} within Max Wait (300 s)`,
		);
		// The internal state is never in the JSON or the files Max Wait passes through.
		expect(JSON.stringify(stack.map((item) => [item.json, item.binary]))).not.toContain(
			'__aceDataImages',
		);
		expect(stack[0].json.whatToDo).toContain('fetch its images with Task › Get');
	});

	it('answers callbacks without resuming until every task is finished, then resumes once with all images in input order', async () => {
		const parked = await parkKites();
		await release(kites[2], kites[0]);
		const early = await callWebhook(parked, callbackOf(kites[2]));
		expect(early.items).toBeUndefined();
		expect([early.status, early.body]).toEqual([200, { received: true, tasksStillRunning: 1 }]);
		expect(simulator.requests.filter((entry) => entry.path.startsWith('/files/'))).toHaveLength(0);

		await release(kites[1]);
		const last = await callWebhook(parked, callbackOf(kites[1]));
		expect(
			last.items?.map((item) => [item.pairedItem, item.json.prompt, item.binary?.data.fileName]),
		).toEqual(
			kites.map((prompt, item) => [
				{ item },
				prompt,
				`${prompt.toLowerCase().replace(/ /g, '-')}-1.png`,
			]),
		);
		expect(
			last.items?.map((item) =>
				binaryBytes(item.binary?.data).equals(
					simulator.imageBytes(jobOf(String(item.json.prompt)).images![0].id)!,
				),
			),
		).toEqual([true, true, true]);
		expect(last.items?.map((item) => item.json.taskId)).toEqual(
			kites.map((prompt) => jobOf(prompt).taskId),
		);
		// Each callback's truth comes from one retrieve_batch of the run's tasks, never from the callback's body.
		expect(lookups().map((entry) => entry.body?.action)).toEqual([
			'retrieve_batch',
			'retrieve_batch',
			'retrieve_batch',
		]);
		expect(lookups()[2].body?.ids).toEqual(kites.map((prompt) => jobOf(prompt).taskId));
		expect(billed()).toHaveLength(3);
		expect(JSON.stringify(last.items)).not.toContain(TOKEN);
	});

	it('what an item asked survives the park: 2 asked, 1 came, said on the resumed item', async () => {
		simulator.config.holdCallbacks = true;
		const parked = await generate({ prompt: 'A kite [[returns:1]]', n: 2 });
		const [job] = billed();
		await simulator.releaseCallbacks();
		const resumed = await callWebhook(parked, {
			success: true,
			task_id: job.taskId,
			trace_id: job.body?.trace_id,
		});
		expect(
			resumed.items?.map(({ json }) => [json.imagesRequested, json.imagesReturned, json.notice]),
		).toEqual([
			[
				2,
				1,
				'AceData returned 1 of the 2 images asked for: only the 1 returned is billed (AceData bills the images it makes).',
			],
		]);
	});

	it("refuses a callback for a task that is not this run's: 404, nothing looked up, nothing resumed", async () => {
		const parked = await parkKites();
		const forged = await callWebhook(parked, {
			success: true,
			task_id: 'someone-elses-task',
			data: { data: [{ url: 'https://evil.example/x.png' }] },
		});
		expect([forged.status, forged.items]).toEqual([404, undefined]);
		expect(forged.body?.error).toContain('no task this execution is waiting for');
		const noTask = await callWebhook(parked, {});
		expect(noTask.status).toBe(404);
		expect(lookups()).toHaveLength(1); // only the one before parking
		expect(simulator.requests.some((entry) => entry.path.startsWith('/files/'))).toBe(false);
	});

	it('does not trust the callback body: a "success" for a task AceData still runs resumes nothing', async () => {
		const parked = await parkKites();
		const claim = await callWebhook(parked, {
			...callbackOf(kites[0]),
			data: { data: [{ url: 'https://evil.example/x.png' }] },
		});
		expect(claim.items).toBeUndefined();
		expect(claim.body).toEqual({ received: true, tasksStillRunning: 3 });
	});

	it('a failed task: an error item paired to its input, with or without Continue On Fail (a throwing webhook would lose the run)', async () => {
		simulator.config.holdCallbacks = true;
		const prompts = ['A red kite', 'Broken [[task:fail]]'];
		const items = prompts.map((prompt) => ({ json: { prompt } }));
		const parked = await generate({}, { items, continueOnFail: true });
		await release(...prompts);
		const resumed = await callWebhook(parked, callbackOf(prompts[1]));
		expect(resumed.items?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(resumed.items?.[0].binary?.data.fileName).toBe('a-red-kite-1.png');
		expect(resumed.items?.[1].binary).toBeUndefined();
		expect(resumed.items?.[1].json).toMatchObject({
			taskId: jobOf(prompts[1]).taskId,
			billing: 'paid',
		});
		expect(resumed.items?.[1].json.error).toContain('upstream image service failed');

		simulator.reset();
		simulator.config.holdCallbacks = true;
		const strict = await generate({}, { items });
		await release(...prompts);
		const resumedStrict = await callWebhook(strict, callbackOf(prompts[0]));
		expect(
			resumedStrict.items?.map((item) => [
				item.pairedItem,
				item.binary?.data.fileName,
				item.json.taskId,
			]),
		).toEqual([
			[{ item: 0 }, 'a-red-kite-1.png', jobOf(prompts[0]).taskId],
			[{ item: 1 }, undefined, jobOf(prompts[1]).taskId],
		]);
		expect(resumedStrict.items?.[1].json.error).toContain('upstream image service failed');
	});

	it('without Continue On Fail, a task found failed before parking fails the node naming the paid ones', async () => {
		const prompts = ['A red kite', 'Broken [[task:fail]]'];
		simulator.config.callbackDelayMs = 0;
		const { error, run } = await generate(
			{ options: { concurrency: 1 } },
			{ items: prompts.map((prompt) => ({ json: { prompt } })) },
		);
		expect(run.waitTill).toBeUndefined();
		expect(error?.message).toContain('upstream image service failed');
		expect(error?.description).toContain(
			`Paid jobs whose images were not emitted (fetch them with Task › Get; do not submit them again): item 0: ${jobOf(prompts[0]).taskId}`,
		);
	});

	it('tasks already finished before the run could park are emitted at once: no park, no callback needed', async () => {
		simulator.config.callbackDelayMs = 0;
		const { run, items, error } = await generate(
			{ options: { concurrency: 1 } },
			{ items: inputs.slice(0, 2) },
		);
		expect(error).toBeUndefined();
		expect(run.waitTill).toBeUndefined();
		expect(items.map((item) => [item.pairedItem, item.binary?.data.mimeType])).toEqual([
			[{ item: 0 }, 'image/png'],
			[{ item: 1 }, 'image/png'],
		]);
	});

	it('refuses before billing: a private n8n address with a public Base URL, and a Callback URL of its own', async () => {
		const run = imageRunner(() => ({ apiToken: TOKEN, baseUrl: 'https://api.acedata.cloud' }), {
			resource: 'image',
			operation: 'generate',
			model: 'gpt-image-1',
			prompt: 'A kite',
			delivery: 'callback',
		});
		const unreachable = await run();
		expect(unreachable.error?.message).toBe(
			'AceData cannot call back to this n8n: its address 127.0.0.1:5678 is private or local',
		);
		expect(unreachable.error?.description).toContain('WEBHOOK_URL');
		const own = await generate(
			{ options: { callbackUrl: 'https://example.com/hook' } },
			{ items: inputs.slice(0, 1) },
		);
		expect(own.error?.message).toBe(
			'Parameter "Callback URL" must be empty with delivery "Wait for AceData\'s Callback"',
		);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe("Delivery: wait for AceData's callback, when look-ups fail", () => {
	it('a failed look-up before parking still parks (the paid tasks stay named); one during a callback answers 503 and keeps waiting', async () => {
		simulator.config.holdCallbacks = true;
		simulator.inject({ path: '/openai/tasks', code: 'api_error', times: 1 }); // the one look-up before parking
		const parked = await generate({}, { items: inputs.slice(0, 2) });
		expect(parked.error).toBeUndefined();
		expect(parked.run.waitTill).toBeDefined();
		expect(parked.items.map((item) => item.json.taskId)).toEqual([
			jobOf(kites[0]).taskId,
			jobOf(kites[1]).taskId,
		]);

		await release(kites[0], kites[1]);
		simulator.inject({ path: '/openai/tasks', code: 'api_error', times: 4 }); // the callback's look-up and the client's 3 retries
		const failed = await callWebhook(parked, callbackOf(kites[0]));
		expect([failed.status, failed.items]).toEqual([503, undefined]);
		const next = await callWebhook(parked, callbackOf(kites[1]));
		expect(next.items?.map((item) => item.binary?.data.fileName)).toEqual([
			'a-red-kite-1.png',
			'a-blue-kite-1.png',
		]);
		expect(billed()).toHaveLength(2);
	});
});

describe("The resume downloads with the run's Concurrency", () => {
	it('three slow images download side by side, not one after another', async () => {
		simulator.config.imageSide = 8; // small images: a byte every 3 ms is still several hundred ms each
		const parked = await parkKites();
		await release(...kites);
		simulator.inject({ path: '/files/', trickleMs: 3, times: 3 });
		const resumed = await callWebhook(parked, callbackOf(kites[2]));
		expect(resumed.items?.filter((item) => item.binary?.data)).toHaveLength(3);
		const downloads = simulator.requests.filter(
			(entry) => entry.path.startsWith('/files/') && entry.fault,
		);
		expect(downloads).toHaveLength(3);
		// Every download started before any of them ended (events, not durations).
		const lastStart = Math.max(...downloads.map((entry) => entry.at));
		const firstEnd = Math.min(...downloads.map((entry) => entry.doneAt ?? Infinity));
		expect(lastStart).toBeLessThan(firstEnd);
	});
});
