import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Prepared } from '../execution/types';

export interface OperationModule {
	description: INodeProperties[];
	/** One input item's preparation: read (the parameter boundary) → check → build. No billed request is sent here. */
	prepare(this: IExecuteFunctions, itemIndex: number, signal: AbortSignal): Promise<Prepared>;
}
