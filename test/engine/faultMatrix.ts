/**
 * The fault matrix: every fault × delivery × Continue On Fail × 1 and 5 items, through n8n's real engine against
 * the simulator. Each cell checks what a paying user relies on: one outcome per input item, paired to it; one
 * billed submission per item; every paid job either emitted or named; the item's own images; no token anywhere;
 * a bounded run.
 */
import { createHash } from 'crypto';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { binaryBytes, callWebhook, imageRunner, type RunResult } from '../harness/engine';
import { report } from '../harness/report';
import type { Fault, LoggedRequest, Simulator } from '../harness/simulator';
import { startSimulator, TOKEN } from '../harness/simulator';

/**
 * `callback`: Wait for Images with a Callback URL (AceData gets a task and the node polls it). `park`: delivery
 * "Wait for AceData's Callback": the run parks, AceData calls back for every task that finishes, each callback
 * runs the node's webhook; when none resumes it, n8n's Max Wait passes the parked items through.
 */
export type Delivery = 'wait' | 'poll' | 'submit' | 'callback' | 'park';
const DELIVERIES: Delivery[] = ['wait', 'poll', 'submit', 'callback', 'park'];
/** Deliveries whose node looks tasks up (wait with a callback URL gets a task and polls it). */
const POLLING: Delivery[] = ['poll', 'callback'];
/** What a parked run's unfinished item says when Max Wait passes (1.5 s for a target about time, else 30 s). */
const PARKED_MAX_WAIT = /did not call back for task .* within Max Wait \((1\.5|30) s\)/;

/**
 * Timings. A cell is about logic (which outcome, which requests), not about time, so no outcome may hang on how
 * fast this busy machine happens to be: every item waits with margins of many times the scheduling noise (Timeout
 * 10 s, Max Wait 30 s), and only the target item of a fault that is about time gets a short one, where nothing
 * can flip it: a task that never finishes passes Max Wait 1.5 s however slow the machine is, and an answer held
 * 8 s passes a Timeout of 1 s.
 */
const ROOMY = { timeout: 10, maxWait: 30 };

/**
 * n8n's lifecycle around the node: `once`, or n8n's Retry On Fail (3 tries) with the fault on item 0, so that under
 * Continue On Fail its error item comes first and n8n runs the node again (n8n-core's `checkFailure`), and without
 * it the node's error does. Every try sends what no earlier try paid for; a paid job is never sent again.
 */
type Lifecycle = 'once' | 'retryOnFail';
const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1 };
const SHORT_MAX_WAIT = { maxWait: 1.5 };

interface FaultCase {
	name: string;
	/** Faults for the simulator, aimed at the target item through its prompt. */
	faults?: (target: string) => Fault[];
	/** Fields added to the credential (for every item). */
	credential?: IDataObject;
	/** Appended to the target item's prompt (simulator directives). */
	promptSuffix?: string;
	/** Where the target item fails (elsewhere it must succeed). */
	failsIn: Delivery[];
	/** Every item fails there, not only the target. */
	allFailIn?: Delivery[];
	/** The target's job is not paid when it fails (AceData refused it). */
	unpaid?: boolean;
	/** Text the target's error must contain. */
	says?: RegExp;
	/** With delivery `park`, when it differs: Max Wait leaves the parked items, which name their tasks. */
	saysParked?: RegExp;
	/** The target item's own Timeout and Max Wait, when the fault is about time (every other item has `ROOMY`). */
	targetOptions?: { timeout?: number; maxWait?: number };
}

