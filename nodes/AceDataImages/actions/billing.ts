import type { JobIds } from './types';

/** What an item's job may have cost: nothing, possibly (the answer was lost), or surely (AceData accepted it). */
export type Billing = 'none' | 'maybe' | 'paid';

export interface ItemLedger extends JobIds {
	billing: Billing;
	/** The task finished with an error at AceData: nothing to fetch (failed tasks are generally not billed). */
	taskFailed?: boolean;
}

/** What the user should do about a failed item, by what its job may have cost. */
export function whatToDo(ledger: ItemLedger): string {
	if (ledger.taskFailed) {
		return `Task ${ledger.taskId} failed at AceData, so it has no images (AceData generally does not bill failed tasks)`;
	}
	if (ledger.billing === 'paid') {
		return ledger.taskId
			? `The job is paid: fetch its images with Task › Get and task ID ${ledger.taskId}; do not submit it again`
			: `The job is paid: look it up with Task › Get and trace ID ${ledger.traceId}; do not submit it again`;
	}
	if (ledger.billing === 'maybe') {
		return `AceData may have accepted (and billed) the job: look it up with Task › Get and trace ID ${ledger.traceId} before submitting it again`;
	}
	return 'Nothing was billed for this item';
}
