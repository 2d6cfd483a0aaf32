import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import { describeFailure, errorItem, stoppingError } from '../failure/report';
import { answerToItems, type ImageContext, type OutputOptions } from '../helpers/output';
import { AceDataClient } from '../transport/client';
import type { MultipartBody } from '../transport/multipart';
import { waitForTasks, type TaskWait } from '../transport/polling';
import type { ImagesAnswer, TaskRecord } from '../transport/types';
import type { Delivery } from '../models/defaults';
import { Ledger } from './ledger';
import { runPipeline, runPool, type PipelineSignals } from './schedule';

/** One billed request, checked and built, as plain data: what the operations hand the pipeline. */
export interface PipelineRequest {
	itemIndex: number;
	/** `wait`, `poll`, `submit` or `callback`: how the run ends is the delivery's (actions/delivery). */
	delivery: Delivery;
	/** The `callback_url` sent, if any (Delivery Callback: this execution's resume URL). */
	callbackUrl?: string;
	endpoint: 'generations' | 'edits';
	body: IDataObject | MultipartBody;
	headers?: IDataObject;
	traceId: string;
	/** `finished`: the job is done once its images are emitted; `known`: once AceData has accepted it. */
	doneWhen: 'finished' | 'known';
	wait: { intervalSeconds: number; maxWaitSeconds: number };
	output: OutputOptions;
	context: ImageContext;
	timeoutSeconds?: number;
}

export type PipelinePrepared =
	| { kind: 'items'; items: INodeExecutionData[] }
	/** `check`: the delivery's own refusal before anything is billed (it needs the credential's Base URL). */
	| { kind: 'request'; request: PipelineRequest; check?: (request: PipelineRequest, client: AceDataClient) => void };

/** How one input item ended. */
export type ItemOutcome =
	| { kind: 'items'; items: INodeExecutionData[] }
	/** Continue On Fail: the item's error item. */
	| { kind: 'failed'; item: INodeExecutionData }
	/** Done at acceptance (`doneWhen: 'known'`): the delivery turns it into items (Submit) or parks it (Callback). */
	| { kind: 'accepted'; request: PipelineRequest; taskId: string; traceId?: string; client: AceDataClient };

interface PendingJob {
	request: PipelineRequest;
	client: AceDataClient;
	wait: TaskWait;
}

/**
 * The life of every input item of one execution, in one place: prepared (parameters read and checked), its billed
 * request sent once, a lost answer recovered by looking the job up (never by sending it again), waited for, and
 * emitted — ending as exactly one outcome (its images, or an error item paired to it). The ledger records what each
 * job may have cost; once the node has decided to fail (Continue On Fail off) or the run is cancelled, no further
 * item is sent. `prepare` is the operation's; everything else is here.
 */
export class Pipeline {
	private readonly stop = new AbortController();
	private readonly outcomes: Array<ItemOutcome | undefined>;
	readonly ledger: Ledger;
	private firstFailure?: { itemIndex: number; failure: Failure };

	constructor(
		private readonly ctx: IExecuteFunctions,
		count: number,
		private readonly continueOnFail: boolean,
	) {
		this.outcomes = Array.from({ length: count }, () => undefined);
		this.ledger = new Ledger(count);
	}

	/** Ends every wait, look-up and download of this run: the execution was cancelled, or an item failed. */
	get signal(): AbortSignal {
		return this.stop.signal;
	}

	async run(prepare: (itemIndex: number, signal: AbortSignal) => Promise<PipelinePrepared>, concurrency: number): Promise<ItemOutcome[]> {
		const execution = typeof this.ctx.getExecutionCancelSignal === 'function' ? this.ctx.getExecutionCancelSignal() : undefined;
		const onCancel = () => this.stop.abort();
		if (execution?.aborted) this.stop.abort();
		execution?.addEventListener('abort', onCancel, { once: true });
		try {
			const pending: PendingJob[] = [];
			await runPipeline(
				this.outcomes.length,
				concurrency,
				async (itemIndex, signals) => {
					const job = await this.start(prepare, itemIndex, signals);
					if (job) pending.push(job);
				},
				() => this.signal.aborted,
			);
			if (pending.length > 0 && !this.signal.aborted) await this.finishPending(pending, concurrency);
			else for (const job of pending) this.fail(job.request.itemIndex, this.stoppedWaiting(job));
		} finally {
			execution?.removeEventListener('abort', onCancel);
		}
		if (this.firstFailure) {
			const { itemIndex, failure } = this.firstFailure;
			throw stoppingError(this.ctx.getNode(), failure.data, this.ledger.job(itemIndex), this.ledger.jobs);
		}
		// Items never started (the run was cancelled): each still ends as one outcome, and it cost nothing.
		return this.outcomes.map((outcome, itemIndex) => outcome ?? this.failedOutcome(itemIndex, this.notStarted()));
	}

