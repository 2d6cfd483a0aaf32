import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AceDataClient } from '../../transport/client';
import type { ItemOutcome, PipelineRequest } from '../../execution/pipeline';

/** What a delivery changes in an item's life: the request it sends, when its job is done, and how the run ends. */
export interface DeliveryModule {
	/** Sends `async: true` (AceData answers with a task at once). */
	sendsAsync: boolean;
	/** `finished`: the job is done once its images are emitted; `known`: once AceData has accepted it. */
	doneWhen: 'finished' | 'known';
	/** Refuses, before anything is billed, a request this delivery cannot carry out. */
	check?(request: PipelineRequest, client: AceDataClient): void;
	/**
	 * Every item's outcome → the node's output, for the deliveries that end a run their own way: Submit (accepted jobs
	 * become items) and Callback (parks the execution until AceData calls back).
	 */
	finish?(ctx: IExecuteFunctions, outcomes: ItemOutcome[], ending?: RunEnding): Promise<INodeExecutionData[]>;
}

/** What n8n will do after this run. */
export interface RunEnding {
	/** n8n runs the node again (Retry On Fail) if the first output item is an error item: such a run must not park. */
	retryPending: boolean;
}

/** A delivery that ends a run its own way (Submit, Callback). */
export type EndingDelivery = DeliveryModule & Required<Pick<DeliveryModule, 'finish'>>;
