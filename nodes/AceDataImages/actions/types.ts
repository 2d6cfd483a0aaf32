import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PipelineRequest } from '../execution/pipeline';

/** One billed request, checked and built, as plain data (the pipeline adds when its job is done). */
export type ImageRequest = Omit<PipelineRequest, 'doneWhen'>;

/** What preparing one input item gives: its final items (Task › Get), or a billed request to send. */
export type Prepared = { kind: 'items'; items: INodeExecutionData[] } | { kind: 'request'; request: ImageRequest };

export interface OperationModule {
	description: INodeProperties[];
	/** One input item's preparation: read (the parameter boundary) → check → build. No billed request is sent here. */
	prepare(this: IExecuteFunctions, itemIndex: number, signal: AbortSignal): Promise<Prepared>;
}
