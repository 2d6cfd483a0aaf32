/**
 * The words of jobs an earlier try of the node (Retry On Fail, a retried execution) sent: found, not paid again.
 */

/** `job`: `jobName` of the earlier try's job. */
export const paidInEarlierTry = (job: string) =>
	`An earlier try of this node already paid for this request (${job}), and AceData answered it with base64 images, which it does not keep: the node does not pay for it again. So that a retry can reuse such images, set Response Format to URL, or let n8n keep binary data on disk (N8N_DEFAULT_BINARY_DATA_MODE=filesystem)`;

export const lostInEarlierTry = (traceId: string | undefined) =>
	`An earlier try of this node sent this request and lost its answer, and other jobs carry its trace ID ${traceId}, so it cannot be looked up safely: the node does not send it again. Check the trace ID with Task › Get, and give every submission a Trace ID of its own`;

/** Why a job an earlier try sent is looked up by trace ID. */
export const LOST_IN_EARLIER_TRY =
	'An earlier try of this node sent this request and lost its answer';

export const sharedTraceJob = (
	lostBecause: string | undefined,
	traceId: string | undefined,
	taskId: string,
) =>
	`${lostBecause ?? 'The image request failed'}. The job AceData has for trace ID ${traceId} (task ${taskId}) is another item's of this run, so this request's job cannot be found by its trace ID. Check trace ID ${traceId} with Task › Get before submitting again, and give every submission a Trace ID of its own`;

/** A retried execution could not ask AceData whether another retry of the same execution paid for this request. */
export const siblingUnknown = (traceId: string, why: string) =>
	`This is a retried execution, and the node could not ask AceData whether another retry of the same execution already paid for this request (trace ID ${traceId}): ${why}. So that it is not paid twice, it was not sent. Retry again in a moment, or look the trace ID up with Task › Get`;

/** `jobs`: `jobName` of each job an earlier try paid for that this run no longer asks for (its request changed). */
export const earlierJobsNotAskedAgain = (jobs: string[]) =>
	`${jobs.length === 1 ? 'A job' : `${jobs.length} jobs`} an earlier try of this node paid for ${jobs.length === 1 ? 'is' : 'are'} no longer asked for by this run (the request changed since): ${jobs.join(', ')}. ${jobs.length === 1 ? 'It is' : 'They are'} paid: fetch the images with Task › Get if you need them`;
