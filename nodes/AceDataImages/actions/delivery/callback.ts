import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { ImageRequest, ItemOutcome } from '../../execution/types';
import { Failure, asFailure, parameterFailure } from '../../failure/failure';
import { errorItem, stoppingError } from '../../failure/report';
import * as words from '../../failure/words';
import { isPublicUrl } from '../../helpers/address';
import { readConcurrency } from '../../helpers/parameters';
import { runPool } from '../../execution/schedule';
import { recordOutcome } from '../../helpers/taskOutcome';
import { INTERNAL_KEY } from '../../models/defaults';
import { AceDataClient, type CallOptions, type NodeContext } from '../../transport/client';
import { parseCallbackBody } from '../../transport/schemas';
import type { TaskRecord } from '../../transport/types';
import { emitOutcomes } from './emit';
import { maxWaitItem, paidJob, readParked, type AwaitingTask } from './parked';
import type { DeliveryPolicy, RunEnding } from './types';

/**
 * Delivery "Wait for AceData's Callback": every item is submitted with `callback_url` = this execution's resume URL
 * plus the node's own webhook path (so no callback can resume another waiting node), then the execution is parked in
 * n8n's database (nothing in memory, no polling). Each callback runs `resume()`, which answers without resuming
 * until every task of the execution is finished (one `retrieve_batch` tells; a callback's body is never trusted for
 * images), then resumes once with every item's images, as Wait for Images would emit them.
 *
 * What survives the park is the node's input, replaced by one item per outcome: final items, or for a task still
 * running the error item Max Wait should leave (n8n passes the input through at Max Wait without calling the node).
 * What the resume needs of an awaiting task sits on its item under `INTERNAL_KEY`, beside `json` and `binary`, never
 * in them: the next node and the user see the error item only. (n8n 2.41 does not let a webhook read the node's own
 * run data, so the item is the one place that reaches the resume.)
 */

/** A callback whose own task the look-up does not show finished yet looks again this many times, this far apart. */
const CALLBACK_RECHECKS = 2;
const RECHECK_MS = 1000;
/** After parking, the node calls its own webhook once, so a callback n8n refused before the run was parked is not lost. */
const NUDGE_FIRST_MS = 1500;
const NUDGE_RETRY_MS = 3000;
const NUDGE_ATTEMPTS = 5;

/** AceData must reach n8n to call back: a loopback or private n8n address with a public Base URL can never work. */
function check(request: ImageRequest, client: AceDataClient): void {
	const callbackUrl = request.callbackUrl ?? '';
	if (isPublicUrl(callbackUrl) || !isPublicUrl(client.baseUrl)) return;
	throw parameterFailure(
		'delivery',
		words.callbackUnreachable(new URL(callbackUrl).host),
		words.CALLBACK_UNREACHABLE_HINT,
	);
}

type Settled =
	| { status: 'running'; running: string[] }
	| { status: 'lookupFailed'; failure: Failure }
	| {
			status: 'done';
			slots: INodeExecutionData[][];
			failed: Array<{ task: AwaitingTask; failure: Failure }>;
	  };

/**
 * Looks up every awaiting task in one retrieve_batch. While any still runs nothing else happens; once all are
 * finished each task's slot becomes its images or its error item.
 */
async function settle(
	ctx: NodeContext,
	slots: INodeExecutionData[][],
	tasks: AwaitingTask[],
	call: CallOptions = {},
): Promise<Settled> {
	let client: AceDataClient;
	let records: Map<string, TaskRecord | Failure>;
	try {
		client = await AceDataClient.create(ctx, {
			itemIndex: tasks[0].itemIndex,
			timeoutSeconds: tasks[0].timeoutSeconds,
		});
		records = await client.retrieveTasks(
			tasks.map((task) => task.taskId),
			call,
		);
	} catch (error) {
		// The tasks are paid: a failed look-up must not lose them. A later callback looks again; Max Wait names them.
		return { status: 'lookupFailed', failure: asFailure(error) };
	}
	// Still running: no result yet, or another task's record (a proxy's stale cache: looked at again, as Poll does).
	const running = tasks.filter((task) => {
		const record = records.get(task.taskId);
		return record instanceof Failure ? record.data.code === 'wrong_record' : !record?.result;
	});
	if (running.length > 0) return { status: 'running', running: running.map((task) => task.taskId) };
	const settled = slots.map((items) => [...items]);
	const failed: Array<{ task: AwaitingTask; failure: Failure }> = [];
	// The images download side by side, as many at once as the run's Concurrency (in input order as they end).
	await runPool(tasks.length, Math.max(1, tasks[0].concurrency ?? 1), async (index) => {
		const task = tasks[index];
		const record = records.get(task.taskId) as TaskRecord | Failure;
		const outcome =
			record instanceof Failure
				? { kind: 'failed' as const, failure: record, taskFailed: false }
				: await recordOutcome(
						ctx,
						client.withItem(task.itemIndex).withTimeout(task.timeoutSeconds),
						record,
						{ ...task.context, taskId: task.taskId, traceId: task.traceId },
						task.output,
					);
		if (outcome.kind === 'images') {
			settled[task.slot] = outcome.items;
		} else if (outcome.kind === 'failed') {
			failed.push({ task, failure: outcome.failure });
			settled[task.slot] = [errorItem(outcome.failure.data, paidJob(task, outcome.taskFailed))];
		}
	});
	failed.sort((a, b) => a.task.itemIndex - b.task.itemIndex);
	return { status: 'done', slots: settled, failed };
}

