import { type INodeExecutionData, type IWebhookFunctions } from 'n8n-workflow';

import { Failure, formatSeconds } from '../../failure/failure';
import { errorItem, type JobState } from '../../failure/report';
import * as words from '../../failure/words';
import type { ImageContext, OutputOptions } from '../../helpers/output';
import { INTERNAL_KEY, MAX_CONCURRENCY } from '../../models/defaults';

/**
 * A parked Callback run as it waits in n8n's database: one item per input, a task still awaited carrying what the
 * resume needs under INTERNAL_KEY (beside `json`, never in it), read back and checked when a callback comes.
 */

/** What the resume needs of one awaiting task (kept under INTERNAL_KEY in the parked run data). */
export interface AwaitingTask {
	taskId: string;
	traceId?: string;
	itemIndex: number;
	/** Its place in the parked input (where its item is; not read back from the stored state). */
	slot: number;
	context: ImageContext;
	output: OutputOptions;
	timeoutSeconds?: number;
	maxWaitSeconds: number;
	callbackUrl: string;
	/** The run's Concurrency: how many of its images the resume downloads at once. */
	concurrency?: number;
}

export function paidJob(task: AwaitingTask, taskFailed = false): JobState {
	return {
		itemIndex: task.itemIndex,
		billing: 'paid',
		taskId: task.taskId,
		traceId: task.traceId,
		taskFailed,
	};
}

/** The error item Max Wait leaves for a task AceData never called back for. */
export function maxWaitItem(task: AwaitingTask): INodeExecutionData {
	const failure = new Failure({
		kind: 'wait',
		code: 'callback_timeout',
		text: words.noCallbackInTime(task.taskId, formatSeconds(task.maxWaitSeconds)),
		taskId: task.taskId,
		traceId: task.traceId,
	});
	return errorItem(failure.data, paidJob(task));
}

/** A parked item's internal state, read back from n8n: checked like anything else that crosses a boundary. */
function readAwaiting(item: unknown): AwaitingTask | undefined {
	const state =
		item && typeof item === 'object' ? (item as Record<string, unknown>)[INTERNAL_KEY] : undefined;
	if (!state || typeof state !== 'object' || Array.isArray(state)) return undefined;
	const task = state as unknown as AwaitingTask;
	const ok =
		typeof task.taskId === 'string' &&
		Number.isInteger(task.itemIndex) &&
		!!task.context &&
		typeof task.context.prompt === 'string' &&
		!!task.output &&
		typeof task.output.binaryPropertyName === 'string';
	if (!ok) return undefined;
	const concurrency =
		Number.isInteger(task.concurrency) && (task.concurrency as number) >= 1
			? Math.min(task.concurrency as number, MAX_CONCURRENCY)
			: 1;
	return { ...task, concurrency };
}

/** The parked run as n8n kept it: one slot per parked item, and the tasks still awaited. */
export function readParked(ctx: IWebhookFunctions): {
	slots: INodeExecutionData[][];
	tasks: AwaitingTask[];
} {
	const input = ctx.evaluateExpression('{{ $input.all() }}', 0) as unknown;
	const items = Array.isArray(input) ? (input as INodeExecutionData[]) : [];
	const tasks = items
		.map((item, slot) => ({ task: readAwaiting(item), slot }))
		.filter((entry): entry is { task: AwaitingTask; slot: number } => entry.task !== undefined)
		.map(({ task, slot }) => ({ ...task, slot }));
	// The resumed items are clean: the internal key is dropped with the error item it sat on.
	return { slots: items.map((item) => [withoutInternal(item)]), tasks };
}

function withoutInternal(item: INodeExecutionData): INodeExecutionData {
	if (!item || typeof item !== 'object' || !(INTERNAL_KEY in item)) return item;
	const clean = { ...item };
	delete clean[INTERNAL_KEY];
	return clean;
}

/**
 * A callback from AceData (or anybody with the URL). It never throws: whatever is posted, it answers, and the run
 * keeps every item's outcome. Refused (and nothing resumed) unless it names a task of this execution; otherwise the
 * execution resumes once every task is finished, with each item's images or error item.
 */
