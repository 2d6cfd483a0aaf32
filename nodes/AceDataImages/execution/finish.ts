import type { IExecuteFunctions } from 'n8n-workflow';

import type { Failure } from '../failure/failure';
import * as words from '../failure/words';
import { answerOutcome, recordOutcome } from '../helpers/taskOutcome';
import type { Delivery } from '../models/defaults';
import type { AceDataClient } from '../transport/client';
import { waitForTasks, type TaskWait } from '../transport/polling';
import type { ImagesAnswer, TaskRecord } from '../transport/types';
import type { Journal } from './journal';
import type { Ledger } from './ledger';
import type { RunOutcomes } from './outcomes';
import { runPool } from './schedule';
import type { DeliveryRules, ImageRequest } from './types';

/** A job sent (or found) whose images are still to come: waited for with the others of the run. */
export interface PendingJob {
	request: ImageRequest;
	client: AceDataClient;
	wait: TaskWait;
}

/** What finishing a job needs of its run: n8n's context, the items' outcomes, the journal, the deliveries' rules. */
export interface Finishing {
	ctx: IExecuteFunctions;
	items: RunOutcomes;
	journal?: Journal;
	rulesOf: (delivery: Delivery) => DeliveryRules;
}

/** One shared wait for every pending job of the run, then their images, in input order. */
export async function finishPending(
	run: Finishing,
	pending: PendingJob[],
	concurrency: number,
): Promise<void> {
	const client = pending[0].client.withSignal(run.items.signal);
	const outcomes = await waitForTasks(
		client,
		pending.map((job) => job.wait),
	);
	pending.sort((a, b) => a.request.itemIndex - b.request.itemIndex);
	await runPool(pending.length, concurrency, async (index) => {
		const job = pending[index];
		const { itemIndex } = job.request;
		const outcome = outcomes.get(itemIndex);
		if (!outcome) return run.items.fail(itemIndex, stoppedWaiting(run.items.ledger, job));
		if ('failure' in outcome) return run.items.fail(itemIndex, outcome.failure);
		await finishFound(run, job, outcome.record);
	});
}

/** A job a look-up found (by task ID, or by trace ID after a lost answer): AceData has it, so it is paid. */
async function finishFound(run: Finishing, job: PendingJob, record: TaskRecord): Promise<void> {
	const { request, client } = job;
	const { itemIndex } = request;
	// Found by trace ID, a job another item already has is not this one's too (one Trace ID set for several items).
	if (
		!job.wait.taskId &&
		run.items.ledger.jobs.some(
			(other) => other.itemIndex !== itemIndex && other.taskId === record.id,
		)
	) {
		run.items.fail(itemIndex, sharedTraceJob(client, job.wait, record.id));
		return;
	}
	run.items.ledger.accepted(itemIndex, { taskId: record.id, traceId: record.traceId });
	if (job.wait.key)
		run.journal?.accepted(job.wait.key, { taskId: record.id, traceId: record.traceId }, 'record');
	const { taskId, traceId } = run.items.ledger.job(itemIndex);
	if (run.rulesOf(request.delivery).doneWhen === 'accepted') {
		run.items.set(itemIndex, { kind: 'accepted', request, client, taskId: record.id, traceId });
		return;
	}
	const outcome = await recordOutcome(
		run.ctx,
		client.withSignal(run.items.signal),
		record,
		{ ...request.context, taskId, traceId },
		request.output,
	);
	run.items.settle(itemIndex, outcome);
}

export async function emitAnswer(
	run: Finishing,
	request: ImageRequest,
	client: AceDataClient,
	answer: ImagesAnswer,
	key: string,
): Promise<void> {
	const { itemIndex } = request;
	const { taskId, traceId } = run.items.ledger.job(itemIndex);
	const outcome = await answerOutcome(
		run.ctx,
		client.withSignal(run.items.signal),
		answer,
		{ ...request.context, taskId, traceId },
		request.output,
	);
	run.items.settle(itemIndex, outcome);
	if (outcome.kind === 'images') run.journal?.keepItems(key, outcome.items);
}

export function stoppedWaiting(ledger: Ledger, job: PendingJob): Failure {
	const { taskId, traceId } = ledger.job(job.request.itemIndex);
	return job.client.failure({
		kind: 'cancelled',
		code: 'cancelled',
		text: words.STOPPED_BEFORE_FINISHED,
		taskId,
		traceId,
	});
}

/** What waiting for a job means: since when, how often, how long, until it is finished or accepted. */
export function taskWaitFor(
	run: Finishing,
	request: ImageRequest,
	key: string,
	since: number,
): TaskWait {
	const { itemIndex, wait } = request;
	return {
		itemIndex,
		key,
		since,
		intervalSeconds: wait.intervalSeconds,
		maxWaitSeconds: wait.maxWaitSeconds,
		until: run.rulesOf(request.delivery).doneWhen,
	};
}

/** A job found by trace ID that another item of the run already has: not this request's (a Trace ID set for several items). */
function sharedTraceJob(client: AceDataClient, wait: TaskWait, taskId: string): Failure {
	return client.failure({
		kind: 'wait',
		code: 'trace_id_ambiguous',
		text: words.sharedTraceJob(wait.lostBecause, wait.traceId, taskId),
		traceId: wait.traceId,
		billing: 'maybe',
		saysWhatToDo: true,
	});
}
