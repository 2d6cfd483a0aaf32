import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import { describeFailure } from '../failure/report';
import * as words from '../failure/words';
import { AceDataClient } from '../transport/client';
import type { SubmitAnswer } from '../transport/types';
import type { Delivery } from '../models/defaults';
import { askedOf, reuseEarlierJob, siblingRetryJob } from './earlierTry';
import { ImageBudget } from './budget';
import { Journal, keyOf } from './journal';
import type { Ledger } from './ledger';
import { RunOutcomes } from './outcomes';
import {
	emitAnswer,
	finishPending,
	stoppedWaiting,
	taskWaitFor,
	type Finishing,
	type PendingJob,
} from './finish';
import { runPipeline, type PipelineSignals } from './schedule';
import type { DeliveryRules, ImageRequest, ItemOutcome, Prepared } from './types';

/**
 * The life of every input item of one execution, in one place: prepared (parameters read and checked), its billed
 * request sent once, a lost answer recovered by looking the job up (never by sending it again), waited for, and
 * emitted — ending as exactly one outcome (its images, or an error item paired to it). The ledger records what each
 * job may have cost; once the node has decided to fail (Continue On Fail off) or the run is cancelled, no further
 * item is sent. `prepare` is the operation's; everything else is here.
 */
export class Pipeline {
	/** Each item's outcome as it ends, the ledger of its job, and the run's stop. */
	private readonly items: RunOutcomes;
	private journal?: Journal;
	private budget?: ImageBudget;
	/** A retried execution (the executions list's Retry): another retry of the same one may have paid already. */
	private retriedExecution = false;

	constructor(
		private readonly ctx: IExecuteFunctions,
		count: number,
		continueOnFail: boolean,
		/** Each delivery's rules, as the router knows them. */
		private readonly rulesOf: (delivery: Delivery) => DeliveryRules,
	) {
		this.items = new RunOutcomes(count, continueOnFail);
	}

	get ledger(): Ledger {
		return this.items.ledger;
	}

	private doneWhen(request: ImageRequest): DeliveryRules['doneWhen'] {
		return this.rulesOf(request.delivery).doneWhen;
	}

	/** What finishing a job needs of this run. */
	private finishing(): Finishing {
		return { ctx: this.ctx, items: this.items, journal: this.journal, rulesOf: this.rulesOf };
	}

	/**
	 * For billed requests: the jobs earlier tries of this run paid for (found instead of paid again), and Max Images
	 * per Run, decided as each request is about to leave.
	 */
	useJournal(journal: Journal, budget: ImageBudget): void {
		this.journal = journal;
		this.items.journal = journal;
		this.budget = budget;
		this.retriedExecution = executionMode(this.ctx) === 'retry';
	}

	/** Ends every wait, look-up and download of this run: the execution was cancelled, or an item failed. */
	get signal(): AbortSignal {
		return this.items.signal;
	}

	/** Jobs earlier tries paid for that this run did not ask for again (the request changed): still paid, so named. */
	earlierJobsNotAskedFor(): Array<{ taskId?: string; traceId?: string }> {
		return this.items.earlierJobsNotFound();
	}

	/** Only for a failure of the whole node before any item ran (an invalid node-level parameter): its error items. */
	failAll(error: unknown): INodeExecutionData[] {
		return this.items.failAll(this.ctx.getNode(), error);
	}

	async run(
		prepare: (itemIndex: number, signal: AbortSignal) => Promise<Prepared>,
		concurrency: number,
	): Promise<ItemOutcome[]> {
		const execution =
			typeof this.ctx.getExecutionCancelSignal === 'function'
				? this.ctx.getExecutionCancelSignal()
				: undefined;
		const onCancel = () => this.items.abort();
		if (execution?.aborted) this.items.abort();
		execution?.addEventListener('abort', onCancel, { once: true });
		try {
			const pending: PendingJob[] = [];
			await runPipeline(
				this.items.count,
				concurrency,
				async (itemIndex, signals) => {
					const job = await this.start(prepare, itemIndex, signals);
					if (job) pending.push(job);
				},
				() => this.signal.aborted,
			);
			if (pending.length > 0 && !this.signal.aborted)
				await finishPending(this.finishing(), pending, concurrency);
			else
				for (const job of pending)
					this.items.fail(job.request.itemIndex, stoppedWaiting(this.ledger, job));
		} finally {
			execution?.removeEventListener('abort', onCancel);
		}
		return this.items.finish(this.ctx.getNode());
	}

