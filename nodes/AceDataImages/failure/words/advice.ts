/**
 * The words `report.ts` adds to a failure: what to do about AceData's error code and about the item's job, the
 * details of the description, and the paid jobs a stopping node names.
 */

/** What the report knows of an item's job (its `JobState`). */
export interface JobWords {
	itemIndex: number;
	billing: 'none' | 'maybe' | 'paid';
	taskId?: string;
	traceId?: string;
	taskFailed?: boolean;
}

const CREDENTIAL_CODES = new Set([
	'invalid_token',
	'token_expired',
	'no_token',
	'token_mismatched',
]);

/** What the user should do about AceData's error code; `billed`: no advice may suggest running it again. */
export function adviceFor(code: string, text: string, billed: boolean): string {
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
export function whatToDo(job: JobWords): string {
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

/** A free look-up (Task › Get, Get Many, a trigger) whose images could not be downloaded. */
export const DOWNLOAD_WHAT_TO_DO =
	'Nothing was billed by this look-up: fetch the images again later with Task › Get and this task ID. A link that keeps failing may have expired (AceData keeps its images for a limited time), and then the images cannot be had again';

/** A sentence without its full stop, to go on with another. */
export const withoutFullStop = (text: string) => text.replace(/[.\s]+$/, '');

/** A message followed by another sentence. */
export const andThen = (message: string, next: string) => `${withoutFullStop(message)}. ${next}`;

// The description: details joined with " · ".

export const aceDataSays = (text: string) => `AceData says: ${text}`;
export const codeIs = (code: string) => `code: ${code}`;
export const httpStatusIs = (status: number) => `HTTP ${status}`;
export const taskIdIs = (taskId: string) => `task ID: ${taskId}`;
export const traceIdIs = (traceId: string) => `trace ID: ${traceId}`;
export const details = (parts: Array<string | undefined>) => parts.filter(Boolean).join(' · ');

// A stopping node's paid jobs whose images were not emitted.

export const othersPaid = (others: number) =>
	`${others} other item(s) already have paid jobs: fetch them with Task › Get (IDs in the details), or retry this execution (the node finds them instead of paying again), instead of running the workflow again`;

const paidJobLine = (job: JobWords) =>
	job.taskId
		? `item ${job.itemIndex}: ${job.taskId}`
		: `item ${job.itemIndex}: trace ID ${job.traceId}${job.billing === 'maybe' ? ' (may have been accepted)' : ''}`;

export const unemittedJobs = (description: string | undefined, jobs: JobWords[]) =>
	`${description ?? ''} · Paid jobs whose images were not emitted (fetch them with Task › Get; do not submit them again): ${jobs.map(paidJobLine).join(', ')}`;
