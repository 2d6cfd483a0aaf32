/**
 * n8n runs the node again around one run: Retry On Fail (n8n-core's own retry loop, the same execution), a retried
 * execution (a new one that starts from the failed one's saved data, node contexts included), a loop's next run.
 * A job is paid once whatever n8n does: counted on the wire, at the simulator.
 */
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import {
	binaryBytes,
	imageRunner,
	useFilesystemBinaryStore,
	type RunResult,
} from '../harness/engine';
import type { LoggedRequest } from '../harness/simulator';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: '={{ $json.prompt }}',
	n: 1,
	size: '1024x1024',
	delivery: 'wait',
	options: { pollInterval: 0.05 },
});

const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 };
const prompts = (...texts: string[]): INodeExecutionData[] =>
	texts.map((prompt) => ({ json: { prompt } }));

/** Image requests AceData took (paid: it made a task), per prompt. */
function paidFor(prompt: string): LoggedRequest[] {
	return simulator.billed().filter((entry) => entry.taskId && entry.body?.prompt === prompt);
}
/** Every image request sent for a prompt (refused ones included). */
function sentFor(prompt: string): LoggedRequest[] {
	return simulator.billed().filter((entry) => entry.body?.prompt === prompt);
}
const byItem = (result: RunResult, index: number) =>
	result.items.filter((item) => (item.pairedItem as { item: number }).item === index);
const refuseOnce = (prompt: string, times = 1) =>
	simulator.inject({ path: '/openai/images/', prompt, code: 'used_up', times });

describe('Retry On Fail (n8n-core retries the node in the same execution)', () => {
	it('Continue On Fail with item 0 refused twice: item 1 is paid once over three tries and comes out marked as reused', async () => {
		refuseOnce('First', 2);
		const result = await generate(
			{},
			{ items: prompts('First', 'Second'), continueOnFail: true, settings: RETRY },
		);
		expect(result.error).toBeUndefined();
		// Three tries: item 0 was sent each time (refused twice, so never billed), item 1 once.
		expect(sentFor('First')).toHaveLength(3);
		expect(paidFor('First')).toHaveLength(1);
		expect(sentFor('Second')).toHaveLength(1);
		expect(byItem(result, 0)).toHaveLength(1);
		expect(byItem(result, 0)[0].json.fromEarlierTry).toBeUndefined();
		const [second] = byItem(result, 1);
		expect(second.json).toMatchObject({
			taskId: paidFor('Second')[0].taskId,
			fromEarlierTry: true,
		});
		expect(binaryBytes(second.binary?.data)).toEqual(simulator.sentImages()[0]);
		expect(result.hints.map((hint) => hint.message)).toContain(
			'1 job came from an earlier try of this node (Retry On Fail or a retried execution): found at AceData, not sent or billed again (field "fromEarlierTry" on their items)',
		);
	});

	it("without Continue On Fail: the node stopped on item 1, the next try finds item 0's paid job instead of paying again", async () => {
		refuseOnce('Second');
		const result = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05 } },
			{ items: prompts('First', 'Second'), settings: RETRY },
		);
		expect(result.error).toBeUndefined();
		expect(paidFor('First')).toHaveLength(1);
		expect(paidFor('Second')).toHaveLength(1);
		expect(
			result.items.map((item) => [item.pairedItem, item.json.fromEarlierTry ?? false]),
		).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
		]);
	});

	it('an answer lost in the first try: the next try looks the job up by its trace ID, never sends it again', async () => {
		refuseOnce('Second');
		simulator.inject({
			path: '/openai/images/',
			prompt: 'First',
			accept: true,
			drop: true,
			times: 1,
		});
		const result = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05 } },
			{ items: prompts('First', 'Second'), settings: RETRY },
		);
		expect(result.error).toBeUndefined();
		expect(sentFor('First')).toHaveLength(1);
		expect(byItem(result, 0)[0].json).toMatchObject({
			taskId: paidFor('First')[0].taskId,
			traceId: sentFor('First')[0].body?.trace_id,
			fromEarlierTry: true,
		});
	});

	it('two identical items are two jobs, each reused as itself', async () => {
		refuseOnce('Refused');
		const result = await generate(
			{},
			{ items: prompts('Refused', 'Twin', 'Twin'), continueOnFail: true, settings: RETRY },
		);
		const twins = paidFor('Twin');
		expect(twins).toHaveLength(2);
		expect(sentFor('Twin')).toHaveLength(2);
		expect([byItem(result, 1)[0].json.taskId, byItem(result, 2)[0].json.taskId].sort()).toEqual(
			twins.map((entry) => entry.taskId).sort(),
		);
		expect(byItem(result, 1)[0].json.fromEarlierTry).toBe(true);
	});

	it('Submit: the reused item is the same task, submitted once', async () => {
		refuseOnce('Refused');
		const result = await generate(
			{ delivery: 'submit' },
			{ items: prompts('Refused', 'Later'), continueOnFail: true, settings: RETRY },
		);
		expect(paidFor('Later')).toHaveLength(1);
		expect(byItem(result, 1)[0].json).toMatchObject({
			status: 'submitted',
			taskId: paidFor('Later')[0].taskId,
			fromEarlierTry: true,
		});
		// Said above the output as for the other deliveries.
		expect(result.hints.map((hint) => hint.message)).toContain(
			'1 job came from an earlier try of this node (Retry On Fail or a retried execution): found at AceData, not sent or billed again (field "fromEarlierTry" on their items)',
		);
	});

	it("Wait for AceData's Callback: the retried run parks on the job the first try paid for", async () => {
		refuseOnce('Refused');
		const result = await generate(
			{ delivery: 'callback', options: { maxWait: 300 } },
			{
				items: prompts('Refused', 'Later'),
				continueOnFail: true,
				settings: RETRY,
				webhookWaitingBaseUrl: `${simulator.url}/__sim/sink/webhook-waiting`,
			},
		);
		// The first try did not park (n8n was going to run the node again); the second parked on both paid tasks.
		expect(result.run.waitTill).toBeDefined();
		expect(paidFor('Later')).toHaveLength(1);
		expect(paidFor('Refused')).toHaveLength(1);
		const parked = result.run.data.executionData?.nodeExecutionStack[0].data.main[0] ?? [];
		expect(parked.map((item) => item.json.taskId)).toEqual([
			paidFor('Refused')[0].taskId,
			paidFor('Later')[0].taskId,
		]);
	});

	it('base64 images kept inline cannot be had again: the item names its paid job and is not paid again', async () => {
		simulator.config.gptImageAnswer = 'b64_json';
		refuseOnce('Refused');
		const result = await generate(
			{},
			{ items: prompts('Refused', 'Inline'), continueOnFail: true, settings: RETRY },
		);
		expect(paidFor('Inline')).toHaveLength(1);
		const [inline] = byItem(result, 1);
		expect(inline.json).toMatchObject({
			code: 'paid_in_earlier_try',
			billing: 'paid',
			fromEarlierTry: true,
			taskId: paidFor('Inline')[0].taskId,
		});
		expect(String(inline.json.error)).toContain('does not pay for it again');
		expect(JSON.stringify(result.items)).not.toContain(TOKEN);
	});
});

