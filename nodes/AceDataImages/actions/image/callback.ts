import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
	sleep,
} from 'n8n-workflow';

import { whatToDo } from '../billing';
import type { ImageContext, OutputOptions } from '../../helpers/output';
import { answerToItems } from '../../helpers/output';
import { isPublicUrl } from '../../helpers/address';
import { AceDataClient, type CallOptions, type NodeContext } from '../../transport/client';
import { isFinished, taskFailure } from '../../transport/polling';
import type { TaskRecord } from '../../transport/types';

/**
 * Delivery "Wait for AceData's Callback": every item is submitted with `callback_url` = this execution's resume
 * URL, then the execution is parked in n8n's database (nothing in memory, no polling). Each callback runs the
 * node's webhook, which answers without resuming until every task of the execution is finished (one
 * `retrieve_batch` tells), then resumes once with every item's images, as Wait for Images would emit them.
 *
 * n8n keeps nothing from before the wait except the node's input in the parked execution, so the node parks
 * with its input replaced by one "parked" item per outcome: an awaiting task (with everything needed to emit its
 * images later), or an outcome already final (images, or an error item under Continue On Fail). When Max Wait
 * passes, n8n resumes on its own without calling the webhook and passes that input through: the awaiting items
 * then come out as error items naming their paid tasks, never as an empty success.
 */

/** The query parameter that tags each callback with its input item. */
const ITEM_TAG = 'acedata_item';
/** A callback whose own task the look-up does not show finished yet looks again this many times, this far apart. */
const CALLBACK_RECHECKS = 2;
const RECHECK_MS = 1000;

/** What an awaiting parked item carries to emit its images after the resume. */
export interface AwaitingTask {
	taskId: string;
	traceId?: string;
	context: ImageContext;
	output: OutputOptions;
	timeoutSeconds?: number;
	maxWaitSeconds: number;
}

/** A parked item's json: an awaiting task is named in the `callback` field; its error text is what Max Wait shows. */
interface ParkedJson extends IDataObject {
	callback?: IDataObject & { status: 'waiting'; task: IDataObject };
}

/** This item's callback URL: the execution's resume URL (unguessable, signed by n8n) tagged with the item. */
export function callbackUrlFor(ctx: IExecuteFunctions, itemIndex: number): string {
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) ?? '');
	if (!/^https?:\/\//i.test(resumeUrl)) {
		throw new NodeOperationError(ctx.getNode(), 'n8n did not give this execution a resume URL, so AceData could not call back', {
			itemIndex,
			description: 'Nothing was sent to AceData and nothing was billed. Use Poll Until Done instead.',
		});
	}
	return `${resumeUrl}${resumeUrl.includes('?') ? '&' : '?'}${ITEM_TAG}=${itemIndex}`;
}

/**
 * AceData must reach n8n to call back: a loopback or private n8n address with a public Base URL can never work,
 * so it is refused before anything is billed.
 */
export function assertReachable(ctx: IExecuteFunctions, itemIndex: number, callbackUrl: string, baseUrl: string): void {
	if (isPublicUrl(callbackUrl) || !isPublicUrl(baseUrl)) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`AceData cannot call back to this n8n: its address ${new URL(callbackUrl).host} is private or local`,
		{
			itemIndex,
			description:
				"Nothing was sent to AceData and nothing was billed. Set n8n's WEBHOOK_URL to an address AceData can reach (your public domain or a tunnel; in queue mode on every worker too, which makes the resume URL), or use Poll Until Done.",
		},
	);
}

function errorItem(error: Error, task: AwaitingTask, taskFailed: boolean): INodeExecutionData {
	const json: IDataObject = { error: error.message, taskId: task.taskId };
	if (task.traceId) json.traceId = task.traceId;
	json.billing = 'paid';
	json.whatToDo = whatToDo({ billing: 'paid', taskId: task.taskId, taskFailed });
	return { json, pairedItem: { item: task.context.itemIndex } };
}

/** An awaiting task's parked item: the error item Max Wait would leave, carrying the task to emit after a resume. */
export function awaitingItem(task: AwaitingTask): INodeExecutionData {
	const timedOut = new Error(`AceData did not call back for task ${task.taskId} within Max Wait (${task.maxWaitSeconds} s)`);
	const item = errorItem(timedOut, task, false);
	(item.json as ParkedJson).callback = { status: 'waiting', task: task as unknown as IDataObject };
	return item;
}

function awaitingTask(item: INodeExecutionData): AwaitingTask | undefined {
	const callback = (item.json as ParkedJson).callback;
	return callback?.status === 'waiting' ? (callback.task as unknown as AwaitingTask) : undefined;
}

export function hasAwaiting(items: INodeExecutionData[]): boolean {
	return items.some((item) => awaitingTask(item) !== undefined);
}

interface Settled {
	items: INodeExecutionData[];
	/** Tasks AceData still runs (or could not be looked up): nothing was downloaded then, the items are unchanged. */
	running: string[];
	failures: Error[];
	/** Tasks that are paid and whose images a failure would leave unemitted. */
	paid: string[];
	/** The look-up itself failed (AceData unreachable): nothing is known yet. */
	lookupFailed?: Error;
}

/**
 * Looks up every awaiting task in one retrieve_batch (the callback's body is never trusted for images). While any
 * still runs nothing else happens; once all are finished each becomes its final items (images or an error).
 */
