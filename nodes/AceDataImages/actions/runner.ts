import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { aceDataOf, acceptedBy, adviceFor } from '../transport/errors';
import { isFinished, taskFailure, waitForTasks, type TaskWait } from '../transport/polling';
import type { AceDataErrorDetails, ImagesAnswer } from '../transport/types';
import { whatToDo, type Billing, type ItemLedger } from './billing';
import { confirmsOnAcceptance, isAcknowledgement } from './image/submit';
import type { ImageSubmission, OperationModule } from './types';

interface PendingJob {
	submission: ImageSubmission;
	wait: TaskWait;
}

type NodeError = NodeApiError | NodeOperationError;

/** Runs `work` for indexes 0..count-1, at most `limit` at a time. */
async function runPool(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count) await work(next++);
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** What an item's work tells the pipeline: its request is prepared (start the next), its slot is free. */
interface PipelineSignals {
	ready: () => void;
	release: () => void;
}

/**
 * Like runPool, but items are started one after another: the next item is prepared only once the previous one's
 * request is (`ready()`). Preparing an item is CPU work on n8n's one thread (parameters, expressions, credentials);
 * started all at once, every item would be prepared before the first request left (measured with 20 items at
 * Concurrency 20: the first request left at 57-68 ms, now at about 13 ms). An item holds one of the `limit` slots
 * until it calls `release()` (its billed request answered) or ends: downloading its images does not keep the next
 * item's request waiting.
 */
async function runPipeline(
	count: number,
	limit: number,
	work: (index: number, signals: PipelineSignals) => Promise<void>,
	stopped: () => boolean,
): Promise<void> {
	const slots = new Set<Promise<void>>();
	const tasks: Array<Promise<void>> = [];
	for (let index = 0; index < count && !stopped(); index++) {
		while (slots.size >= limit) await Promise.race(slots);
		const signals: PipelineSignals = { ready: () => {}, release: () => {} };
		const prepared = new Promise<void>((resolve) => (signals.ready = resolve));
		const released = new Promise<void>((resolve) => (signals.release = resolve));
		const task = work(index, signals);
		tasks.push(task);
		const slot: Promise<void> = Promise.race([released, task.then(noop, noop)]).then(() => {
			slots.delete(slot);
		});
		slots.add(slot);
		await Promise.race([prepared, task]);
	}
	await Promise.all(tasks);
}

const noop = () => {};

function describeJob(itemIndex: number, ledger: ItemLedger): string {
	if (ledger.taskId) return `item ${itemIndex}: ${ledger.taskId}`;
	return `item ${itemIndex}: trace ID ${ledger.traceId}${ledger.billing === 'maybe' ? ' (may have been accepted)' : ''}`;
}

/**
 * Runs every input item of one execution to exactly one outcome: its images, or an error paired to it. It is the one
 * place that decides, for a failed billed request, whether to report it or to recover it (look the job up by its
 * trace ID instead of sending it again), and it keeps a ledger of what each item's job may have cost, so that
 * every error names the paid jobs the user would otherwise pay for twice.
 */
export class Runner {
	private readonly stop = new AbortController();
	private readonly results: INodeExecutionData[][];
	private readonly ledger: ItemLedger[];
	private firstFailure?: NodeError;

	constructor(
		private readonly ctx: IExecuteFunctions,
		count: number,
		private readonly continueOnFail: boolean,
	) {
		this.results = Array.from({ length: count }, () => []);
		this.ledger = Array.from({ length: count }, () => ({ billing: 'none' as Billing }));
	}

	/** Ends every wait, look-up and download of this run: the execution was cancelled, or an item failed. */
	get signal(): AbortSignal {
		return this.stop.signal;
	}

	async run(module: OperationModule, concurrency: number): Promise<INodeExecutionData[]> {
		const execution = typeof this.ctx.getExecutionCancelSignal === 'function' ? this.ctx.getExecutionCancelSignal() : undefined;
		const onCancel = () => this.stop.abort();
		if (execution?.aborted) this.stop.abort();
		execution?.addEventListener('abort', onCancel, { once: true });
		try {
			const pending: PendingJob[] = [];
			await runPipeline(
				this.results.length,
				concurrency,
				async (itemIndex, signals) => {
					const job = await this.start(module, itemIndex, signals);
					if (job) pending.push(job);
				},
				() => this.signal.aborted,
			);
			if (pending.length > 0 && !this.signal.aborted) await this.finishPending(pending, concurrency);
			else for (const job of pending) this.failWaiting(job);
		} finally {
			execution?.removeEventListener('abort', onCancel);
		}
		if (this.firstFailure) throw this.withUnemittedJobs(this.firstFailure);
		return this.results.flat();
	}

