/**
 * The whole node against a hostile AceData: generated answers to the billed request, task records and batches for
 * the look-ups, and callback bodies, with wrong types, missing fields, huge strings and the token planted anywhere.
 * For every run: the node either emits items or fails with n8n's own error types (never a JavaScript error shown to
 * a user), every input item ends as exactly one outcome (its images or submitted job, or one error item paired to
 * it), and the token is in nothing emitted or thrown. The context is a stand-in for n8n's (no HTTP: answers come
 * from the generator); waits run on fake timers, so Max Wait and back-offs pass at once. Seeded, 10,000 runs.
 */
import fc from 'fast-check';

import { check } from '../harness/check';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeExecutionData,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { AceDataImages } from '../../nodes/AceDataImages/AceDataImages.node';

jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	// n8n's sleep on the fake clock: every pause of the node passes at once, Date.now() moves with it.
	return { ...actual, sleep: async (ms: number) => void jest.advanceTimersByTime(Math.max(1, ms)) };
});

const RUNS = 10_000;
const SEED = 20261202;
/** Stands for the API token: it must never come out of the node. */
const PLANTED = 'planted-credential-abcdef0123';
const HUGE = 'y'.repeat(100_000);
const PNG = Buffer.from(
	'89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489',
	'hex',
).toString('base64');

const text = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.constant(PLANTED),
	fc.constant(`a${PLANTED}b`),
	fc.constant(HUGE),
	fc.constant(''),
);
const scalar = fc.oneof(
	text,
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.constant({}),
	fc.constant([]),
);
const id = fc.oneof(fc.constantFrom('task-1', 'task-2', 'task-3'), scalar);
const datum = fc.oneof(
	fc.record(
		{ url: fc.oneof(fc.constant('https://cdn.example.com/a.png'), scalar), revised_prompt: scalar },
		{ requiredKeys: [] },
	),
	fc.record(
		{ b64_json: fc.oneof(fc.constant(PNG), scalar), revised_prompt: scalar },
		{ requiredKeys: [] },
	),
	scalar,
);
const images = fc.record(
	{
		success: fc.oneof(fc.constant(true), scalar),
		task_id: id,
		trace_id: scalar,
		created: scalar,
		model: scalar,
		usage: fc.oneof(fc.dictionary(text, scalar, { maxKeys: 3 }), scalar),
		data: fc.oneof(fc.array(datum, { maxLength: 3 }), scalar),
	},
	{ requiredKeys: [] },
);
const failure = fc.record({
	success: fc.constant(false),
	error: fc.oneof(fc.record({ code: scalar, message: scalar }, { requiredKeys: [] }), scalar),
});
const cost = fc.oneof(
	fc.record({ amount: fc.oneof(fc.double(), scalar), currency: scalar }, { requiredKeys: [] }),
	scalar,
);
const record = fc.record(
	{
		id,
		trace_id: scalar,
		request: fc.oneof(
			fc.record({ model: scalar, prompt: scalar, n: scalar }, { requiredKeys: [] }),
			scalar,
		),
		created_at: scalar,
		finished_at: fc.oneof(fc.constant(1_800_000_000), scalar),
		response: fc.oneof(images, failure, scalar),
		cost,
	},
	{ requiredKeys: [] },
);
const body = fc.oneof(
	images,
	failure,
	record,
	fc.record(
		{ items: fc.oneof(fc.array(record, { maxLength: 4 }), scalar), count: scalar },
		{ requiredKeys: [] },
	),
	scalar,
	text,
);
const answer = fc.record({
	statusCode: fc.constantFrom(200, 200, 200, 400, 403, 429, 500, 503),
	body,
});