async function settle(ctx: NodeContext, items: INodeExecutionData[], call: CallOptions = {}): Promise<Settled> {
	const tasks = items.map(awaitingTask).filter((task): task is AwaitingTask => task !== undefined);
	if (tasks.length === 0) return { items, running: [], failures: [], paid: [] };
	const client = await AceDataClient.create(ctx, tasks[0].context.itemIndex, tasks[0].timeoutSeconds);
	let records: Map<string, TaskRecord>;
	try {
		records = await client.retrieveTasks(
			tasks.map((task) => task.taskId),
			call,
		);
	} catch (error) {
		// The tasks are paid: a failed look-up must not lose them. They count as still running; a later callback
		// looks again, and Max Wait names them if none comes.
		const running = tasks.map((task) => task.taskId);
		return { items, running, failures: [], paid: [], lookupFailed: error as Error };
	}
	const running = tasks.filter((task) => !isFinished(records.get(task.taskId))).map((task) => task.taskId);
	if (running.length > 0) return { items, running, failures: [], paid: [] };
	const settled: INodeExecutionData[] = [];
	const failures: Error[] = [];
	const paid: string[] = [];
	for (const item of items) {
		const task = awaitingTask(item);
		if (!task) {
			settled.push(item);
			continue;
		}
		const record = records.get(task.taskId) as TaskRecord;
		const itemClient = client.withItem(task.context.itemIndex);
		const failure = taskFailure(itemClient, record, task.taskId);
		if (!failure) paid.push(task.taskId);
		if (failure) {
			failures.push(failure);
			settled.push(errorItem(failure, task, true));
			continue;
		}
		try {
			const context = { ...task.context, taskId: task.taskId, traceId: record.trace_id ?? task.traceId };
			settled.push(...(await answerToItems(ctx, itemClient, record.response ?? {}, context, task.output)));
		} catch (error) {
			failures.push(error as Error);
			settled.push(errorItem(error as Error, task, false));
		}
	}
	return { items: settled, running: [], failures, paid };
}

/** Without Continue On Fail a failed task fails the node, naming it and every other paid task. */
function failureWithoutContinue(ctx: NodeContext, { failures, paid }: Settled): NodeApiError | NodeOperationError {
	const first = failures[0];
	const error =
		first instanceof NodeApiError || first instanceof NodeOperationError ? first : new NodeOperationError(ctx.getNode(), first);
	if (paid.length > 0) {
		error.description = `${error.description ?? ''} · Paid tasks of this execution (fetch their images with Task › Get; do not submit them again): ${paid.join(', ')}`;
	}
	return error;
}

/**
 * After every item was submitted: if every task is already finished (their callbacks may have come before the
 * execution was parked, and n8n refuses those) the images are emitted now; otherwise the execution is parked until
 * AceData calls back (each callback looks up all tasks, so one lost early callback is no loss) or Max Wait passes.
 */
export async function parkOrEmit(ctx: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	// One attempt: if it fails the run parks anyway, and each callback looks again.
	const outcome = await settle(ctx, items, { retries: 0 });
	const { items: settled, running, failures } = outcome;
	if (failures.length > 0 && !ctx.continueOnFail()) throw failureWithoutContinue(ctx, outcome);
	if (running.length === 0) return settled;
	const maxWaitSeconds = Math.max(...settled.map((item) => awaitingTask(item)?.maxWaitSeconds ?? 0));
	// The parked execution keeps only the node's input: it becomes these items (see the module comment).
	const executeData = ctx.getExecuteData();
	executeData.data = { ...executeData.data, main: [settled] };
	await ctx.putExecutionToWait(new Date(Date.now() + maxWaitSeconds * 1000));
	return settled;
}

function respond(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * A callback from AceData. Refused (and nothing resumed) unless it names a task of this execution; otherwise the
 * execution resumes once every task is finished, with each item's images or error.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const parked = this.evaluateExpression('{{ $input.all() }}', 0) as unknown as INodeExecutionData[];
	const body = this.getBodyData();
	const taskId = typeof body.task_id === 'string' ? body.task_id : undefined;
	const tasks = (Array.isArray(parked) ? parked : []).map(awaitingTask).filter((task) => task !== undefined);
	const known = tasks.find((task) => task.taskId === taskId);
	if (!known) {
		return respond(this, 404, { error: 'This callback names no task this execution is waiting for; nothing was resumed' });
	}
	let outcome = await settle(this, parked);
	// AceData says this task is finished; a record that lags behind its callback is looked at again shortly, so
	// that the last callback of an execution is not wasted. (A failed look-up was already retried by the client.)
	for (let recheck = 0; recheck < CALLBACK_RECHECKS && !outcome.lookupFailed && outcome.running.includes(known.taskId); recheck++) {
		await sleep(RECHECK_MS);
		outcome = await settle(this, parked);
	}
	if (outcome.lookupFailed) {
		// Not resumed: AceData may send the callback again, another task's callback will look again, or Max Wait ends it.
		return respond(this, 503, { error: 'Could not look the tasks up at AceData; the execution keeps waiting' });
	}
	if (outcome.running.length > 0) return respond(this, 200, { received: true, tasksStillRunning: outcome.running.length });
	// A failed task is an error item paired to its input even without Continue On Fail: a webhook that throws makes
	// n8n answer 500, drop the run data and send an empty item to the next node (checked on 2.41.1), which would
	// lose both the other items' images and the error naming the task.
	return { workflowData: [outcome.items] };
}
