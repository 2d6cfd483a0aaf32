import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import type { Billing, FailureData } from './failure';

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

const CREDENTIAL_CODES = new Set([
	'invalid_token',
	'token_expired',
	'no_token',
	'token_mismatched',
]);
const NOTHING_BILLED = 'Nothing was sent to AceData and nothing was billed.';

/** What the user should do about AceData's error code; `billed`: no advice may suggest running it again. */
function adviceFor(code: string, text: string, billed: boolean): string {
	if (code === 'used_up') {
		return `Your AceData balance is used up: top up your AceData Cloud account${billed ? '' : ', then run the workflow again'}`;
	}
	if (CREDENTIAL_CODES.has(code)) {
		return `AceData refused the API token (${code}): check the API Token of the AceData Cloud API credential`;
	}
	if (code === 'too_many_requests' || code === 'rate_limited') {
		return `AceData rate limit reached: lower the Concurrency option${billed ? '' : ' or run again in a moment'}`;
	}
	if (code === 'forbidden') {
		return billed
			? `AceData refused the request (forbidden): ${text || 'no details'}`
			: "AceData's moderation rejected the prompt: rephrase it and run again";
	}
	if (code === 'timeout') {
		return 'The generation took longer than AceData waits for an answer: set Delivery to Poll (or Submit) for slow models and large sizes';
	}
	if (code === 'disabled')
		return 'Your AceData application is disabled: check it in the AceData Cloud console';
	if (code === 'no_api')
		return 'AceData has no such endpoint: check the Base URL of the credential';
	if (code === 'api_error')
		return `AceData's upstream image service failed: ${text || 'no details'}`;
	if (code === 'bad_request') return `AceData refused the request: ${text || 'bad request'}`;
	return `AceData error ${code}${text ? `: ${text}` : ''}`;
}

/** What the user should do about a failed item, by what its job may have cost. */
export function whatToDo(job: JobState): string {
	if (job.taskFailed) {
		return `Task ${job.taskId} failed at AceData, so it has no images (AceData generally does not bill failed tasks)`;
	}
	if (job.billing === 'paid') {
		return job.taskId
			? `The job is paid: fetch its images with Task › Get and task ID ${job.taskId}; do not submit it again`
			: `The job is paid: look it up with Task › Get and trace ID ${job.traceId}; do not submit it again`;
	}
	if (job.billing === 'maybe') {
		return `AceData may have accepted (and billed) the job: look it up with Task › Get and trace ID ${job.traceId} before submitting it again`;
	}
	return 'Nothing was billed for this item';
}

const trimEnd = (text: string) => text.replace(/[.\s]+$/, '');

/** The failure's words with what the item's job may have cost: the message and the description. */
export function describeFailure(
	failure: FailureData,
	job: JobState,
): { message: string; description: string } {
	const billed = job.billing !== 'none';
	const acedataWords = failure.kind === 'api' || failure.kind === 'task';
	let message = acedataWords ? adviceFor(failure.code, failure.text, billed) : failure.text;
	if (billed && !failure.saysWhatToDo) message = `${trimEnd(message)}. ${whatToDo(job)}`;
	const taskId = job.taskId ?? failure.taskId;
	const traceId = job.traceId ?? failure.traceId;
	const parts =
		failure.kind === 'parameter'
			? [failure.hint ?? NOTHING_BILLED]
			: [
					acedataWords && failure.text ? `AceData says: ${failure.text}` : undefined,
					`code: ${failure.code}`,
					failure.httpStatus ? `HTTP ${failure.httpStatus}` : undefined,
					taskId ? `task ID: ${taskId}` : undefined,
					traceId ? `trace ID: ${traceId}` : undefined,
					failure.hint,
				];
	return { message, description: parts.filter(Boolean).join(' · ') };
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

function describeJob(job: JobState): string {
	if (job.taskId) return `item ${job.itemIndex}: ${job.taskId}`;
	return `item ${job.itemIndex}: trace ID ${job.traceId}${job.billing === 'maybe' ? ' (may have been accepted)' : ''}`;
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
		error.message = adviceFor(failure.code, failure.text, true);
	}
	const others = unemitted.filter((job) => job.itemIndex !== failed.itemIndex).length;
	if (others > 0) {
		error.message = `${trimEnd(error.message)}. ${others} other item(s) already have paid jobs: fetch them with Task › Get (IDs in the details), or retry this execution (the node finds them instead of paying again), instead of running the workflow again`;
	}
	error.description = `${error.description ?? ''} · Paid jobs whose images were not emitted (fetch them with Task › Get; do not submit them again): ${unemitted.map(describeJob).join(', ')}`;
	return error;
}