	/** Only for a failure of the whole node before any item ran (an invalid node-level parameter): its error items. */
	failAll(error: unknown): INodeExecutionData[] {
		const failure = asFailure(error);
		if (!this.continueOnFail) throw stoppingError(this.ctx.getNode(), failure.data, this.ledger.job(0), []);
		return this.outcomes.map((_, itemIndex) => errorItem(failure.data, this.ledger.job(itemIndex)));
	}

	private async start(
		prepare: (itemIndex: number, signal: AbortSignal) => Promise<PipelinePrepared>,
		itemIndex: number,
		signals: PipelineSignals,
	): Promise<PendingJob | undefined> {
		let prepared: PipelinePrepared;
		let client: AceDataClient | undefined;
		try {
			prepared = await prepare(itemIndex, this.signal);
			if (prepared.kind === 'request') {
				client = await AceDataClient.create(this.ctx, { itemIndex, timeoutSeconds: prepared.request.timeoutSeconds, signal: this.signal });
				prepared.check?.(prepared.request, client);
			}
		} catch (error) {
			this.fail(itemIndex, error);
			return undefined;
		}
		if (prepared.kind === 'items') {
			this.outcomes[itemIndex] = { kind: 'items', items: prepared.items };
			return undefined;
		}
		signals.ready();
		try {
			return await this.submit(prepared.request, client as AceDataClient, signals.release);
		} finally {
			signals.release();
		}
	}

	/**
	 * Sends one billed request: the one place that decides, for a failure, whether to report it or to recover it (look
	 * the job up by its trace ID instead of sending it again).
	 */
	private async submit(request: PipelineRequest, client: AceDataClient, answered: () => void): Promise<PendingJob | undefined> {
		const { itemIndex } = request;
		// Another item already failed the node, or the run was cancelled, while this one was being prepared.
		if (this.signal.aborted) {
			this.fail(itemIndex, this.notStarted());
			return undefined;
		}
		this.ledger.sending(itemIndex, request.traceId);
		const wait = { itemIndex, intervalSeconds: request.wait.intervalSeconds, maxWaitSeconds: request.wait.maxWaitSeconds, until: request.doneWhen };
		const sentAt = Date.now();
		let answer;
		try {
			answer = await client.submitImages(request.endpoint, request.body, request.headers);
		} catch (error) {
			answered();
			const failure = asFailure(error);
			if (failure.data.accepted === 'no' || failure.data.accepted === undefined) {
				this.ledger.notAccepted(itemIndex);
				this.fail(itemIndex, failure);
				return undefined;
			}
			// The answer was lost: AceData may have the job. A stopped run reports it; an item sharing its trace ID with
			// another could find the other's job; otherwise look it up by trace ID (free) instead of paying again.
			if (this.signal.aborted || this.ledger.traceShared(itemIndex)) {
				this.fail(itemIndex, failure);
				return undefined;
			}
			const lostBecause = describeFailure(failure.data, { itemIndex, billing: 'none' }).message.replace(/[.\s]+$/, '');
			const asked = { model: request.context.model, prompt: request.context.prompt };
			return { request, client, wait: { ...wait, traceId: request.traceId, since: sentAt, lostBecause, asked } };
		}
		// Answered: the item frees its Concurrency place while its images download.
		answered();
		if (answer.kind === 'images') {
			const ids = { taskId: answer.answer.taskId, traceId: answer.answer.traceId ?? request.traceId };
			this.ledger.accepted(itemIndex, ids);
			await this.emit(request, client, answer.answer);
			return undefined;
		}
		this.ledger.accepted(itemIndex, { taskId: answer.taskId, traceId: answer.traceId ?? request.traceId });
		if (request.doneWhen === 'known') {
			this.outcomes[itemIndex] = { kind: 'accepted', request, client, taskId: answer.taskId, traceId: this.ledger.job(itemIndex).traceId };
			return undefined;
		}
		return { request, client, wait: { ...wait, taskId: answer.taskId, traceId: this.ledger.job(itemIndex).traceId, since: sentAt } };
	}

