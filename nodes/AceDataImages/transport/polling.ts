import { sleep } from 'n8n-workflow';

import type { AceDataClient } from './client';
import type { ImagesAnswer, TaskRecord } from './types';

/** Polls back off from the first interval by this factor up to the ceiling. */
const BACKOFF_FACTOR = 1.5;
export const MAX_POLL_INTERVAL_SECONDS = 30;
/** Cancellation is checked at least this often while waiting between polls. */
const CANCEL_CHECK_MS = 200;
/** retrieve_batch takes this many ids at most per request. */
const BATCH_SIZE = 50;

export interface TaskWait {
	taskId: string;
	traceId?: string;
	itemIndex: number;
	intervalSeconds: number;
	maxWaitSeconds: number;
}

export type TaskOutcome = { answer: ImagesAnswer; record: TaskRecord } | { error: Error };

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

async function pause(client: AceDataClient, ms: number): Promise<void> {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (client.cancelled()) return;
		await sleep(Math.min(CANCEL_CHECK_MS, until - Date.now()));
	}
}

/**
 * Waits for many tasks at once: each round is one `retrieve_batch` for every pending task (or one `retrieve`
 * when a single task is left), never one request per task per round. Each task keeps its own deadline.
 */
export async function waitForTasks(client: AceDataClient, waits: TaskWait[]): Promise<Map<string, TaskOutcome>> {
	const outcomes = new Map<string, TaskOutcome>();
	if (waits.length === 0) return outcomes;
	const start = Date.now();
	let interval = Math.max(0.05, Math.min(...waits.map((wait) => wait.intervalSeconds)));
	let pending = [...waits];

	while (pending.length > 0) {
		const nextDeadline = Math.min(...pending.map((wait) => start + wait.maxWaitSeconds * 1000));
		await pause(client, Math.max(0, Math.min(interval * 1000, nextDeadline - Date.now())));
		if (client.cancelled()) {
			for (const wait of pending) {
				outcomes.set(wait.taskId, {
					error: client.withItem(wait.itemIndex).apiError({
						code: 'cancelled',
						apiMessage: `the execution was cancelled while waiting for task ${wait.taskId}`,
						taskId: wait.taskId,
					}),
				});
			}
			break;
		}

		const records = new Map<string, TaskRecord>();
		for (let offset = 0; offset < pending.length; offset += BATCH_SIZE) {
			const ids = pending.slice(offset, offset + BATCH_SIZE).map((wait) => wait.taskId);
			if (ids.length === 1) {
				const record = await client.retrieveTask(ids[0]);
				if (record) records.set(ids[0], record);
			} else {
				for (const record of await client.retrieveTasks(ids)) {
					if (record.id) records.set(record.id, record);
				}
			}
		}

		const stillPending: TaskWait[] = [];
		for (const wait of pending) {
			const record = records.get(wait.taskId);
			const itemClient = client.withItem(wait.itemIndex);
			if (record && isFinished(record)) {
				const failure = taskFailure(itemClient, record, wait.taskId);
				outcomes.set(wait.taskId, failure ? { error: failure } : { answer: record.response ?? {}, record });
			} else if (Date.now() - start >= wait.maxWaitSeconds * 1000) {
				outcomes.set(wait.taskId, {
					error: itemClient.apiError({
						code: 'poll_timeout',
						apiMessage: `Task ${wait.taskId} is still running after ${wait.maxWaitSeconds} s. Nothing is lost: fetch its images later with the Task › Get operation and this task ID (do not submit again, it would be billed twice), or raise Max Wait`,
						taskId: wait.taskId,
						traceId: wait.traceId,
					}),
				});
			} else {
				stillPending.push(wait);
			}
		}
		pending = stillPending;
		interval = Math.min(interval * BACKOFF_FACTOR, MAX_POLL_INTERVAL_SECONDS);
	}
	return outcomes;
}
