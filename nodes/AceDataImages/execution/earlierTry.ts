import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import * as words from '../failure/words';
import type { AceDataClient } from '../transport/client';
import { isMultipartBody } from '../transport/multipart';
import type { TaskWait } from '../transport/polling';
import type { TaskRecord } from '../transport/types';
import { taskWaitFor, type Finishing, type PendingJob } from './finish';
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

/**
 * In a retried execution: the job another retry of the same failed execution already paid for this very request, found
 * by its derived trace ID (free; retries of one execution do not share their node contexts, only the trace IDs they
 * derive alike). Undefined when there is none; a failure, sending nothing, when AceData could not be asked.
 */
export async function siblingRetryJob(
	client: AceDataClient,
	request: ImageRequest,
): Promise<JournalEntry | Failure | undefined> {
	const found: unknown = await client
		.retrieveByTrace(request.traceId)
		.catch((error: unknown) => asFailure(error));
	if (found instanceof Failure)
		return client.failure({
			kind: 'wait',
			code: 'earlier_retry_unknown',
			text: words.siblingUnknown(request.traceId, words.withoutFullStop(found.data.text)),
			traceId: request.traceId,
			billing: 'none',
			saysWhatToDo: true,
		});
	const record = found as TaskRecord | null;
	if (!record) return undefined;
	return {
		traceId: record.traceId ?? request.traceId,
		taskId: record.id,
		billing: 'paid',
		sentAt: record.createdAt ?? Date.now(),
		images: request.imagesAsked,
		answer: 'record',
	};
}

/**
 * The files an earlier try stored for a base64 job, as this execution's items. Kept in another execution (a retried
 * execution reuses the failed one's), they are copied into this one's binary store: deleting or pruning the failed
 * execution would take them along. Undefined when they can no longer be read.
 */
async function keptItemsHere(
	ctx: IExecuteFunctions,
	earlier: JournalEntry,
	executionId: string | undefined,
): Promise<INodeExecutionData[] | undefined> {
	const items = earlier.items ?? [];
	if (earlier.keptIn === executionId) return items;
	const copied: INodeExecutionData[] = [];
	for (const item of items) {
		const binary: Record<string, IBinaryData> = {};
		for (const [field, stored] of Object.entries(item.binary ?? {})) {
			const copy: unknown = await copyStored(ctx, stored).catch((error: unknown) => error);
			if (copy instanceof Error || !copy) return undefined;
			binary[field] = copy as IBinaryData;
		}
		copied.push({ ...item, binary });
	}
	return copied;
}

async function copyStored(ctx: IExecuteFunctions, stored: IBinaryData): Promise<IBinaryData> {
	const bytes = await ctx.helpers.binaryToBuffer(
		await ctx.helpers.getBinaryStream(stored.id ?? ''),
	);
	return await ctx.helpers.prepareBinaryData(bytes, stored.fileName, stored.mimeType);
}

/**
 * An earlier try of this run (n8n's Retry On Fail, or a retried execution) paid for this very request: it is not
 * sent again. Its job is found (free) and ends as its delivery would have ended it; the item says it was reused.
 */
export async function reuseEarlierJob(
	run: Finishing,
	request: ImageRequest,
	client: AceDataClient,
	key: string,
	earlier: JournalEntry,
): Promise<PendingJob | undefined> {
	const { itemIndex } = request;
	run.items.ledger.reused(itemIndex, earlier);
	const reused: ImageRequest = {
		...request,
		traceId: earlier.traceId,
		context: { ...request.context, fromEarlierTry: true },
	};
	if (earlier.answer === 'base64') {
		const kept = earlier.items
			? await keptItemsHere(run.ctx, earlier, run.journal?.executionId)
			: undefined;
		if (kept) {
			const items = kept.map((item) => ({
				...item,
				json: { ...item.json, fromEarlierTry: true },
				pairedItem: { item: itemIndex },
			}));
			run.items.set(itemIndex, { kind: 'items', items });
			run.items.ledger.emitted(itemIndex);
			return undefined;
		}
		run.items.fail(itemIndex, paidInEarlierTry(client, earlier));
		return undefined;
	}
	if (earlier.taskId && run.rulesOf(request.delivery).doneWhen === 'accepted') {
		run.items.set(itemIndex, {
			kind: 'accepted',
			request: reused,
			client,
			taskId: earlier.taskId,
			traceId: earlier.traceId,
		});
		return undefined;
	}
	// Max Wait counts from now; a record found by trace ID must still be younger than the first request.
	const wait: TaskWait = {
		...taskWaitFor(run, request, key, Date.now()),
		taskId: earlier.taskId,
		traceId: earlier.traceId,
		sentAt: earlier.sentAt,
	};
	if (!earlier.taskId) {
		// Found by its trace ID only if no other job carries it (a Trace ID the user set for several items).
		if (run.journal?.traceShared(key, earlier.traceId)) {
			run.items.fail(itemIndex, lostInEarlierTry(client, earlier));
			return undefined;
		}
		wait.lostBecause = words.LOST_IN_EARLIER_TRY;
		wait.asked = askedOf(request);
	}
	return { request: reused, client, wait };
}