describe('A retried execution (the executions list: Retry)', () => {
	async function failedRun(parameters: IDataObject = {}) {
		refuseOnce('Second');
		const failed = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05 }, ...parameters },
			{ items: prompts('First', 'Second') },
		);
		expect(failed.error?.message).toContain('balance is used up');
		expect(failed.error?.description).toContain(String(paidFor('First')[0].taskId));
		return failed;
	}

	it("starts from the failed execution's node context: item 0's paid job is found, only item 1 is sent", async () => {
		const failed = await failedRun();
		const retried = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05 } },
			{ items: prompts('First', 'Second'), mode: 'retry', contextData: failed.contextData },
		);
		expect(retried.error).toBeUndefined();
		expect(sentFor('First')).toHaveLength(1);
		expect(paidFor('Second')).toHaveLength(1);
		expect(byItem(retried, 0)[0].json).toMatchObject({
			taskId: paidFor('First')[0].taskId,
			fromEarlierTry: true,
		});
		expect(byItem(retried, 1)[0].json.fromEarlierTry).toBeUndefined();
	});

	it('the same failed execution retried twice (its Retry is still offered after a failed retry): the second retry finds what the first paid for', async () => {
		const three = prompts('First', 'Second', 'Third');
		const settings = { options: { concurrency: 1, pollInterval: 0.05 } };
		refuseOnce('Second');
		const original = await generate(settings, { items: three });
		expect(original.error?.message).toContain('balance is used up');
		// Retry 1 starts from the original's node context: pays Second, then Third is refused.
		refuseOnce('Third');
		const first = await generate(settings, {
			items: three,
			mode: 'retry',
			contextData: original.contextData,
		});
		expect(first.error?.message).toContain('balance is used up');
		expect(paidFor('Second')).toHaveLength(1);
		// Retry 2 starts from the original's context too (n8n copies the failed execution's, not retry 1's).
		const second = await generate(settings, {
			items: three,
			mode: 'retry',
			contextData: original.contextData,
		});
		expect(second.error).toBeUndefined();
		expect(sentFor('First')).toHaveLength(1);
		expect(sentFor('Second').map((entry) => entry.status)).toEqual([403, 200]);
		expect(paidFor('Third')).toHaveLength(1);
		expect(second.items.map((item) => [item.json.taskId, item.json.fromEarlierTry])).toEqual([
			[paidFor('First')[0].taskId, true],
			[paidFor('Second')[0].taskId, true],
			[paidFor('Third')[0].taskId, undefined],
		]);
		// The node's trace IDs: the same request of the same item carries the same one in every retry.
		expect(new Set(sentFor('Second').map((entry) => entry.body?.trace_id)).size).toBe(1);
	});

	it("base64, retried twice: the sibling retry's job is found but AceData's record cuts its base64 short: the item names the paid job, no broken file, nothing paid again", async () => {
		simulator.config.gptImageAnswer = 'b64_json';
		// AceData's task records keep only the start of base64 images.
		simulator.inject({
			path: '/openai/tasks',
			times: 1000,
			patchRecord: (record: Record<string, unknown>) => {
				const response = record.response as { data?: Array<Record<string, unknown>> } | undefined;
				return {
					...record,
					response: response && {
						...response,
						data: response.data?.map((datum) =>
							typeof datum.b64_json === 'string'
								? { ...datum, b64_json: datum.b64_json.slice(0, 1000) }
								: datum,
						),
					},
				};
			},
		});
		await useFilesystemBinaryStore(); // so that First's files can be reused
		const three = prompts('First', 'Second', 'Third');
		const settings = { options: { concurrency: 1, pollInterval: 0.05 } };
		refuseOnce('Second');
		const original = await generate(settings, { items: three, executionId: 'original' });
		refuseOnce('Third');
		const first = await generate(settings, {
			items: three,
			mode: 'retry',
			contextData: original.contextData,
			executionId: 'retry-1',
		});
		expect(first.error?.message).toContain('balance is used up');
		expect(paidFor('Second')).toHaveLength(1);
		const second = await generate(settings, {
			items: three,
			mode: 'retry',
			contextData: original.contextData,
			continueOnFail: true,
			executionId: 'retry-2',
		});
		expect(sentFor('Second').map((entry) => entry.status)).toEqual([403, 200]);
		const [item] = byItem(second, 1);
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			code: 'incomplete_image',
			billing: 'paid',
			taskId: paidFor('Second')[0].taskId,
			fromEarlierTry: true,
		});
		expect(String(item.json.error)).toContain(
			"AceData's task records keep only the start of base64 images",
		);
	});

	it('a retried execution that cannot ask AceData about a sibling retry sends nothing for that item', async () => {
		const failed = await failedRun();
		// Only the look-up of Second's trace ID fails (item 0's paid job is still found by its task ID).
		const traceId = String(sentFor('Second')[0].body?.trace_id);
		simulator.inject({
			path: '/openai/tasks',
			code: 'api_error',
			status: 500,
			times: 100,
			taskIds: [traceId],
		});
		const retried = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05 } },
			{
				items: prompts('First', 'Second'),
				mode: 'retry',
				contextData: failed.contextData,
				continueOnFail: true,
			},
		);
		expect(sentFor('Second')).toHaveLength(1); // the refused one of the failed run only
		const [second] = byItem(retried, 1);
		expect(second.json).toMatchObject({ code: 'earlier_retry_unknown', billing: 'none' });
		expect(String(second.json.error)).toContain(
			'This is a retried execution, and the node could not ask AceData whether another retry of the same execution already paid for this request',
		);
	});

	it('a request the user changed before retrying (the current workflow) is a new job; the job it no longer asks for is named', async () => {
		const failed = await failedRun();
		const retried = await generate(
			{ options: { concurrency: 1, pollInterval: 0.05, quality: 'low' } },
			{ items: prompts('First', 'Second'), mode: 'retry', contextData: failed.contextData },
		);
		expect(retried.error).toBeUndefined();
		expect(paidFor('First')).toHaveLength(2);
		expect(retried.hints.map((hint) => hint.message)).toContain(
			`A job an earlier try of this node paid for is no longer asked for by this run (the request changed since): task ${paidFor('First')[0].taskId}. It is paid: fetch the images with Task › Get if you need them`,
		);
	});

	it("a loop's next run (another run index) makes new jobs", async () => {
		const first = await generate({}, { items: prompts('Looped') });
		expect(first.error).toBeUndefined();
		const next = await generate(
			{},
			{ items: prompts('Looped'), contextData: first.contextData, earlierRuns: 1 },
		);
		expect(next.error).toBeUndefined();
		expect(paidFor('Looped')).toHaveLength(2);
		expect(next.items[0].json.fromEarlierTry).toBeUndefined();
	});
});