	/** Only for a failure of the whole node before any item ran (an invalid node-level parameter). */
	failAll(error: unknown): INodeExecutionData[] {
		if (!this.continueOnFail) throw this.asNodeError(error);
		return this.results.map((_, itemIndex) => this.errorItem(this.asNodeError(error, itemIndex), itemIndex));
	}

	private async start(module: OperationModule, itemIndex: number, signals: PipelineSignals): Promise<PendingJob | undefined> {
		let outcome;
		try {
			outcome = await module.execute.call(this.ctx, itemIndex, this.signal);
		} catch (error) {
			this.fail(itemIndex, error);
			return undefined;
		}
		if ('items' in outcome) {
			this.results[itemIndex] = outcome.items;
			return undefined;
		}
		signals.ready();
		return await this.submit(itemIndex, outcome.submission, signals.release);
	}

	/** Sends one billed request. A lost answer becomes a look-up by trace ID, never a second submission. */
	private async submit(itemIndex: number, submission: ImageSubmission, answered: () => void): Promise<PendingJob | undefined> {
		const ledger = this.ledger[itemIndex];
		ledger.traceId = submission.traceId;
		ledger.billing = 'maybe';
		const poll = {
			itemIndex,
			intervalSeconds: submission.poll.intervalSeconds,
			maxWaitSeconds: submission.poll.maxWaitSeconds,
			until: confirmsOnAcceptance(submission.delivery) ? ('known' as const) : ('finished' as const),
		};
		let answer;
		try {
			answer = await submission.client.submitImages(submission.endpoint, submission.body, submission.headers);
		} catch (error) {
			answered();
			if (acceptedBy(error) === 'no') {
				ledger.billing = 'none';
				this.fail(itemIndex, error);
				return undefined;
			}
			// Another item of this run carries the same trace ID: a look-up could find its job, not this one.
			const shared = this.ledger.some((other, index) => index !== itemIndex && other.traceId === submission.traceId);
			if (this.signal.aborted || shared) {
				this.fail(itemIndex, error);
				return undefined;
			}
			const lostBecause = (error as Error).message.replace(/[.\s]+$/, '');
			return { submission, wait: { ...poll, traceId: submission.traceId, since: Date.now(), lostBecause } };
		}
		answered();
		ledger.billing = 'paid';
		ledger.taskId = answer.task_id;
		ledger.traceId = answer.trace_id ?? submission.traceId;
		const ids = { taskId: ledger.taskId, traceId: ledger.traceId };
		if (!isAcknowledgement(answer)) {
			await this.emit(itemIndex, async () => await submission.emit(answer as ImagesAnswer, ids));
			return undefined;
		}
		if (confirmsOnAcceptance(submission.delivery)) {
			this.results[itemIndex] = submission.submitted(ids);
			return undefined;
		}
		return { submission, wait: { ...poll, ...ids, taskId: answer.task_id, since: Date.now() } };
	}

	/** One shared wait for every pending job of the run, then their images, in input order. */
	private async finishPending(pending: PendingJob[], concurrency: number): Promise<void> {
		const client = pending[0].submission.client.withSignal(this.signal);
		const outcomes = await waitForTasks(
			client,
			pending.map((job) => job.wait),
		);
		pending.sort((a, b) => a.wait.itemIndex - b.wait.itemIndex);
		await runPool(pending.length, concurrency, async (index) => {
			const { submission, wait } = pending[index];
			const { itemIndex } = wait;
			const ledger = this.ledger[itemIndex];
			const outcome = outcomes.get(itemIndex);
			if (!outcome) return this.failWaiting(pending[index]);
			if ('error' in outcome) return this.fail(itemIndex, outcome.error);
			const { record } = outcome;
			// Found by trace ID: AceData has the job, so it was accepted (and is paid).
			ledger.billing = 'paid';
			if (typeof record.id === 'string') ledger.taskId = record.id;
			ledger.traceId = record.trace_id ?? ledger.traceId;
			const ids = { taskId: ledger.taskId, traceId: ledger.traceId };
			if (wait.until === 'known') {
				this.results[itemIndex] = submission.submitted(ids);
				return;
			}
			const failure = isFinished(record) ? taskFailure(submission.client, record, ledger.taskId ?? '') : undefined;
			if (failure) {
				ledger.taskFailed = true;
				return this.fail(itemIndex, failure);
			}
			await this.emit(itemIndex, async () => await submission.emit(record.response ?? {}, ids));
		});
	}

