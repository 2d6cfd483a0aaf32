/** The words of the two triggers: what "Fetch Test Event" says when there is nothing to show. */

export const NO_FINISHED_TASK =
	'No finished task of the last 24 hours matches this trigger: nothing to show yet';
export const NO_FINISHED_TASK_WHAT_TO_DO =
	'Run an AceData Cloud Images node (any Delivery), then fetch again. Once the workflow is active, each task that finishes from then on starts it once.';