describe('Max Images per Run across tries', () => {
	it('fails closed: an expression that resolves to nothing stops the node before anything is sent', async () => {
		const result = await generate(
			{ options: { maxImagesPerRun: '={{ $json.cap }}' } },
			{ items: prompts('Capped') },
		);
		expect(result.error?.message).toBe(
			'Parameter "Max Images per Run" must be a whole number from 1 to 100000 (got undefined (an expression that found nothing?) from {{ $json.cap }})',
		);
		expect(simulator.requests).toHaveLength(0);
	});

	it('counts what was asked: an item refused before sending counts nothing, a reused job counts once', async () => {
		refuseOnce('Refused');
		const result = await generate(
			{ options: { maxImagesPerRun: 2, pollInterval: 0.05 } },
			{
				items: [{ json: { prompt: '' } }, ...prompts('Refused', 'Kept')],
				continueOnFail: true,
				settings: RETRY,
			},
		);
		// Try 1: the empty prompt is refused by the node (0), Refused by AceData (0), Kept is paid (1). Try 2: Refused
		// is paid (2), Kept is reused (still 2): within the cap.
		expect(byItem(result, 0)[0].json.code).toBe('invalid_parameter');
		expect(paidFor('Refused')).toHaveLength(1);
		expect(paidFor('Kept')).toHaveLength(1);
		expect(result.items.filter((item) => item.json.code === 'max_images_per_run')).toEqual([]);
	});
});

