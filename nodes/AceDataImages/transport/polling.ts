import type { AceDataClient, CallOptions } from './client';
import type { TaskRecord } from './types';

/** Polls back off from the first interval by this factor up to the ceiling. */
const BACKOFF_FACTOR = 1.5;
export const MAX_POLL_INTERVAL_SECONDS = 30;
/** retrieve_batch takes this many ids at most per request. */
const BATCH_SIZE = 50;
/** How long a job AceData does not know yet counts as "not recorded yet": 12 polls, 0.5 s to 60 s. */
const GRACE_POLLS = 12;
const MIN_GRACE_MS = 500;
const MAX_GRACE_MS = 60_000;
/** A look-up never waits less than this, even right before a deadline. */
const MIN_LOOKUP_TIMEOUT_MS = 1000;

/** One item's job to wait for: by task ID, or by trace ID while a lost submission is being recovered. */
export interface TaskWait {
	itemIndex: number;
	taskId?: string;
	traceId?: string;
	/** When the job was submitted (ms since epoch): Max Wait and the grace period count from here. */
	since: number;
	intervalSeconds: number;
	maxWaitSeconds: number;
	/** `finished`: wait for the result; `known`: done as soon as AceData has a record (delivery Submit). */
	until: 'finished' | 'known';
	/** Why the job is looked up by trace ID (the submission's own failure), for the final message. */
	lostBecause?: string;
}

export type TaskOutcome = { record: TaskRecord } | { error: Error };

export function isFinished(record: TaskRecord | null | undefined): boolean {
	return !!record && record.finished_at !== undefined && record.finished_at !== null && record.finished_at !== '';
}

/** The error a finished task reports, or undefined when it succeeded. */
export function taskFailure(client: AceDataClient, record: TaskRecord, taskId: string): Error | undefined {
	const response = record.response;
	if (response && !response.error && response.success !== false) return undefined;
	const error = response?.error ?? {};
	return client.apiError({
		code: error.code ?? 'task_failed',
		apiMessage: error.message ?? 'the task finished without images',
		taskId,
		traceId: record.trace_id ?? response?.trace_id,
	});
}

