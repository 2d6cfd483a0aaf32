import { Failure, asFailure, formatSeconds } from '../failure/failure';
import * as words from '../failure/words';
import { MAX_POLL_INTERVAL_SECONDS } from '../models/defaults';
import type { AceDataClient, CallOptions } from './client';
import { findByTrace, foreignJob, foreignReason } from './traceLookup';
import type { TaskRecord } from './types';

/** Polls back off from the first interval by this factor up to the ceiling. */
const BACKOFF_FACTOR = 1.5;
/** retrieve_batch takes this many ids at most per request. */
const BATCH_SIZE = 50;
/**
 * How long a job AceData does not know yet counts as "not recorded yet": 12 poll intervals, 0.5 s to 60 s, and at
 * least 4 look-ups that did not find it (a slow machine or network makes fewer look-ups in the same time).
 */
const GRACE_POLLS = 12;
const GRACE_LOOKUPS = 4;
const MIN_GRACE_MS = 500;
const MAX_GRACE_MS = 60_000;
/** A look-up never waits less than this, even right before a deadline. */
const MIN_LOOKUP_TIMEOUT_MS = 1000;

/** One item's job to wait for: by task ID, or by trace ID while a lost submission is being recovered. */
export interface TaskWait {
	itemIndex: number;
	taskId?: string;
	traceId?: string;
	/** When the wait began (ms since epoch): Max Wait and the grace period count from here. */
	since: number;
	/** When the request was sent, when earlier than `since` (a job an earlier try of the node paid for). */
	sentAt?: number;
	/** The job's entry in the node's journal of paid jobs. */
	key?: string;
	intervalSeconds: number;
	maxWaitSeconds: number;
	/** `finished`: wait for the result; `accepted`: done as soon as AceData has a record (Submit, Callback). */
	until: 'finished' | 'accepted';
	/** Why the job is looked up by trace ID (the submission's own failure), for the final message. */
	lostBecause?: string;
	/** What was asked: a record found by trace ID must match it to count as this submission's. */
	asked?: { model: string; prompt: string; n?: number; outputFormat?: string };
}

/** How waiting for one job ended: its record (finished, or known for Submit), or why it was not found. */
export type WaitResult = { record: TaskRecord } | { failure: Failure };

/** A look-up error that will not go away by asking again (credential, bad request, a record that does not fit). */
function isPermanent(error: Failure): boolean {
	const { httpStatus, kind, code } = error.data;
	// Another task's record may be a proxy's stale cache: waited out like a failed look-up.
	if (code === 'wrong_record') return false;
	if (kind === 'answer' || kind === 'parameter') return true;
	return (
		httpStatus !== undefined &&
		httpStatus >= 400 &&
		httpStatus < 500 &&
		httpStatus !== 408 &&
		httpStatus !== 429
	);
}

function graceMs(wait: TaskWait): number {
	return Math.min(MAX_GRACE_MS, Math.max(MIN_GRACE_MS, GRACE_POLLS * wait.intervalSeconds * 1000));
}

/** What a look-up found: the record, nothing (AceData does not know it), or why it could not be asked. */
export type LookupResult = TaskRecord | null | Failure;

/** Asks for `ids` (one `retrieve` for one id, `retrieve_batch` for several); the failure when the request failed. */
async function lookUp(
	client: AceDataClient,
	ids: string[],
	call: CallOptions,
	into: Map<string, LookupResult>,
): Promise<true | Failure> {
	try {
		if (ids.length === 1) {
			into.set(ids[0], await client.retrieveTask(ids[0], call));
		} else {
			const records = await client.retrieveTasks(ids, call);
			for (const id of ids) into.set(id, records.get(id) ?? null);
		}
		return true;
	} catch (error) {
		return asFailure(error);
	}
}

/**
 * Looks up task ids. When a batch fails for a reason that may pass, its halves are asked once each,
 * so a record AceData cannot serve does not hide the others; when both halves fail too, AceData's task store is
 * down and every id keeps the error until the next round.
 */
async function lookUpIds(
	client: AceDataClient,
	ids: string[],
	call: CallOptions,
	into: Map<string, LookupResult>,
) {
	const result = await lookUp(client, ids, call, into);
	if (result === true) return;
	if (client.cancelled() || ids.length === 1 || isPermanent(result)) {
		for (const id of ids) into.set(id, result);
		return;
	}
	const halves = [ids.slice(0, ids.length >> 1), ids.slice(ids.length >> 1)];
	const failed: string[][] = [];
	for (const half of halves) {
		if ((await lookUp(client, half, call, into)) !== true) failed.push(half);
	}
	if (failed.length === 2) {
		for (const id of ids) into.set(id, result);
		return;
	}
	for (const half of failed) {
		if (half.length === 1) into.set(half[0], result);
		else await lookUpIds(client, half, call, into);
	}
}

/** Each look-up is one attempt (the next round is its retry) and never outlives the earliest Max Wait. */
function timeoutFor(client: AceDataClient, waits: TaskWait[]): CallOptions {
	const deadline = Math.min(...waits.map((wait) => wait.since + wait.maxWaitSeconds * 1000));
	return {
		timeoutMs: Math.min(client.timeoutMs, Math.max(MIN_LOOKUP_TIMEOUT_MS, deadline - Date.now())),
		retries: 0,
	};
}