const scenario = fc.record({
	resource: fc.constantFrom('image', 'image', 'task'),
	/** Task › Get or Task › Get Many (by two IDs). */
	taskOperation: fc.constantFrom('get', 'getMany'),
	delivery: fc.constantFrom('wait', 'poll', 'submit', 'callback'),
	items: fc.integer({ min: 1, max: 3 }),
	continueOnFail: fc.boolean(),
	/** The answers, in order, to every request the node sends (the last one repeats). */
	answers: fc.array(answer, { minLength: 1, maxLength: 6 }),
	callbackBody: body,
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const node = {
	id: '1',
	name: 'AceData Cloud Images',
	type: 'aceDataImages',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

function helpers(answers: Scenario['answers']) {
	let next = 0;
	return {
		httpRequestWithAuthentication: async (_type: string, request: IHttpRequestOptions) => {
			void request;
			const { statusCode, body: answerBody } = answers[Math.min(next++, answers.length - 1)];
			return { statusCode, headers: {}, body: answerBody };
		},
		httpRequest: async () => {
			throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		},
		prepareBinaryData: async (bytes: Buffer, fileName?: string, mimeType?: string) => ({
			data: bytes.toString('base64'),
			fileName,
			mimeType,
			fileSize: String(bytes.length),
		}),
	};
}

function executeContext(
	run: Scenario,
	parked: { items?: INodeExecutionData[] },
): IExecuteFunctions {
	const inputs = Array.from({ length: run.items }, (_, index) => ({ json: { index } }));
	const parameters: IDataObject = {
		resource: run.resource,
		operation: run.resource === 'task' ? run.taskOperation : 'generate',
		taskIds: 'task-1, task-2',
		model: 'gpt-image-1',
		prompt: 'A lighthouse',
		n: 1,
		size: '1024x1024',
		delivery: run.delivery,
		taskId: 'task-1',
		options: { pollInterval: 0.05, maxWait: 1, timeout: 5, concurrency: 2, downloadImages: false },
	};
	const executeData = { data: { main: [inputs] }, node, source: null };
	return {
		getInputData: () => inputs,
		getNodeParameter: (name: string, _item: number, fallback?: unknown) =>
			parameters[name] ?? fallback,
		continueOnFail: () => run.continueOnFail,
		getNode: () => node,
		getCredentials: async () => ({ apiToken: PLANTED, baseUrl: 'https://api.acedata.cloud' }),
		getExecutionCancelSignal: () => undefined,
		evaluateExpression: () => 'https://n8n.example.com/webhook-waiting/7?signature=abc',
		getExecuteData: () => executeData,
		putExecutionToWait: async () => {
			parked.items = executeData.data.main[0];
		},
		helpers: helpers(run.answers),
	} as unknown as IExecuteFunctions;
}

function webhookContext(
	run: Scenario,
	parkedItems: INodeExecutionData[],
	answered: { status?: number },
): IWebhookFunctions {
	return {
		getBodyData: () => run.callbackBody,
		evaluateExpression: () => parkedItems,
		getNode: () => node,
		getCredentials: async () => ({ apiToken: PLANTED, baseUrl: 'https://api.acedata.cloud' }),
		getResponseObject: () => {
			const response = {
				status: (code: number) => ((answered.status = code), response),
				json: () => response,
			};
			return response;
		},
		helpers: helpers(run.answers),
	} as unknown as IWebhookFunctions;
}

const RUNTIME_ERROR =
	/is not a function|Cannot read prop|is not defined|is not iterable|undefined \(reading|Maximum call stack/;

/**
 * Every input item: one error item, or items with no error. A listing (Task › Get Many) that finds no task is an
 * outcome with no items, as n8n's list operations have it.
 */
function expectOneOutcomeEach(items: INodeExecutionData[], count: number, listing = false) {
	const byItem = new Map<number, INodeExecutionData[]>();
	for (const item of items) {
		const paired = (item.pairedItem as { item: number }).item;
		byItem.set(paired, [...(byItem.get(paired) ?? []), item]);
	}
	const paired = [...byItem.keys()].sort((a, b) => a - b);
	const complete = paired.length === count && paired.every((item, index) => item === index);
	check(
		complete || (listing && paired.every((item) => item < count)),
		`outcomes for items ${paired.join(', ')} of ${count}`,
	);
	for (const group of byItem.values()) {
		const errors = group.filter((item) => item.json.error !== undefined);
		check(
			errors.length === 0 || group.length === 1,
			`an error item beside other items: ${JSON.stringify(group).slice(0, 300)}`,
		);
		for (const item of errors)
			check(
				!RUNTIME_ERROR.test(String(item.json.error)),
				`a JavaScript error shown: ${String(item.json.error)}`,
			);
	}
}

beforeAll(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterAll(() => jest.useRealTimers());

describe('The node against a hostile AceData', () => {
	it('never throws a JavaScript error, ends every item as one outcome, and never emits the token', async () => {
		await fc.assert(
			fc.asyncProperty(scenario, async (run) => {
				const parked: { items?: INodeExecutionData[] } = {};
				let output: INodeExecutionData[] = [];
				try {
					[output] = await new AceDataImages().execute.call(executeContext(run, parked));
				} catch (error) {
					check(
						error instanceof NodeApiError || error instanceof NodeOperationError,
						`threw ${String(error)}`,
					);
					const { message, description } = error as NodeApiError;
					check(!RUNTIME_ERROR.test(message), `a JavaScript error shown: ${message}`);
					check(!`${message} ${description ?? ''}`.includes(PLANTED), 'the token in an error');
					check(
						!(run.continueOnFail && run.resource === 'image' && run.delivery !== 'callback'),
						`threw under Continue On Fail: ${message}`,
					);
					return;
				}
				check(!JSON.stringify(output).includes(PLANTED), 'the token in the output');
				if (parked.items) {
					// Parked: what Max Wait would pass through is one outcome per item too, and so is the resume.
					expectOneOutcomeEach(parked.items, run.items);
					const answered: { status?: number } = {};
					const resumed = await new AceDataImages().webhook.call(
						webhookContext(run, parked.items, answered),
					);
					const items = resumed.workflowData?.[0];
					if (items) {
						expectOneOutcomeEach(items, run.items);
						const text = JSON.stringify(items);
						check(!text.includes(PLANTED), 'the token in the resumed items');
						check(!text.includes('__aceDataImages'), 'the internal state in the resumed items');
					} else
						check(
							[200, 404, 503].includes(answered.status ?? 0),
							`the webhook answered ${answered.status}`,
						);
					return;
				}
				expectOneOutcomeEach(
					output,
					run.items,
					run.resource === 'task' && run.taskOperation === 'getMany',
				);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	}, 600_000);
});
