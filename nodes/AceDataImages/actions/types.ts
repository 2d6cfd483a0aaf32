import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { TaskWait } from '../transport/polling';
import type { ImagesAnswer } from '../transport/types';

/** A finished item, or a task to wait for (the router polls all pending tasks of a run together). */
export type Outcome =
	| { items: INodeExecutionData[] }
	| { task: TaskWait; emit: (answer: ImagesAnswer) => Promise<INodeExecutionData[]> };

export interface OperationModule {
	description: INodeProperties[];
	/** One input item's whole work: read → validate → request → items (or a pending task). */
	execute(this: IExecuteFunctions, itemIndex: number): Promise<Outcome>;
}
