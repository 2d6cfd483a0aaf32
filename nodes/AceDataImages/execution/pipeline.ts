import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import { describeFailure, errorItem, stoppingError, type JobState } from '../failure/report';
import * as words from '../failure/words';
import { answerOutcome, recordOutcome, type TaskOutcome } from '../helpers/taskOutcome';
import { AceDataClient } from '../transport/client';
import { waitForTasks, type TaskWait } from '../transport/polling';
import type { ImagesAnswer, SubmitAnswer, TaskRecord } from '../transport/types';
import type { Delivery } from '../models/defaults';
import {
	askedOf,
	lostInEarlierTry,
	paidInEarlierTry,
	sharedTraceJob,
	keptItemsHere,
	siblingRetryJob,
} from './earlierTry';
import { ImageBudget } from './budget';
import { Journal, keyOf, type JournalEntry } from './journal';
import { Ledger } from './ledger';
import { runPipeline, runPool, type PipelineSignals } from './schedule';
import type { DeliveryRules, ImageRequest, ItemOutcome, Prepared } from './types';

interface PendingJob {
	request: ImageRequest;
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
	private journal?: Journal;
	private budget?: ImageBudget;
	/** A retried execution (the executions list's Retry): another retry of the same one may have paid already. */
	private retriedExecution = false;

	constructor(
		private readonly ctx: IExecuteFunctions,
		count: number,
		private readonly continueOnFail: boolean,
		/** Each delivery's rules, as the router knows them. */
		private readonly rulesOf: (delivery: Delivery) => DeliveryRules,
	) {
		this.outcomes = Array.from({ length: count }, () => undefined);
		this.ledger = new Ledger(count);
	}

	private doneWhen(request: ImageRequest): DeliveryRules['doneWhen'] {
		return this.rulesOf(request.delivery).doneWhen;
	}

	/**
	 * For billed requests: the jobs earlier tries of this run paid for (found instead of paid again), and Max Images
	 * per Run, decided as each request is about to leave.
	 */
	useJournal(journal: Journal, budget: ImageBudget): void {
		this.journal = journal;
		this.budget = budget;
		this.retriedExecution = executionMode(this.ctx) === 'retry';
	}

	/** Ends every wait, look-up and download of this run: the execution was cancelled, or an item failed. */
	get signal(): AbortSignal {
		return this.stop.signal;
	}

