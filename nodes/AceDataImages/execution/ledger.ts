import type { Billing } from '../failure/failure';
import type { JobState } from '../failure/report';

/**
 * What each input item's job may have cost, kept by the pipeline as the item goes: nothing until its billed request
 * is about to leave, `maybe` while its answer is out (or was lost), `paid` once AceData has the job. Every error the
 * node reports reads it, so that no advice ever suggests paying twice.
 */
export class Ledger {
	readonly jobs: JobState[];

	constructor(count: number) {
		this.jobs = Array.from({ length: count }, (_, itemIndex) => ({ itemIndex, billing: 'none' as Billing }));
	}

	job(itemIndex: number): JobState {
		return this.jobs[itemIndex];
	}

	/** The billed request is leaving now. */
	sending(itemIndex: number, traceId: string): void {
		Object.assign(this.jobs[itemIndex], { billing: 'maybe', traceId });
	}

	/** AceData surely did not take it (a 4xx, a connection never made). */
	notAccepted(itemIndex: number): void {
		this.jobs[itemIndex].billing = 'none';
	}

	/** AceData has the job: it answered, or a look-up found it. */
	accepted(itemIndex: number, ids: { taskId?: string; traceId?: string }): void {
		const job = this.jobs[itemIndex];
		job.billing = 'paid';
		if (ids.taskId) job.taskId = ids.taskId;
		if (ids.traceId) job.traceId = ids.traceId;
	}

	/** The task finished with an error at AceData. */
	taskFailed(itemIndex: number): void {
		this.jobs[itemIndex].taskFailed = true;
	}

	/** Another item of this run sent the same trace ID: a look-up by it could find the other item's job. */
	traceShared(itemIndex: number): boolean {
		const { traceId } = this.jobs[itemIndex];
		return this.jobs.some((other) => other.itemIndex !== itemIndex && other.traceId === traceId);
	}
}
