import { Failure, asFailure } from '../failure/failure';
import * as words from '../failure/words';
import type { AceDataClient, CallOptions } from './client';
import type { LookupResult, TaskWait } from './polling';
import type { TaskRecord } from './types';

/**
 * Finding a lost submission's job by its trace ID, and the checks that the record found is this request's: younger
 * than the request (within the clocks' difference), the same request, and the only job with that trace ID.
 */

/**
 * A record found by trace ID may say it was created this much before the node sent the request: AceData's clock and
 * n8n's may differ a little, and AceData may round its time down to the second. An older record is another job.
 */
const CLOCK_SKEW_MS = 3000;

/** Why a record found by trace ID is not this submission's job, or undefined when it is. */
export function foreignReason(record: TaskRecord, wait: TaskWait): string | undefined {
	const sentAt = wait.sentAt ?? wait.since;
	if (record.createdAt !== undefined && record.createdAt < sentAt - CLOCK_SKEW_MS) {
		return words.createdBeforeSent(
			new Date(record.createdAt).toISOString(),
			new Date(sentAt).toISOString(),
		);
	}
	const asked = wait.asked;
	if (asked && record.request.model !== undefined && record.request.model !== asked.model) {
		return words.otherModel(record.request.model, asked.model);
	}
	if (asked && record.request.prompt !== undefined && record.request.prompt !== asked.prompt)
		return words.OTHER_PROMPT;
	if (asked?.n !== undefined && record.request.n !== undefined && record.request.n !== asked.n)
		return words.otherCount(record.request.n, asked.n);
	if (
		asked?.outputFormat !== undefined &&
		record.request.outputFormat !== undefined &&
		record.request.outputFormat !== asked.outputFormat
	) {
		return words.otherFormat(record.request.outputFormat, asked.outputFormat);
	}
	if (record.createdAt === undefined && record.request.prompt === undefined)
		return words.SAYS_NOTHING;
	return undefined;
}

/** Most records with one trace ID asked for, to tell whether the one found is the only one. */
const TRACE_CANDIDATES = 10;

/**
 * The job of a lost answer, by its trace ID: AceData's record, if it is this request's. A trace ID the user reused
 * can name several jobs: the record found is this one's only if no other job carries the trace ID (one listing by
 * trace ID, free), otherwise the item fails naming every candidate, paid for nothing more.
 */
export async function findByTrace(
	client: AceDataClient,
	wait: TaskWait,
	call: CallOptions,
): Promise<LookupResult> {
	const traceId = wait.traceId as string;
	try {
		const record = await client.retrieveByTrace(traceId, call);
		if (!record || foreignReason(record, wait)) return record;
		const { records } = await client.listTasks({ traceIds: [traceId] }, TRACE_CANDIDATES, call);
		const ids = [
			record.id,
			...records
				.filter(
					(entry): entry is TaskRecord => !(entry instanceof Failure) && entry.id !== record.id,
				)
				.map((entry) => entry.id),
		];
		return ids.length === 1 ? record : ambiguousTrace(client, wait, ids);
	} catch (error) {
		return asFailure(error);
	}
}

function ambiguousTrace(client: AceDataClient, wait: TaskWait, taskIds: string[]): Failure {
	return client.failure({
		kind: 'answer',
		code: 'trace_id_ambiguous',
		text: words.ambiguousTrace(wait.lostBecause, wait.traceId, taskIds),
		saysWhatToDo: true,
		traceId: wait.traceId,
		billing: 'maybe',
	});
}

export function foreignJob(
	client: AceDataClient,
	wait: TaskWait,
	record: TaskRecord,
	reason: string,
): Failure {
	return client.failure({
		kind: 'wait',
		code: 'trace_id_reused',
		text: words.foreignJob(wait.lostBecause, wait.traceId, record.id, reason),
		traceId: wait.traceId,
		billing: 'maybe',
	});
}