/** A look-up error that will not go away by asking again (credential, bad request): the others are waited out. */
function isPermanent(error: unknown): boolean {
	const status = Number((error as { httpCode?: unknown }).httpCode);
	return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function graceMs(wait: TaskWait): number {
	return Math.min(MAX_GRACE_MS, Math.max(MIN_GRACE_MS, GRACE_POLLS * wait.intervalSeconds * 1000));
}

type LookupResult = TaskRecord | null | Error;

/** Asks for `ids` (one `retrieve` for one id, `retrieve_batch` for several); false when the request failed. */
async function lookUp(
	client: AceDataClient,
	ids: string[],
	call: CallOptions,
	into: Map<string, LookupResult>,
): Promise<true | Error> {
	try {
		if (ids.length === 1) {
			into.set(ids[0], await client.retrieveTask(ids[0], call));
		} else {
			const records = await client.retrieveTasks(ids, call);
			for (const id of ids) into.set(id, records.get(id) ?? null);
		}
		return true;
	} catch (error) {
		return error as Error;
	}
}

/**
 * Looks up task ids. When a batch fails for a reason that may pass, its halves are asked once each,
 * so a record AceData cannot serve does not hide the others; when both halves fail too, AceData's task store is
 * down and every id keeps the error until the next round.
 */
async function lookUpIds(client: AceDataClient, ids: string[], call: CallOptions, into: Map<string, LookupResult>) {
	const result = await lookUp(client, ids, call, into);
	if (result === true) return;
	if (client.cancelled() || ids.length === 1 || isPermanent(result)) {
		for (const id of ids) into.set(id, result);
		return;
	}
	const quick = call;
	const halves = [ids.slice(0, ids.length >> 1), ids.slice(ids.length >> 1)];
	const failed: string[][] = [];
	for (const half of halves) {
		if ((await lookUp(client, half, quick, into)) !== true) failed.push(half);
	}
	if (failed.length === 2) {
		for (const id of ids) into.set(id, result);
		return;
	}
	for (const half of failed) {
		if (half.length === 1) into.set(half[0], result);
		else await lookUpIds(client, half, quick, into);
	}
}

/** Each look-up is one attempt (the next round is its retry) and never outlives the earliest Max Wait. */
function timeoutFor(client: AceDataClient, waits: TaskWait[]): CallOptions {
	const deadline = Math.min(...waits.map((wait) => wait.since + wait.maxWaitSeconds * 1000));
	return { timeoutMs: Math.min(client.timeoutMs, Math.max(MIN_LOOKUP_TIMEOUT_MS, deadline - Date.now())), retries: 0 };
}

function giveUp(client: AceDataClient, wait: TaskWait, lastError: Error | undefined): Error {
	const item = client.withItem(wait.itemIndex);
	const seconds = wait.maxWaitSeconds;
	const lookUp = lastError ? ` The last look-up failed: ${lastError.message}.` : '';
	if (wait.taskId) {
		return item.apiError({
			code: 'poll_timeout',
			apiMessage: `Task ${wait.taskId} is still running after ${seconds} s (Max Wait).${lookUp} It is paid and nothing is lost: fetch its images later with the Task › Get operation and this task ID (do not submit again, it would be billed twice), or raise Max Wait`,
			taskId: wait.taskId,
			traceId: wait.traceId,
			source: 'node',
		});
	}
	return item.apiError({
		code: 'not_recovered',
		apiMessage: `${wait.lostBecause ?? 'The image request failed'}. AceData could not be asked about the job (trace ID ${wait.traceId}) within ${seconds} s (Max Wait).${lookUp} It may have been accepted and billed: look it up with Task › Get and this trace ID before submitting again`,
		traceId: wait.traceId,
		source: 'node',
	});
}

function unknownJob(client: AceDataClient, wait: TaskWait): Error {
	const item = client.withItem(wait.itemIndex);
	const seconds = Math.round((Date.now() - wait.since) / 1000);
	if (wait.taskId) {
		return item.apiError({
			code: 'task_not_found',
			apiMessage: `AceData has no record of task ${wait.taskId}, ${seconds} s after it accepted it. Do not submit again: look it up later with Task › Get and this task ID, or ask AceData support about it`,
			taskId: wait.taskId,
			traceId: wait.traceId,
			source: 'node',
		});
	}
	return item.apiError({
		code: 'not_recovered',
		apiMessage: `${wait.lostBecause ?? 'The image request failed'}. AceData has no record of a job with trace ID ${wait.traceId} ${seconds} s later, so it was most likely not accepted; check the trace ID in the AceData console (or with Task › Get) before submitting again`,
		traceId: wait.traceId,
		source: 'node',
	});
}

function cancelledWait(client: AceDataClient, wait: TaskWait): Error {
	const what = wait.taskId ? `task ${wait.taskId}` : `the job with trace ID ${wait.traceId}`;
	return client.withItem(wait.itemIndex).apiError({
		code: 'cancelled',
		apiMessage: `The node stopped while waiting for ${what}. Fetch it later with Task › Get (do not submit again, it is paid)`,
		taskId: wait.taskId,
		traceId: wait.traceId,
		source: 'node',
	});
}

/**
 * Waits for many jobs at once. Each round is one `retrieve_batch` for every pending task (or one `retrieve` when a
 * single task is left), plus one `retrieve` by trace ID for each lost submission being recovered. A failing
 * look-up is retried by the client, then waited out until Max Wait; an unknown job gets a grace period.
 * Outcomes are keyed by item index.
 */
export async function waitForTasks(client: AceDataClient, waits: TaskWait[]): Promise<Map<number, TaskOutcome>> {
	const outcomes = new Map<number, TaskOutcome>();
	if (waits.length === 0) return outcomes;
	let interval = Math.max(0.05, Math.min(...waits.map((wait) => wait.intervalSeconds)));
	let pending = waits.map((wait) => ({ ...wait }));
	const lastError = new Map<number, Error>();

	while (pending.length > 0) {
		const nextDeadline = Math.min(...pending.map((wait) => wait.since + wait.maxWaitSeconds * 1000));
		await client.wait(Math.max(0, Math.min(interval * 1000, nextDeadline - Date.now())));
		if (client.cancelled()) break;

		const byId = pending.filter((wait) => wait.taskId);
		const results = new Map<string, LookupResult>();
		for (let offset = 0; offset < byId.length; offset += BATCH_SIZE) {
			const chunk = byId.slice(offset, offset + BATCH_SIZE);
			await lookUpIds(client, chunk.map((wait) => wait.taskId as string), timeoutFor(client, chunk), results);
		}
		const byTrace = new Map<number, LookupResult>();
		for (const wait of pending.filter((candidate) => !candidate.taskId)) {
			try {
				byTrace.set(wait.itemIndex, await client.retrieveByTrace(wait.traceId as string, timeoutFor(client, [wait])));
			} catch (error) {
				byTrace.set(wait.itemIndex, error as Error);
			}
		}
		if (client.cancelled()) break;

		const stillPending: typeof pending = [];
		for (const wait of pending) {
			const result = wait.taskId ? results.get(wait.taskId) : byTrace.get(wait.itemIndex);
			const now = Date.now();
			if (result instanceof Error) {
				if (isPermanent(result)) {
					outcomes.set(wait.itemIndex, { error: result });
					continue;
				}
				lastError.set(wait.itemIndex, result);
			} else if (result) {
				lastError.delete(wait.itemIndex);
				if (!wait.taskId && typeof result.id === 'string') wait.taskId = result.id;
				wait.traceId ??= result.trace_id;
				if (wait.until === 'known' || isFinished(result)) {
					outcomes.set(wait.itemIndex, { record: result });
					continue;
				}
			} else if (now - wait.since >= graceMs(wait)) {
				outcomes.set(wait.itemIndex, { error: unknownJob(client, wait) });
				continue;
			}
			if (now >= wait.since + wait.maxWaitSeconds * 1000) {
				outcomes.set(wait.itemIndex, { error: giveUp(client, wait, lastError.get(wait.itemIndex)) });
				continue;
			}
			stillPending.push(wait);
		}
		pending = stillPending;
		interval = Math.min(interval * BACKOFF_FACTOR, MAX_POLL_INTERVAL_SECONDS);
	}
	for (const wait of pending) outcomes.set(wait.itemIndex, { error: cancelledWait(client, wait) });
	return outcomes;
}
