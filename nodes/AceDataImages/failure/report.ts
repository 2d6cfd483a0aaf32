import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import type { Billing, FailureData } from './failure';
import * as words from './words';

/**
 * Where a failure's words are written, once: the node's error, the Continue On Fail error item and the list of paid
 * jobs whose images were not emitted. Every delivery, the callback resume included, goes through these builders.
 */

/** What the ledger knows of the item's job when it failed. */
export interface JobState {
	itemIndex: number;
	billing: Billing;
	taskId?: string;
	traceId?: string;
	/** The task finished with an error at AceData: nothing to fetch (failed tasks are generally not billed). */
	taskFailed?: boolean;
	/** An earlier try of the node (Retry On Fail, a retried execution) paid for the job; this one did not send it. */
	fromEarlierTry?: boolean;
}

/** What the user should do about a failed item, by what its job may have cost. */
export function whatToDo(job: JobState): string {
	return words.whatToDo(job);
}

/** The failure's words with what the item's job may have cost: the message and the description. */
export function describeFailure(
	failure: FailureData,
	job: JobState,
): { message: string; description: string } {
	const billed = job.billing !== 'none';
	const acedataWords = failure.kind === 'api' || failure.kind === 'task';
	let message = acedataWords ? words.adviceFor(failure.code, failure.text, billed) : failure.text;
	if (billed && !failure.saysWhatToDo) message = words.andThen(message, whatToDo(job));
	else if (failure.kind === 'download' && !failure.saysWhatToDo)
		message = words.andThen(message, words.DOWNLOAD_WHAT_TO_DO);
	const taskId = job.taskId ?? failure.taskId;
	const traceId = job.traceId ?? failure.traceId;
	const parts =
		failure.kind === 'parameter'
			? [failure.hint ?? words.NOTHING_BILLED]
			: [
					acedataWords && failure.text ? words.aceDataSays(failure.text) : undefined,
					words.codeIs(failure.code),
					failure.httpStatus ? words.httpStatusIs(failure.httpStatus) : undefined,
					taskId ? words.taskIdIs(taskId) : undefined,
					traceId ? words.traceIdIs(traceId) : undefined,
					failure.hint,
				];
	return { message, description: words.details(parts) };
}

/** What a free look-up's item says of a finished task whose images could not be emitted (Get Many, the triggers). */
export function lookupFailureMessage(failure: FailureData): string {
	return describeFailure(failure, { itemIndex: 0, billing: 'none' }).message;
}

/** The node's error for a failed item (Continue On Fail off): n8n shows its message and description. */
function nodeErrorFor(
	node: INode,
	failure: FailureData,
	job: JobState,
): NodeApiError | NodeOperationError {
	const { message, description } = describeFailure(failure, job);
	if (failure.kind === 'parameter')
		return new NodeOperationError(node, message, { itemIndex: job.itemIndex, description });
	const response: JsonObject = { code: failure.code, message: failure.text };
	const taskId = job.taskId ?? failure.taskId;
	const traceId = job.traceId ?? failure.traceId;
	if (traceId) response.trace_id = traceId;
	if (taskId) response.task_id = taskId;
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: failure.httpStatus ? String(failure.httpStatus) : undefined,
		itemIndex: job.itemIndex,
	});
}

/** The Continue On Fail item of a failed input item: the same words and fields for every delivery. */
export function errorItem(failure: FailureData, job: JobState): INodeExecutionData {
	const { message, description } = describeFailure(failure, job);
	const json: IDataObject = { error: message };
	if (description) json.description = description;
	json.code = failure.code;
	if (failure.httpStatus) json.httpCode = String(failure.httpStatus);
	const taskId = job.taskId ?? failure.taskId;
	const traceId = job.traceId ?? failure.traceId;
	if (taskId) json.taskId = taskId;
	if (traceId) json.traceId = traceId;
	json.billing = job.billing;
	if (job.fromEarlierTry) json.fromEarlierTry = true;
	json.whatToDo = whatToDo(job);
	return { json, pairedItem: { item: job.itemIndex } };
}

/** Jobs that may have cost money and whose images were not emitted: what the user must not pay for twice. */
function unemittedJobs(jobs: JobState[]): JobState[] {
	return jobs.filter((job) => job.billing !== 'none' && !job.taskFailed);
}

/**
 * The node's error when it stops (Continue On Fail off), naming every paid job whose images were not emitted, so
 * that nobody runs the workflow again and pays twice.
 */
export function stoppingError(
	node: INode,
	failure: FailureData,
	failed: JobState,
	jobs: JobState[],
): NodeApiError | NodeOperationError {
	const unemitted = unemittedJobs(jobs);
	// Running the workflow again would pay for these jobs twice: no advice may suggest it.
	const anyBilled = unemitted.length > 0;
	const error = nodeErrorFor(node, failure, failed);
	if (!anyBilled) return error;
	if (failed.billing === 'none' && (failure.kind === 'api' || failure.kind === 'task')) {
		error.message = words.adviceFor(failure.code, failure.text, true);
	}
	const others = unemitted.filter((job) => job.itemIndex !== failed.itemIndex).length;
	if (others > 0) {
		error.message = words.andThen(error.message, words.othersPaid(others));
	}
	error.description = words.unemittedJobs(error.description ?? undefined, unemitted);
	return error;
}