const CASES: FaultCase[] = [
	{ name: 'no fault', failsIn: [] },
	{
		// n8n refuses before anything leaves: nothing billed, nothing looked up, and the error names the host to add.
		name: "n8n refuses the credential's Allowed HTTP Request Domains (api.acedata.cloud only)",
		credential: { allowedHttpRequestDomains: 'domains', allowedDomains: 'api.acedata.cloud' },
		failsIn: DELIVERIES,
		allFailIn: DELIVERIES,
		unpaid: true,
		says: /Allowed HTTP Request Domains do not include 127\.0\.0\.1/,
	},
	{
		name: 'submission refused (403 used_up)',
		faults: (prompt) => [{ path: '/openai/images/', prompt, code: 'used_up', times: 10 }],
		failsIn: DELIVERIES,
		unpaid: true,
		says: /balance is used up/,
	},
	{
		name: 'submission accepted, answer 500',
		faults: (prompt) => [
			{
				path: '/openai/images/',
				prompt,
				accept: true,
				code: 'api_error',
				times: 1,
			},
		],
		failsIn: [],
	},
	{
		name: 'submission not accepted, answer 502',
		faults: (prompt) => [
			{
				path: '/openai/images/',
				prompt,
				code: 'api_error',
				status: 502,
				times: 1,
			},
		],
		failsIn: DELIVERIES,
		says: /no record of a job with trace ID/,
	},
	{
		name: 'submission accepted, connection dropped',
		faults: (prompt) => [{ path: '/openai/images/', prompt, accept: true, drop: true, times: 1 }],
		failsIn: [],
	},
	{
		name: 'submission accepted, answer after the Timeout',
		faults: (prompt) => [{ path: '/openai/images/', prompt, accept: true, hangMs: 8000, times: 1 }],
		targetOptions: { timeout: 1 },
		failsIn: [],
	},
	{
		name: 'look-ups fail (502) for a while',
		faults: () => [{ path: '/openai/tasks', code: 'api_error', status: 502, times: 4 }],
		failsIn: [],
	},
	{
		name: "look-ups of the target's task always fail (500)",
		faults: (prompt) => [{ path: '/openai/tasks', prompt, code: 'api_error', times: 10000 }],
		failsIn: [...POLLING, 'park'],
		// A failing batch look-up keeps the whole parked run waiting until Max Wait: every item names its task.
		allFailIn: ['park'],
		says: /still running after 1\.5 s \(Max Wait\)\. The last look-up failed/,
		saysParked: PARKED_MAX_WAIT,
		targetOptions: SHORT_MAX_WAIT,
	},
	{
		name: 'look-ups refused (401 invalid_token)',
		faults: () => [{ path: '/openai/tasks', code: 'invalid_token', times: 10000 }],
		failsIn: [...POLLING, 'park'],
		allFailIn: [...POLLING, 'park'],
		says: /credential/,
		saysParked: PARKED_MAX_WAIT,
	},
	{
		name: 'task unknown ({}) for its first look-ups',
		faults: (prompt) => [{ path: '/openai/tasks', prompt, unknown: true, times: 2 }],
		failsIn: [],
	},
	{
		name: 'task unknown ({}) for good',
		faults: (prompt) => [{ path: '/openai/tasks', prompt, unknown: true, times: 10000 }],
		failsIn: [...POLLING, 'park'],
		allFailIn: ['park'],
		says: /no record of task/,
		saysParked: PARKED_MAX_WAIT,
	},
	{
		name: "look-ups answer another task's record",
		faults: (prompt) => [{ path: '/openai/tasks', prompt, wrongRecord: true, times: 2 }],
		failsIn: [],
	},
	{
		name: 'a finished record of another shape (error.code a number, error.message an object)',
		faults: (prompt) => [
			{
				path: '/openai/tasks',
				prompt,
				patchRecord: (record) => ({
					...record,
					finished_at: Date.now() / 1000,
					response: { success: false, error: { code: 500, message: { nested: true } } },
				}),
				times: 10000,
			},
		],
		failsIn: [...POLLING, 'park'],
		says: /AceData error 500/,
	},
	{
		name: 'the answer echoes the token (model, usage, revised prompt)',
		faults: (prompt) => [
			{
				path: '/openai/images/',
				prompt,
				patchAnswer: (answer) => ({
					...answer,
					model: `gpt-image-1 ${TOKEN}`,
					usage: { [TOKEN]: 1, input_tokens: 2 },
					...(Array.isArray(answer.data)
						? {
								data: (answer.data as IDataObject[]).map((datum) => ({
									...datum,
									revised_prompt: TOKEN,
								})),
							}
						: {}),
				}),
				times: 1,
			},
		],
		failsIn: [],
	},
	{
		name: 'image download fails (500)',
		faults: (prompt) => [{ path: '/files/', prompt, code: 'api_error', times: 10000 }],
		failsIn: ['wait', 'poll', 'callback', 'park'],
		says: /Could not download the image/,
	},
	{
		name: 'task fails at AceData',
		promptSuffix: ' [[task:fail]]',
		failsIn: [...POLLING, 'park'],
		says: /upstream image service failed/,
	},
	{
		name: 'task outlives Max Wait',
		promptSuffix: ' [[never]]',
		failsIn: [...POLLING, 'park'],
		allFailIn: ['park'],
		says: /still running after 1\.5 s/,
		saysParked: PARKED_MAX_WAIT,
		targetOptions: SHORT_MAX_WAIT,
	},
];

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Defines the matrix for some deliveries (the test files split it, so that jest runs the halves in parallel).
 * Each file gets its own simulator.
 */