function giveUp(client: AceDataClient, wait: TaskWait, lastError: Failure | undefined): Failure {
	const seconds = formatSeconds(wait.maxWaitSeconds);
	const lookUp = words.lastLookUpFailed(lastError?.data.text);
	if (wait.taskId) {
		return client.failure({
			kind: 'wait',
			code: 'poll_timeout',
			text: words.stillRunning(wait.taskId, seconds, lookUp),
			saysWhatToDo: true,
			taskId: wait.taskId,
			traceId: wait.traceId,
			billing: 'paid',
		});
	}
	return client.failure({
		kind: 'wait',
		code: 'not_recovered',
		text: words.notAskedInTime(wait.lostBecause, wait.traceId, seconds, lookUp),
		saysWhatToDo: true,
		traceId: wait.traceId,
		billing: 'maybe',
	});
}

function unknownJob(client: AceDataClient, wait: TaskWait): Failure {
	const seconds = formatSeconds(Math.round((Date.now() - wait.since) / 100) / 10);
	if (wait.taskId) {
		return client.failure({
			kind: 'wait',
			code: 'task_not_found',
			text: words.taskUnknown(wait.taskId, seconds),
			saysWhatToDo: true,
			taskId: wait.taskId,
			traceId: wait.traceId,
			billing: 'paid',
		});
	}
	return client.failure({
		kind: 'wait',
		code: 'not_recovered',
		text: words.traceUnknown(wait.lostBecause, wait.traceId, seconds),
		saysWhatToDo: true,
		traceId: wait.traceId,
		billing: 'maybe',
	});
}

function cancelledWait(client: AceDataClient, wait: TaskWait): Failure {
	return client.failure({
		kind: 'cancelled',
		code: 'cancelled',
		text: words.stoppedWaiting(wait.taskId, wait.traceId),
		saysWhatToDo: true,
		taskId: wait.taskId,
		traceId: wait.traceId,
	});
}

/**
 * Waits for many jobs at once. Each round is one `retrieve_batch` for every pending task (or one `retrieve` when a
 * single task is left), plus one `retrieve` by trace ID for each lost submission being recovered. A failing
 * look-up is waited out until Max Wait; an unknown job gets a grace period. Outcomes are keyed by item index.
 */
export async function waitForTasks(
	client: AceDataClient,
	waits: TaskWait[],
): Promise<Map<number, WaitResult>> {
	const outcomes = new Map<number, WaitResult>();
	if (waits.length === 0) return outcomes;
	let interval = Math.max(0.05, Math.min(...waits.map((wait) => wait.intervalSeconds)));
	let pending: PendingWait[] = waits.map((wait) => ({ ...wait, unknownLookups: 0 }));

	while (pending.length > 0) {
		const nextDeadline = Math.min(
			...pending.map((wait) => wait.since + wait.maxWaitSeconds * 1000),
		);
		await client.wait(Math.max(0, Math.min(interval * 1000, nextDeadline - Date.now())));
		if (client.cancelled()) break;
		const found = await lookUpRound(client, pending);
		if (client.cancelled()) break;
		const stillPending: PendingWait[] = [];
		for (const wait of pending) {
			const outcome = judge(client, wait, found(wait));
			if (outcome) outcomes.set(wait.itemIndex, outcome);
			else stillPending.push(wait);
		}
		pending = stillPending;
		interval = Math.min(interval * BACKOFF_FACTOR, MAX_POLL_INTERVAL_SECONDS);
	}
	for (const wait of pending)
		outcomes.set(wait.itemIndex, { failure: cancelledWait(client, wait) });
	return outcomes;
}

/** A job being waited for, with what the rounds so far said about it. */
type PendingWait = TaskWait & { unknownLookups: number; lastError?: Failure };

/** One round of look-ups: every task by ID (batched), every lost submission by its trace ID. */
async function lookUpRound(
	client: AceDataClient,
	pending: PendingWait[],
): Promise<(wait: PendingWait) => LookupResult | undefined> {
	const byId = pending.filter((wait) => wait.taskId);
	const results = new Map<string, LookupResult>();
	for (let offset = 0; offset < byId.length; offset += BATCH_SIZE) {
		const chunk = byId.slice(offset, offset + BATCH_SIZE);
		await lookUpIds(
			client,
			chunk.map((wait) => wait.taskId as string),
			timeoutFor(client, chunk),
			results,
		);
	}
	const byTrace = new Map<number, LookupResult>();
	for (const wait of pending.filter((candidate) => !candidate.taskId)) {
		byTrace.set(wait.itemIndex, await findByTrace(client, wait, timeoutFor(client, [wait])));
	}
	return (wait) => (wait.taskId ? results.get(wait.taskId) : byTrace.get(wait.itemIndex));
}

/** What one round's answer means for a job: done (its record, or why not), or undefined to keep waiting. */
function judge(
	client: AceDataClient,
	wait: PendingWait,
	result: LookupResult | undefined,
): WaitResult | undefined {
	const now = Date.now();
	if (result instanceof Failure) {
		if (isPermanent(result)) return { failure: result };
		wait.lastError = result;
	} else if (result) {
		wait.lastError = undefined;
		if (!wait.taskId) {
			const reason = foreignReason(result, wait);
			if (reason) return { failure: foreignJob(client, wait, result, reason) };
			wait.taskId = result.id;
		}
		wait.traceId ??= result.traceId;
		if (wait.until === 'accepted' || result.result) return { record: result };
	} else if (++wait.unknownLookups >= GRACE_LOOKUPS && now - wait.since >= graceMs(wait)) {
		return { failure: unknownJob(client, wait) };
	}
	if (now >= wait.since + wait.maxWaitSeconds * 1000)
		return { failure: giveUp(client.withItem(wait.itemIndex), wait, wait.lastError) };
	return undefined;
}
