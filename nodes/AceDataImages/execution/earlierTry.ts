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
		accepted: 'yes',
		saysWhatToDo: true,
	});
}
