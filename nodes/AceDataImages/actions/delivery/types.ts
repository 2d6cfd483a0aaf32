import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AceDataClient } from '../../transport/client';
import type { ImageRequest, ItemOutcome } from '../../execution/types';

/** What n8n will do after this run. */
export interface RunEnding {
	/** Retry On Fail is on: n8n runs the node again if the first output item is an error item, so such a run must not park. */
	retryPending: boolean;
}

/**
 * A delivery, declared once: what it sends, when its job is done, and how its run ends. The router and the pipeline
 * read it; nothing else asks which delivery an item has.
 */
export interface DeliveryPolicy {
	/** Sends `async: true` (AceData answers with a task at once). */
	sendsAsync: boolean;
	/** `finished`: the job is done once its images are emitted; `accepted`: once AceData has accepted it. */
	doneWhen: 'finished' | 'accepted';
	/** Refuses, before anything is billed, a request this delivery cannot carry out. */
	check?(request: ImageRequest, client: AceDataClient): void;
	/** Its run parks until AceData calls back (a run with any such item parks; its other items end as their own). */
	parks: boolean;
	/** Every item's outcome → the node's output. */
	endRun(
		ctx: IExecuteFunctions,
		outcomes: ItemOutcome[],
		ending: RunEnding,
	): Promise<INodeExecutionData[]>;
}