	private async start(
		prepare: (itemIndex: number, signal: AbortSignal) => Promise<Prepared>,
		itemIndex: number,
		signals: PipelineSignals,
	): Promise<PendingJob | undefined> {
		let prepared: Prepared;
		let client: AceDataClient | undefined;
		try {
			prepared = await prepare(itemIndex, this.signal);
			if (prepared.kind === 'request') {
				client = await AceDataClient.create(this.ctx, {
					itemIndex,
					timeoutSeconds: prepared.request.timeoutSeconds,
					signal: this.signal,
				});
				this.rulesOf(prepared.request.delivery).check?.(prepared.request, client);
			}
		} catch (error) {
			this.items.fail(itemIndex, error);
			return undefined;
		}
		if (prepared.kind === 'items') {
			this.items.set(itemIndex, { kind: 'items', items: prepared.items });
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
	private async submit(
		request: ImageRequest,
		client: AceDataClient,
		answered: () => void,
	): Promise<PendingJob | undefined> {
		const { itemIndex } = request;
		const key = keyOf(itemIndex, request.fingerprint);
		const earlier = this.journal?.earlierJob(key);
		// Another item already failed the node, or the run was cancelled, while this one was being prepared. A job an
		// earlier try paid for stays in the ledger, so the node's error names it.
		if (this.signal.aborted) {
			if (earlier) this.ledger.reused(itemIndex, earlier);
			this.items.fail(itemIndex, this.items.notStarted());
			return undefined;
		}
		if (earlier) {
			answered();
			return await reuseEarlierJob(this.finishing(), request, client, key, earlier);
		}
		if (this.retriedExecution && request.traceIdMadeByNode) {
			const sibling = await siblingRetryJob(client, request);
			if (sibling instanceof Failure) {
				answered();
				this.items.fail(itemIndex, sibling);
				return undefined;
			}
			if (sibling) {
				answered();
				this.journal?.sending(key, sibling.traceId, sibling.images);
				this.journal?.accepted(key, sibling, 'record');
				return await reuseEarlierJob(this.finishing(), request, client, key, sibling);
			}
		}
		const refused = this.journal && this.budget?.refusal(this.journal, request.imagesAsked);
		if (refused) {
			answered();
			this.items.fail(itemIndex, refused);
			return undefined;
		}
		this.journal?.sending(key, request.traceId, request.imagesAsked);
		this.ledger.sending(itemIndex, request.traceId);
		const sentAt = Date.now();
		let answer: SubmitAnswer;
		try {
			answer = await client.submitImages(request.endpoint, request.body, request.headers);
		} catch (error) {
			answered();
			return this.lost(request, client, key, asFailure(error), sentAt);
		}
		// Answered: the item frees its Concurrency place while its images download.
		answered();
		return await this.answered(request, client, key, answer, sentAt);
	}

	/** A billed request failed: reported when AceData surely did not take it, otherwise looked up, never resent. */
	private lost(
		request: ImageRequest,
		client: AceDataClient,
		key: string,
		failure: Failure,
		sentAt: number,
	): PendingJob | undefined {
		const { itemIndex } = request;
		if (failure.data.billing === 'none' || failure.data.billing === undefined) {
			this.journal?.notAccepted(key);
			this.ledger.notAccepted(itemIndex);
			this.items.fail(itemIndex, failure);
			return undefined;
		}
		// The answer was lost: AceData may have the job. A stopped run reports it; an item sharing its trace ID with
		// another could find the other's job; otherwise look it up by trace ID (free) instead of paying again.
		if (this.signal.aborted || this.ledger.traceShared(itemIndex)) {
			this.items.fail(itemIndex, failure);
			return undefined;
		}
		const lostBecause = words.withoutFullStop(
			describeFailure(failure.data, { itemIndex, billing: 'none' }).message,
		);
		return {
			request,
			client,
			wait: {
				...taskWaitFor(this.finishing(), request, key, sentAt),
				traceId: request.traceId,
				lostBecause,
				asked: askedOf(request),
			},
		};
	}

	/** AceData answered: its images are emitted, or its task is done (accepted) or waited for. */
	private async answered(
		request: ImageRequest,
		client: AceDataClient,
		key: string,
		answer: SubmitAnswer,
		sentAt: number,
	): Promise<PendingJob | undefined> {
		const { itemIndex } = request;
		if (answer.kind === 'images') {
			const ids = {
				taskId: answer.answer.taskId,
				traceId: answer.answer.traceId ?? request.traceId,
			};
			this.ledger.accepted(itemIndex, ids);
			const base64 = answer.answer.images.some(
				(image) => image.b64Json !== undefined && !image.url,
			);
			this.journal?.accepted(key, ids, base64 ? 'base64' : 'record');
			await emitAnswer(this.finishing(), request, client, answer.answer, key);
			return undefined;
		}
		this.ledger.accepted(itemIndex, {
			taskId: answer.taskId,
			traceId: answer.traceId ?? request.traceId,
		});
		this.journal?.accepted(
			key,
			{ taskId: answer.taskId, traceId: answer.traceId ?? request.traceId },
			'record',
		);
		const traceId = this.ledger.job(itemIndex).traceId;
		if (this.doneWhen(request) === 'accepted') {
			this.items.set(itemIndex, {
				kind: 'accepted',
				request,
				client,
				taskId: answer.taskId,
				traceId,
			});
			return undefined;
		}
		return {
			request,
			client,
			wait: {
				...taskWaitFor(this.finishing(), request, key, sentAt),
				taskId: answer.taskId,
				traceId,
			},
		};
	}
}

/** The execution's mode (`retry` for a retried execution); undefined where n8n does not say. */
function executionMode(ctx: IExecuteFunctions): string | undefined {
	try {
		return typeof ctx.getMode === 'function' ? ctx.getMode() : undefined;
	} catch {
		return undefined;
	}
}
