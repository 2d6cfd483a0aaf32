import type { INode, INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import { errorItem, stoppingError, type JobState } from '../failure/report';
import * as words from '../failure/words';
import type { TaskOutcome } from '../helpers/taskOutcome';
import type { Journal } from './journal';
import { Ledger } from './ledger';
import type { ItemOutcome } from './types';

/**
 * How the items of one run end: each item's outcome as it comes, the ledger of what its job may have cost, and the
 * run's stop (an item failed without Continue On Fail, or the execution was cancelled). The one place an item fails:
 * an error item paired to it, or the node's error naming every paid job.
 */
export class RunOutcomes {
	private readonly stop = new AbortController();
	private readonly outcomes: Array<ItemOutcome | undefined>;
	readonly ledger: Ledger;
	private firstFailure?: { itemIndex: number; failure: Failure };
	/** The jobs earlier tries paid for (image operations), to name those this try did not reach. */
	journal?: Journal;

	constructor(
		count: number,
		private readonly continueOnFail: boolean,
	) {
		this.outcomes = Array.from({ length: count }, () => undefined);
		this.ledger = new Ledger(count);
	}

	get count(): number {
		return this.outcomes.length;
	}

	/** Ends every wait, look-up and download of this run. */
	get signal(): AbortSignal {
		return this.stop.signal;
	}

	abort(): void {
		this.stop.abort();
	}

	set(itemIndex: number, outcome: ItemOutcome): void {
		this.outcomes[itemIndex] = outcome;
	}

	/** A finished job's outcome becomes the item's: its images, or its failure (a task that failed at AceData). */
	settle(itemIndex: number, outcome: TaskOutcome): void {
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

	/** The item's outcome is this failure: an error item (Continue On Fail), or the node stops, naming the paid jobs. */
	fail(itemIndex: number, error: unknown): void {
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

	notStarted(): Failure {
		return new Failure({
			kind: 'cancelled',
			code: 'not_started',
			text: words.STOPPED_BEFORE_SENT,
			billing: 'none',
		});
	}

	/** The run's end: the node's error (the first failure without Continue On Fail), or one outcome per item. */
	finish(node: INode): ItemOutcome[] {
		if (this.firstFailure) {
			const { itemIndex, failure } = this.firstFailure;
			throw stoppingError(node, failure.data, this.ledger.job(itemIndex), [
				...this.ledger.jobs,
				...this.earlierJobsNotFound(),
			]);
		}
		// Items never started (the run was cancelled): each still ends as one outcome, and it cost nothing.
		return this.outcomes.map(
			(outcome, itemIndex) => outcome ?? this.failedOutcome(itemIndex, this.notStarted()),
		);
	}

	/** Only for a failure of the whole node before any item ran (an invalid node-level parameter): its error items. */
	failAll(node: INode, error: unknown): INodeExecutionData[] {
		const failure = asFailure(error);
		// Jobs earlier tries paid for are still named, though nothing is sent now.
		if (!this.continueOnFail)
			throw stoppingError(node, failure.data, this.ledger.job(0), this.earlierJobsNotFound());
		return this.outcomes.map((_, itemIndex) => errorItem(failure.data, this.ledger.job(itemIndex)));
	}

	private failedOutcome(itemIndex: number, failure: Failure): ItemOutcome {
		return { kind: 'failed', item: errorItem(failure.data, this.ledger.job(itemIndex)) };
	}

	/** Jobs earlier tries paid for that this try did not reach or no longer asks for: still paid, so still named. */
	earlierJobsNotFound(): JobState[] {
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
}
