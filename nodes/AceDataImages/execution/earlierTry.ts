import type { Failure } from '../failure/failure';
import * as words from '../failure/words';
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
	return client.failure({
		kind: 'wait',
		code: 'paid_in_earlier_try',
		text: words.paidInEarlierTry(words.jobName(earlier)),
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
		text: words.lostInEarlierTry(earlier.traceId),
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
		text: words.sharedTraceJob(wait.lostBecause, wait.traceId, taskId),
		traceId: wait.traceId,
		billing: 'maybe',
		saysWhatToDo: true,
	});
}