	/** One shared wait for every pending job of the run, then their images, in input order. */
	private async finishPending(pending: PendingJob[], concurrency: number): Promise<void> {
		const client = pending[0].client.withSignal(this.signal);
		const outcomes = await waitForTasks(
			client,
			pending.map((job) => job.wait),
		);
		pending.sort((a, b) => a.request.itemIndex - b.request.itemIndex);
		await runPool(pending.length, concurrency, async (index) => {
			const job = pending[index];
			const { itemIndex } = job.request;
			const outcome = outcomes.get(itemIndex);
			if (!outcome) return this.fail(itemIndex, this.stoppedWaiting(job));
			if ('failure' in outcome) return this.fail(itemIndex, outcome.failure);
			await this.finishFound(job, outcome.record);
		});
	}

	/** A job a look-up found (by task ID, or by trace ID after a lost answer): AceData has it, so it is paid. */
	private async finishFound(job: PendingJob, record: TaskRecord): Promise<void> {
		const { request, client } = job;
		const { itemIndex } = request;
		this.ledger.accepted(itemIndex, { taskId: record.id, traceId: record.traceId });
		const { taskId, traceId } = this.ledger.job(itemIndex);
		if (request.doneWhen === 'known') {
			this.outcomes[itemIndex] = { kind: 'accepted', request, client, taskId: record.id, traceId };
			return;
		}
		const result = record.result;
		if (result?.kind === 'failed') {
			this.ledger.taskFailed(itemIndex);
			this.fail(
				itemIndex,
				client.failure({ kind: 'task', code: result.code, text: result.message, taskId, traceId }),
			);
			return;
		}
		if (result?.kind === 'images') await this.emit(request, client, { ...result.answer, taskId, traceId });
	}

	private async emit(request: PipelineRequest, client: AceDataClient, answer: ImagesAnswer): Promise<void> {
		const { itemIndex } = request;
		const { taskId, traceId } = this.ledger.job(itemIndex);
		try {
			const items = await answerToItems(this.ctx, client.withSignal(this.signal), answer, { ...request.context, taskId, traceId }, request.output);
			this.outcomes[itemIndex] = { kind: 'items', items };
			this.ledger.emitted(itemIndex, answer);
		} catch (error) {
			this.fail(itemIndex, error);
		}
	}

	private stoppedWaiting(job: PendingJob): Failure {
		const { taskId, traceId } = this.ledger.job(job.request.itemIndex);
		return job.client.failure({ kind: 'cancelled', code: 'cancelled', text: 'The node stopped before the job finished', taskId, traceId });
	}

	private notStarted(): Failure {
		return new Failure({ kind: 'cancelled', code: 'not_started', text: 'The node stopped before this item was sent to AceData', accepted: 'no' });
	}

	private failedOutcome(itemIndex: number, failure: Failure): ItemOutcome {
		return { kind: 'failed', item: errorItem(failure.data, this.ledger.job(itemIndex)) };
	}

	/** The item's outcome is this failure: an error item (Continue On Fail), or the node stops, naming the paid jobs. */
	private fail(itemIndex: number, error: unknown): void {
		const failure = asFailure(error);
		const job = this.ledger.job(itemIndex);
		if (!job.taskId && failure.data.taskId && job.billing !== 'none') job.taskId = failure.data.taskId;
		if (this.continueOnFail) {
			this.outcomes[itemIndex] = this.failedOutcome(itemIndex, failure);
			return;
		}
		this.firstFailure ??= { itemIndex, failure };
		this.stop.abort();
	}
}