describe('Recovery by trace ID never emits another job', () => {
	it('a Trace ID reused across executions: a lost answer names both jobs and emits neither', async () => {
		const traceId = 'campaign-42';
		const first = await generate(
			{ options: { traceId, pollInterval: 0.05 } },
			{ items: prompts('Poster') },
		);
		expect(first.error).toBeUndefined();
		simulator.inject({ path: '/openai/images/', accept: true, drop: true, times: 1 });
		const second = await generate(
			{ options: { traceId, pollInterval: 0.05 } },
			{ items: prompts('Poster'), continueOnFail: true },
		);
		const ids = paidFor('Poster').map((entry) => String(entry.taskId));
		expect(ids).toHaveLength(2);
		expect(second.items).toHaveLength(1);
		expect(second.items[0].binary).toBeUndefined();
		expect(second.items[0].json).toMatchObject({ billing: 'maybe', traceId });
		for (const id of ids) expect(String(second.items[0].json.error)).toContain(id);
	});
});

describe('Base64 images with n8n keeping binary data on disk', () => {
	it('the files the first try stored are emitted again, nothing is paid twice', async () => {
		await useFilesystemBinaryStore();
		simulator.config.gptImageAnswer = 'b64_json';
		refuseOnce('Refused');
		const result = await generate(
			{},
			{ items: prompts('Refused', 'Stored'), continueOnFail: true, settings: RETRY },
		);
		expect(paidFor('Stored')).toHaveLength(1);
		const [stored] = byItem(result, 1);
		expect(stored.json).toMatchObject({
			fromEarlierTry: true,
			taskId: paidFor('Stored')[0].taskId,
		});
		expect(stored.binary?.data.id).toEqual(expect.any(String));
	});

	it("a retried execution copies the failed one's files into its own store: deleting the failed execution loses nothing", async () => {
		const store = await useFilesystemBinaryStore();
		simulator.config.gptImageAnswer = 'b64_json';
		refuseOnce('Refused');
		const settings = { options: { concurrency: 1 } };
		const items = prompts('Stored', 'Refused');
		const failed = await generate(settings, { items, executionId: 'failed-execution' });
		expect(failed.error?.message).toContain('balance is used up');
		const retried = await generate(settings, {
			items,
			mode: 'retry',
			contextData: failed.contextData,
			executionId: 'retried-execution',
		});
		expect(retried.error).toBeUndefined();
		expect(paidFor('Stored')).toHaveLength(1);
		const [stored] = byItem(retried, 0);
		expect(stored.json.fromEarlierTry).toBe(true);
		const id = String(stored.binary?.data.id);
		expect(id).toContain('retried-execution');
		// The failed execution is deleted (by a user, or n8n's pruning): its files go with it.
		const journal = JSON.stringify(failed.contextData);
		const original = /filesystem[^"]*failed-execution[^"]*/.exec(journal)?.[0];
		expect(original).toBeDefined();
		store.remove({ id: original } as IBinaryData);
		expect(await store.read(stored.binary?.data as IBinaryData)).toEqual(simulator.sentImages()[0]);
	});
});