export function defineFaultMatrix(deliveries: Delivery[]): void {
	// Every cell has a simulator of its own, so cells run side by side (jest's maxConcurrency): most of a cell is
	// waiting on back-off, Timeout and Max Wait, not on the CPU.
	const run = (
		simulator: Simulator,
		parameters: INodeParameters,
		extra: {
			items: INodeExecutionData[];
			continueOnFail: boolean;
			settings?: typeof RETRY_ON_FAIL;
		},
		credential: IDataObject = {},
	) =>
		imageRunner(
			() =>
				({ apiToken: TOKEN, baseUrl: simulator.url, ...credential }) as {
					apiToken: string;
					baseUrl: string;
				},
			{
				resource: 'image',
				operation: 'generate',
				model: 'gpt-image-1',
				prompt: '={{ $json.prompt }}',
				n: 1,
				size: '1024x1024',
				// Per item: the target's options come with its input item (see runCell).
				options: {
					pollInterval: 0.05,
					maxWait: '={{ $json.maxWait }}',
					timeout: '={{ $json.timeout }}',
				},
			},
		)(parameters, extra);

	function parametersFor(simulator: Simulator, delivery: Delivery): INodeParameters {
		if (delivery === 'park') return { delivery: 'callback' };
		if (delivery !== 'callback') return { delivery };
		return {
			delivery: 'wait',
			options: {
				pollInterval: 0.05,
				maxWait: '={{ $json.maxWait }}',
				timeout: '={{ $json.timeout }}',
				callbackUrl: `${simulator.url}/__sim/sink/matrix`,
			},
		};
	}

	const totals = {
		cells: 0,
		runs: 0,
		items: 0,
		outcomes: 0,
		billed: 0,
		paid: 0,
		emitted: 0,
		named: 0,
		slowestMs: 0,
	};

	function itemOf(entry: LoggedRequest): number {
		return Number(/^Item (\d+):/.exec(String(entry.body?.prompt ?? ''))?.[1]);
	}

	/**
	 * A parked run, carried on as n8n would: AceData calls back for every task that finishes (side by side), each
	 * callback runs the node's webhook; one that resumes gives the output (n8n lets only one resume). If none does,
	 * Max Wait passes the parked items through.
	 */
	async function resumeParked(simulator: Simulator, result: RunResult): Promise<RunResult> {
		const parked = result.run.data.executionData?.nodeExecutionStack[0].data.main[0] ?? [];
		const callbacks = await simulator.releaseCallbacks();
		const answers = await Promise.all(
			callbacks.map(async (callback) => await callWebhook(result, callback.body as IDataObject)),
		);
		const resumed = answers.find((answer) => answer.items);
		return { ...result, items: resumed?.items ?? parked };
	}

	/** Everything the user can see of a run, to search for the token. */
	function visible(result: RunResult): string {
		return JSON.stringify({ items: result.items, error: result.error ?? null });
	}

	function checkCell(
		sim: Simulator,
		result: RunResult,
		fault: FaultCase,
		delivery: Delivery,
		continueOnFail: boolean,
		count: number,
		target: number,
		parked: boolean,
		lifecycle: Lifecycle,
	) {
		const all = sim.billed();
		// One billed submission per item that was started, never a second one. Across n8n's retries an item AceData
		// refused (nothing paid) is sent again by the next try; one AceData may have taken is never sent again.
		const perItem = new Map<number, LoggedRequest[]>();
		for (const entry of all)
			perItem.set(itemOf(entry), [...(perItem.get(itemOf(entry)) ?? []), entry]);
		const mayBeTaken = (entry: LoggedRequest) =>
			entry.taskId !== undefined ||
			entry.status === undefined ||
			entry.status < 400 ||
			entry.status >= 500;
		for (const [item, entries] of perItem) {
			if (lifecycle === 'once') expect(entries).toHaveLength(1);
			else if (entries.some(mayBeTaken)) {
				// Sent again only while AceData surely refused it; once it may have been taken, never again.
				const first = entries.findIndex(mayBeTaken);
				if (first !== entries.length - 1)
					throw new Error(
						`item ${item} was sent again after AceData may have taken it: ${JSON.stringify(entries.map((entry) => [entry.status, entry.taskId]))}`,
					);
			}
		}
		// The submissions that count: the last one of each item (earlier ones AceData refused).
		const billed = [...perItem.values()].map((entries) => entries[entries.length - 1]);
		const paid = billed.filter((entry) => entry.taskId);
		totals.billed += billed.length;
		totals.paid += paid.length;

		expect(visible(result)).not.toContain(TOKEN);

		const fails = (index: number) =>
			fault.failsIn.includes(delivery) &&
			(index === target || (fault.allFailIn ?? []).includes(delivery));
		const anyFails = Array.from({ length: count }, (_, index) => index).some(fails);

		// A run that parked ends in error items either way: n8n resumes it by time, or through a webhook that must
		// not throw (see actions/image/callback.ts).
		if (!continueOnFail && !parked && anyFails) {
			// Nothing is emitted: the error names every paid job (task ID, or trace ID when the answer was lost).
			expect(result.error).toBeDefined();
			if (fault.says) expect(result.error?.message).toMatch(fault.says);
			const text = `${result.error?.message} ${result.error?.description}`;
			for (const entry of paid) {
				const named =
					text.includes(String(entry.taskId)) || text.includes(String(entry.body?.trace_id));
				if (!named)
					throw new Error(
						`paid job of item ${itemOf(entry)} (${entry.taskId}) is not named in: ${text}`,
					);
				totals.named++;
			}
			if (paid.length > 0)
				expect(result.error?.message).not.toMatch(/run (it |the workflow )?again/i);
			return;
		}

		expect(result.error).toBeUndefined();
		const byInput = new Map<number, INodeExecutionData[]>();
		for (const item of result.items) {
			const paired = item.pairedItem as { item: number };
			byInput.set(paired.item, [...(byInput.get(paired.item) ?? []), item]);
		}
		expect([...byInput.keys()].sort()).toEqual(Array.from({ length: count }, (_, index) => index));
		totals.items += count;
		for (const [index, items] of byInput) {
			totals.outcomes++;
			const job = paid.find((entry) => itemOf(entry) === index);
			if (fails(index)) {
				// Exactly one error item, carrying the job's IDs and what to do.
				expect(items).toHaveLength(1);
				const json = items[0].json;
				expect(json.error).toEqual(expect.any(String));
				const says = parked ? (fault.saysParked ?? fault.says) : fault.says;
				if (says) expect(json.error).toMatch(says);
				if (!fault.unpaid) expect(String(json.error)).not.toMatch(/run (it |the workflow )?again/i);
				if (fault.unpaid) {
					expect(job).toBeUndefined();
					expect(json.billing).toBe('none');
				} else {
					expect(json.traceId).toBe(
						billed.find((entry) => itemOf(entry) === index)?.body?.trace_id,
					);
					if (job) expect(json.taskId === job.taskId || !json.taskId).toBe(true);
					expect(json.whatToDo).toMatch(/Task › Get|failed at AceData/);
					totals.named++;
				}
				continue;
			}
			expect(items.every((item) => item.json.error === undefined)).toBe(true);
			expect(job).toBeDefined();
			totals.emitted++;
			// Under Retry On Fail a Callback run whose first item failed does not park (n8n would run it again on the
			// parked input): its accepted tasks come out as submitted tasks, named for Task › Get.
			const submitted =
				delivery === 'submit' ||
				(delivery === 'park' && lifecycle === 'retryOnFail' && !parked && fails(0));
			if (submitted) {
				expect(items).toEqual([
					expect.objectContaining({
						json: expect.objectContaining({
							status: 'submitted',
							taskId: job?.taskId,
						}),
					}),
				]);
				continue;
			}
			// The item's own images, never another task's.
			const own = (job?.images ?? []).map((image) => image.sha256);
			expect(items.map((item) => sha(binaryBytes(item.binary?.data)))).toEqual(own);
			expect(items.every((item) => item.json.taskId === job?.taskId)).toBe(true);
		}
	}

	describe.each(CASES)('fault: $name', (fault) => {
		describe.each(deliveries)('delivery %s', (delivery) => {
			it.concurrent.each<[boolean, number, Lifecycle]>([
				[false, 1, 'once'],
				[false, 5, 'once'],
				[true, 1, 'once'],
				[true, 5, 'once'],
				[false, 5, 'retryOnFail'],
				[true, 5, 'retryOnFail'],
			])(
				'Continue On Fail %s, %i item(s), %s: one outcome per item, every paid job emitted or named',
				async (continueOnFail, count, lifecycle) => {
					const simulator = await startSimulator({ gptImageAnswer: 'url' });
					try {
						await runCell(simulator, fault, delivery, continueOnFail, count, lifecycle);
					} finally {
						await simulator.stop();
					}
				},
			);
		});
	});

	async function runCell(
		simulator: Simulator,
		fault: FaultCase,
		delivery: Delivery,
		continueOnFail: boolean,
		count: number,
		lifecycle: Lifecycle,
	) {
		// Under Retry On Fail the fault is on item 0: its error item comes first, which makes n8n run the node again.
		const target = count === 1 || lifecycle === 'retryOnFail' ? 0 : 2;
		const marker = `Item ${target}:`;
		simulator.inject(...(fault.faults?.(marker) ?? []));
		const items = Array.from({ length: count }, (_, index) => ({
			json: {
				prompt: `Item ${index}: a lighthouse${index === target ? (fault.promptSuffix ?? '') : ''}`,
				...ROOMY,
				...(index === target ? fault.targetOptions : {}),
			},
		}));
		const started = Date.now();
		// Callbacks come when the cell says, after the run has parked (as they would from a slow model).
		if (delivery === 'park') simulator.config.holdCallbacks = true;
		let result = await run(
			simulator,
			parametersFor(simulator, delivery),
			{
				items,
				continueOnFail,
				...(lifecycle === 'retryOnFail' ? { settings: RETRY_ON_FAIL } : {}),
			},
			fault.credential,
		);
		const parked = result.run.waitTill !== undefined;
		if (parked) result = await resumeParked(simulator, result);
		const elapsed = Date.now() - started;
		totals.cells++;
		totals.runs++;
		totals.slowestMs = Math.max(totals.slowestMs, elapsed);
		// Bounded: a cell that reached a roomy Max Wait (30 s) has failed anyway; this catches a run that never ends.
		expect(elapsed).toBeLessThan(50_000);
		checkCell(simulator, result, fault, delivery, continueOnFail, count, target, parked, lifecycle);
	}

	afterAll(() => {
		// The matrix's totals, printed with the test output.
		report(
			`fault matrix: ${totals.cells} cells (${CASES.length} faults × ${deliveries.length} deliveries (${deliveries.join(', ')}) × Continue On Fail on/off × 1 and 5 items, and 5 items under n8n's Retry On Fail); ` +
				`${totals.billed} billed submissions, ${totals.paid} paid jobs: ${totals.emitted} emitted, ${totals.named} named in errors; ` +
				`${totals.outcomes} outcomes for ${totals.items} input items under Continue On Fail; slowest run ${totals.slowestMs} ms; token found: 0`,
		);
	});
}
