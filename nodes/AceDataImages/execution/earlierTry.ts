import type { Failure } from '../failure/failure';
import type { AceDataClient } from '../transport/client';
import { isMultipartBody } from '../transport/multipart';
import type { TaskWait } from '../transport/polling';
import type { JournalEntry } from './journal';
import type { ImageRequest } from './types';

/** What the pipeline says about a job it does not send: one an earlier try paid for, one whose answer was lost. */

/** What was asked: a record found by trace ID must match it to count as this request's job. */
export function askedOf(request: ImageRequest): NonNullable<TaskWait['asked']> {
	const body = isMultipartBody(request.body) ? undefined : request.body;
	const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
	return {
		model: request.context.model,
		prompt: request.context.prompt,
		n: request.context.imagesRequested,
		outputFormat: text(body?.output_format),
	};
}

/** A base64 job an earlier try paid for, whose files n8n did not keep by id: AceData cannot give them again. */
export function paidInEarlierTry(client: AceDataClient, earlier: JournalEntry): Failure {
	const job = earlier.taskId ? `task ${earlier.taskId}` : `trace ID ${earlier.traceId}`;
	return client.failure({
		kind: 'wait',
		code: 'paid_in_earlier_try',
		text: `An earlier try of this node already paid for this request (${job}), and AceData answered it with base64 images, which it does not keep: the node does not pay for it again. So that a retry can reuse such images, set Response Format to URL, or let n8n keep binary data on disk (N8N_DEFAULT_BINARY_DATA_MODE=filesystem)`,
		taskId: earlier.taskId,
		traceId: earlier.traceId,
		billing: 'paid',
		saysWhatToDo: true,
	});
}

/** An earlier try's lost answer whose trace ID other jobs share: it cannot be found safely, and is not sent again. */
export function lostInEarlierTry(client: AceDataClient, earlier: JournalEntry): Failure {
	return client.failure({
		kind: 'wait',
		code: 'trace_id_ambiguous',
		text: `An earlier try of this node sent this request and lost its answer, and other jobs carry its trace ID ${earlier.traceId}, so it cannot be looked up safely: the node does not send it again. Check the trace ID with Task › Get, and give every submission a Trace ID of its own`,
		traceId: earlier.traceId,
		billing: 'maybe',
		saysWhatToDo: true,
	});
}

/** A job found by trace ID that another item of the run already has: not this request's (a Trace ID set for several items). */
export function sharedTraceJob(client: AceDataClient, wait: TaskWait, taskId: string): Failure {
	return client.failure({
		kind: 'wait',
		code: 'trace_id_ambiguous',
		text: `${wait.lostBecause ?? 'The image request failed'}. The job AceData has for trace ID ${wait.traceId} (task ${taskId}) is another item's of this run, so this request's job cannot be found by its trace ID. Check trace ID ${wait.traceId} with Task › Get before submitting again, and give every submission a Trace ID of its own`,
		traceId: wait.traceId,
		billing: 'maybe',
		saysWhatToDo: true,
	});
}