/** Calls the node's own webhook once the run is parked: it looks every task up, as a callback would. */
async function nudgeAfterParking(ctx: IExecuteFunctions, task: AwaitingTask): Promise<void> {
	await sleep(NUDGE_FIRST_MS);
	for (let attempt = 0; attempt < NUDGE_ATTEMPTS; attempt++) {
		let status = 0;
		try {
			const response = (await ctx.helpers.httpRequest({
				method: 'POST',
				url: task.callbackUrl,
				body: { task_id: task.taskId, acedata_recheck: true },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 30_000,
			})) as { statusCode: number };
			status = response.statusCode;
		} catch {
			status = 0;
		}
		// Answered by the webhook (or the run is gone): done. 409: n8n has not parked the run yet.
		if (status >= 200 && status < 300) return;
		if (status === 404 || status === 401 || status === 403) return;
		await sleep(NUDGE_RETRY_MS);
	}
}

/**
 * After every item was submitted: if every task is already finished (their callbacks may have come before the
 * execution was parked, and n8n refuses those) the images are emitted now; otherwise the execution is parked until
 * AceData calls back (each callback looks up all tasks, so one lost callback is no loss) or Max Wait passes.
 */
async function parkRun(
	ctx: IExecuteFunctions,
	outcomes: ItemOutcome[],
	ending: RunEnding,
): Promise<INodeExecutionData[]> {
	const slots: INodeExecutionData[][] = [];
	const tasks: AwaitingTask[] = [];
	for (const outcome of outcomes) {
		if (outcome.kind === 'accepted' && outcome.request.delivery !== 'callback') {
			// Delivery is read per item: a Submit item of a parking run is done once accepted.
			slots.push(await emitOutcomes([outcome]));
		} else if (outcome.kind === 'accepted') {
			const { request } = outcome;
			const task: AwaitingTask = {
				taskId: outcome.taskId,
				traceId: outcome.traceId,
				itemIndex: request.itemIndex,
				slot: slots.length,
				context: request.context,
				output: request.output,
				timeoutSeconds: request.timeoutSeconds,
				maxWaitSeconds: request.wait.maxWaitSeconds,
				callbackUrl: request.callbackUrl ?? '',
				concurrency: readConcurrency(ctx),
			};
			tasks.push(task);
			slots.push([{ ...maxWaitItem(task), [INTERNAL_KEY]: task as unknown as IDataObject }]);
		} else {
			slots.push(outcome.kind === 'failed' ? [outcome.item] : outcome.items);
		}
	}
	if (tasks.length === 0) return slots.flat();
	// One attempt: if it fails the run parks anyway, and each callback looks again.
	const settled = await settle(ctx, slots, tasks, { retries: 0 });
	if (settled.status === 'done') {
		if (settled.failed.length > 0 && !ctx.continueOnFail()) {
			const { task, failure } = settled.failed[0];
			throw stoppingError(
				ctx.getNode(),
				failure.data,
				paidJob(task, failure.data.kind === 'task'),
				tasks.map((entry) => paidJob(entry)),
			);
		}
		return settled.slots.flat();
	}
	// n8n may run the node again (Retry On Fail, the first item an error item): a park would replace the input the next
	// try reads and keep the execution waiting after it. The run ends now, its accepted tasks as submitted tasks (their
	// IDs for Task › Get); a next try finds them paid and parks on them.
	if (ending.retryPending && outcomes[0]?.kind === 'failed') return await emitOutcomes(outcomes);
	const maxWaitSeconds = Math.max(...tasks.map((task) => task.maxWaitSeconds));
	// What Max Wait passes through (see the module comment): the final items and the Max Wait error items.
	const executeData = ctx.getExecuteData();
	executeData.data = { ...executeData.data, main: [slots.flat()] };
	await ctx.putExecutionToWait(new Date(Date.now() + maxWaitSeconds * 1000));
	void nudgeAfterParking(ctx, tasks[0]);
	// What the node shows while parked. With Retry On Fail, never an error item first (n8n would run the node again on
	// the parked input): the accepted tasks as submitted tasks; the Max Wait items still wait in the input.
	return ending.retryPending ? await emitOutcomes(outcomes) : slots.flat();
}

function respond(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	try {
		const { taskId, recheck } = parseCallbackBody(this.getBodyData());
		const { slots, tasks } = readParked(this);
		const known = tasks.find((task) => task.taskId === taskId);
		if (!known) {
			return respond(this, 404, {
				error: words.CALLBACK_NAMES_NO_TASK,
			});
		}
		let settled = await settle(this, slots, tasks);
		// AceData says this task is finished; a record that lags behind its callback is looked at again shortly, so
		// that the last callback of an execution is not wasted. (A failed look-up was already retried by the client.)
		for (
			let again = 0;
			!recheck &&
			again < CALLBACK_RECHECKS &&
			settled.status === 'running' &&
			settled.running.includes(known.taskId);
			again++
		) {
			await sleep(RECHECK_MS);
			settled = await settle(this, slots, tasks);
		}
		if (settled.status === 'lookupFailed') {
			// Not resumed: AceData may send the callback again, another task's callback will look again, or Max Wait ends it.
			return respond(this, 503, {
				error: words.CALLBACK_LOOKUP_FAILED,
			});
		}
		if (settled.status === 'running')
			return respond(this, 200, { received: true, tasksStillRunning: settled.running.length });
		// A failed task is an error item paired to its input even without Continue On Fail: a webhook that throws makes
		// n8n answer 500, drop the run data and send an empty item to the next node, losing every other item's images.
		return { workflowData: [settled.slots.flat()] };
	} catch {
		// Nothing may make n8n drop the parked run: answer, keep waiting (a later callback or Max Wait ends it).
		return respond(this, 503, {
			error: words.CALLBACK_UNHANDLED,
		});
	}
}

export const callback: DeliveryPolicy & { resume: typeof resume } = {
	sendsAsync: true,
	doneWhen: 'accepted',
	check,
	parks: true,
	endRun: parkRun,
	resume,
};