	async run(
		prepare: (itemIndex: number, signal: AbortSignal) => Promise<Prepared>,
		concurrency: number,
	): Promise<ItemOutcome[]> {
		const execution =
			typeof this.ctx.getExecutionCancelSignal === 'function'
				? this.ctx.getExecutionCancelSignal()
				: undefined;
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
			if (pending.length > 0 && !this.signal.aborted)
				await this.finishPending(pending, concurrency);
			else for (const job of pending) this.fail(job.request.itemIndex, this.stoppedWaiting(job));
		} finally {
			execution?.removeEventListener('abort', onCancel);
		}
		if (this.firstFailure) {
			const { itemIndex, failure } = this.firstFailure;
			throw stoppingError(this.ctx.getNode(), failure.data, this.ledger.job(itemIndex), [
				...this.ledger.jobs,
				...this.earlierJobsNotFound(),
			]);
		}
		// Items never started (the run was cancelled): each still ends as one outcome, and it cost nothing.
		return this.outcomes.map(
			(outcome, itemIndex) => outcome ?? this.failedOutcome(itemIndex, this.notStarted()),
		);
	}

	/** Jobs earlier tries paid for that this try did not reach or no longer asks for: still paid, so still named. */
	private earlierJobsNotFound(): JobState[] {
		return (this.journal?.unclaimedEarlierJobs() ?? [])
			.filter(({ itemIndex, entry }) => this.ledger.job(itemIndex)?.traceId !== entry.traceId)
			.map(({ itemIndex, entry }) => ({
				itemIndex,
				billing: entry.billing,
				taskId: entry.taskId,
				traceId: entry.traceId,
				fromEarlierTry: true,
			}));
	}

	/** Only for a failure of the whole node before any item ran (an invalid node-level parameter): its error items. */
	failAll(error: unknown): INodeExecutionData[] {
		const failure = asFailure(error);
		// Jobs earlier tries paid for are still named, though nothing is sent now.
		if (!this.continueOnFail)
			throw stoppingError(
				this.ctx.getNode(),
				failure.data,
				this.ledger.job(0),
				this.earlierJobsNotFound(),
			);
		return this.outcomes.map((_, itemIndex) => errorItem(failure.data, this.ledger.job(itemIndex)));
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
			this.fail(itemIndex, this.notStarted());
			return undefined;
		}
		if (earlier) {
			answered();
			return await this.reuse(request, client, key, earlier);
		}
		if (this.retriedExecution && request.traceIdMadeByNode) {
			const sibling = await siblingRetryJob(client, request);
			if (sibling instanceof Failure) {
				answered();
				this.fail(itemIndex, sibling);
				return undefined;
			}
			if (sibling) {
				answered();
				this.journal?.sending(key, sibling.traceId, sibling.images);
				this.journal?.accepted(key, sibling, 'record');
				return await this.reuse(request, client, key, sibling);
			}
		}
		const refused = this.journal && this.budget?.refusal(this.journal, request.imagesAsked);
		if (refused) {
			answered();
			this.fail(itemIndex, refused);
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
			this.fail(itemIndex, failure);
			return undefined;
		}
		// The answer was lost: AceData may have the job. A stopped run reports it; an item sharing its trace ID with
		// another could find the other's job; otherwise look it up by trace ID (free) instead of paying again.
		if (this.signal.aborted || this.ledger.traceShared(itemIndex)) {
			this.fail(itemIndex, failure);
			return undefined;
		}
		const lostBecause = words.withoutFullStop(
			describeFailure(failure.data, { itemIndex, billing: 'none' }).message,
		);
		return {
			request,
			client,
			wait: {
				...this.waitFor(request, key, sentAt),
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
			await this.emit(request, client, answer.answer, key);
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
			this.outcomes[itemIndex] = {
				kind: 'accepted',
				request,
				client,
				taskId: answer.taskId,
				traceId,
			};
			return undefined;
		}
		return {
			request,
			client,
			wait: { ...this.waitFor(request, key, sentAt), taskId: answer.taskId, traceId },
		};
	}

	private waitFor(request: ImageRequest, key: string, since: number): TaskWait {
		const { itemIndex, wait } = request;
		return {
			itemIndex,
			key,
			since,
			intervalSeconds: wait.intervalSeconds,
			maxWaitSeconds: wait.maxWaitSeconds,
			until: this.doneWhen(request),
		};
	}

	/**
	 * An earlier try of this run (n8n's Retry On Fail, or a retried execution) paid for this very request: it is not
	 * sent again. Its job is found (free) and ends as its delivery would have ended it; the item says it was reused.
	 */
	private async reuse(
		request: ImageRequest,
		client: AceDataClient,
		key: string,
		earlier: JournalEntry,
	): Promise<PendingJob | undefined> {
		const { itemIndex } = request;
		this.ledger.reused(itemIndex, earlier);
		const reused: ImageRequest = {
			...request,
			traceId: earlier.traceId,
			context: { ...request.context, fromEarlierTry: true },
		};
		if (earlier.answer === 'base64') {
			const kept = earlier.items
				? await keptItemsHere(this.ctx, earlier, this.journal?.executionId)
				: undefined;
			if (kept) {
				const items = kept.map((item) => ({
					...item,
					json: { ...item.json, fromEarlierTry: true },
					pairedItem: { item: itemIndex },
				}));
				this.outcomes[itemIndex] = { kind: 'items', items };
				this.ledger.emitted(itemIndex);
				return undefined;
			}
			this.fail(itemIndex, paidInEarlierTry(client, earlier));
			return undefined;
		}
		if (earlier.taskId && this.doneWhen(request) === 'accepted') {
			this.outcomes[itemIndex] = {
				kind: 'accepted',
				request: reused,
				client,
				taskId: earlier.taskId,
				traceId: earlier.traceId,
			};
			return undefined;
		}
		// Max Wait counts from now; a record found by trace ID must still be younger than the first request.
		const wait: TaskWait = {
			...this.waitFor(request, key, Date.now()),
			taskId: earlier.taskId,
			traceId: earlier.traceId,
			sentAt: earlier.sentAt,
		};
		if (!earlier.taskId) {
			// Found by its trace ID only if no other job carries it (a Trace ID the user set for several items).
			if (this.journal?.traceShared(key, earlier.traceId)) {
				this.fail(itemIndex, lostInEarlierTry(client, earlier));
				return undefined;
			}
			wait.lostBecause = words.LOST_IN_EARLIER_TRY;
			wait.asked = askedOf(request);
		}
		return { request: reused, client, wait };
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
		// Found by trace ID, a job another item already has is not this one's too (one Trace ID set for several items).
		if (
			!job.wait.taskId &&
			this.ledger.jobs.some((other) => other.itemIndex !== itemIndex && other.taskId === record.id)
		) {
			this.fail(itemIndex, sharedTraceJob(client, job.wait, record.id));
			return;
		}
		this.ledger.accepted(itemIndex, { taskId: record.id, traceId: record.traceId });
		if (job.wait.key)
			this.journal?.accepted(
				job.wait.key,
				{ taskId: record.id, traceId: record.traceId },
				'record',
			);
		const { taskId, traceId } = this.ledger.job(itemIndex);
		if (this.doneWhen(request) === 'accepted') {
			this.outcomes[itemIndex] = { kind: 'accepted', request, client, taskId: record.id, traceId };
			return;
		}
		const outcome = await recordOutcome(
			this.ctx,
			client.withSignal(this.signal),
			record,
			{ ...request.context, taskId, traceId },
			request.output,
		);
		this.settle(itemIndex, outcome);
	}

	private async emit(
		request: ImageRequest,
		client: AceDataClient,
		answer: ImagesAnswer,
		key: string,
	): Promise<void> {
		const { itemIndex } = request;
		const { taskId, traceId } = this.ledger.job(itemIndex);
		const outcome = await answerOutcome(
			this.ctx,
			client.withSignal(this.signal),
			answer,
			{ ...request.context, taskId, traceId },
			request.output,
		);
		this.settle(itemIndex, outcome);
		if (outcome.kind === 'images') this.journal?.keepItems(key, outcome.items);
	}

	/** A finished job's outcome becomes the item's: its images, or its failure (a task that failed at AceData). */
	private settle(itemIndex: number, outcome: TaskOutcome): void {
		if (outcome.kind === 'images') {
			this.outcomes[itemIndex] = { kind: 'items', items: outcome.items };
			this.ledger.emitted(itemIndex, outcome.answer);
			return;
		}
		if (outcome.kind === 'failed') {
			if (outcome.taskFailed) this.ledger.taskFailed(itemIndex);
			this.fail(itemIndex, outcome.failure);
		}
	}

	private stoppedWaiting(job: PendingJob): Failure {
		const { taskId, traceId } = this.ledger.job(job.request.itemIndex);
		return job.client.failure({
			kind: 'cancelled',
			code: 'cancelled',
			text: words.STOPPED_BEFORE_FINISHED,
			taskId,
			traceId,
		});
	}

	private notStarted(): Failure {
		return new Failure({
			kind: 'cancelled',
			code: 'not_started',
			text: words.STOPPED_BEFORE_SENT,
			billing: 'none',
		});
	}

	private failedOutcome(itemIndex: number, failure: Failure): ItemOutcome {
		return { kind: 'failed', item: errorItem(failure.data, this.ledger.job(itemIndex)) };
	}

	/** The item's outcome is this failure: an error item (Continue On Fail), or the node stops, naming the paid jobs. */
	private fail(itemIndex: number, error: unknown): void {
		const failure = asFailure(error);
		const job = this.ledger.job(itemIndex);
		if (!job.taskId && failure.data.taskId && job.billing !== 'none')
			job.taskId = failure.data.taskId;
		if (this.continueOnFail) {
			this.outcomes[itemIndex] = this.failedOutcome(itemIndex, failure);
			return;
		}
		this.firstFailure ??= { itemIndex, failure };
		this.stop.abort();
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