	private async emit(itemIndex: number, make: () => Promise<INodeExecutionData[]>): Promise<void> {
		try {
			this.results[itemIndex] = await make();
		} catch (error) {
			this.fail(itemIndex, error);
		}
	}

	private failWaiting(job: PendingJob): void {
		const { wait } = job;
		const ledger = this.ledger[wait.itemIndex];
		const error = job.submission.client.withItem(wait.itemIndex).apiError({
			code: 'cancelled',
			apiMessage: 'The node stopped before the job finished',
			taskId: ledger.taskId,
			traceId: ledger.traceId,
			source: 'node',
		});
		this.fail(wait.itemIndex, error);
	}

	/** The item's outcome is this error: an error item (Continue On Fail) or the node's error, naming the paid job. */
	private fail(itemIndex: number, error: unknown): void {
		const nodeError = this.explain(this.asNodeError(error, itemIndex), this.ledger[itemIndex]);
		if (this.continueOnFail) {
			this.results[itemIndex] = [this.errorItem(nodeError, itemIndex)];
			return;
		}
		this.firstFailure ??= nodeError;
		this.stop.abort();
	}

	/** Adds the item's task and trace IDs and what to do about its job, and drops "run again" advice for paid jobs. */
	private explain(error: NodeError, ledger: ItemLedger): NodeError {
		const aceData = aceDataOf(error);
		ledger.taskId ??= typeof aceData.task_id === 'string' ? aceData.task_id : undefined;
		const details = error.context.details as AceDataErrorDetails | undefined;
		if (details && ledger.billing !== 'none') error.message = adviceFor(details, true);
		const advice = whatToDo(ledger);
		if (ledger.billing !== 'none' && !error.message.includes('Task › Get')) {
			error.message = `${error.message.replace(/[.\s]+$/, '')}. ${advice}`;
		}
		const ids = [
			ledger.taskId && !error.description?.includes(ledger.taskId) ? `task ID: ${ledger.taskId}` : undefined,
			ledger.traceId && !error.description?.includes(ledger.traceId) ? `trace ID: ${ledger.traceId}` : undefined,
		].filter(Boolean);
		if (ids.length) error.description = [error.description, ...ids].filter(Boolean).join(' · ');
		error.context.aceData = {
			...aceData,
			...(ledger.taskId ? { task_id: ledger.taskId } : {}),
			...(ledger.traceId ? { trace_id: ledger.traceId } : {}),
		};
		error.context.billing = ledger.billing;
		error.context.whatToDo = advice;
		return error;
	}

	/** Without Continue On Fail nothing is emitted: the error names every job that may have cost money. */
	private withUnemittedJobs(error: NodeError): NodeError {
		const jobs = this.ledger
			.map((ledger, itemIndex) => ({ ledger, itemIndex }))
			.filter(({ ledger }) => ledger.billing !== 'none' && !ledger.taskFailed);
		if (jobs.length > 0) {
			// Running the workflow again would pay for these jobs twice: no advice may suggest it.
			const details = error.context.details as AceDataErrorDetails | undefined;
			if (details && error.context.billing === 'none') error.message = adviceFor(details, true);
			const others = jobs.filter(({ itemIndex }) => itemIndex !== error.context.itemIndex).length;
			if (others > 0) {
				error.message = `${error.message.replace(/[.\s]+$/, '')}. ${others} other item(s) already have paid jobs: fetch them with Task › Get (IDs in the details) instead of running the workflow again`;
			}
			const list = jobs.map(({ ledger, itemIndex }) => describeJob(itemIndex, ledger)).join(', ');
			error.description = `${error.description ?? ''} · Paid jobs whose images were not emitted (fetch them with Task › Get; do not submit them again): ${list}`;
		}
		return error;
	}

	private asNodeError(error: unknown, itemIndex?: number): NodeError {
		if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
		return new NodeOperationError(this.ctx.getNode(), error as Error, { itemIndex });
	}

	private errorItem(error: NodeError, itemIndex: number): INodeExecutionData {
		const json: IDataObject = { error: error.message };
		if (error.description) json.description = error.description;
		const aceData = aceDataOf(error);
		if (aceData.code) json.code = aceData.code;
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
		if (aceData.task_id) json.taskId = aceData.task_id;
		if (aceData.trace_id) json.traceId = aceData.trace_id;
		if (error.context.billing) json.billing = error.context.billing;
		if (error.context.whatToDo) json.whatToDo = error.context.whatToDo;
		return { json, pairedItem: { item: itemIndex } };
	}
}
