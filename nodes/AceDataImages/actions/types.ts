import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DeliveryRules, Prepared } from '../execution/types';
import type { TraceSeed } from '../helpers/traceId';
import type { Delivery } from '../models/defaults';

export interface OperationModule {
	description: INodeProperties[];
	/** One input item's preparation: read (the parameter boundary) → check → build. No billed request is sent here. */
	prepare(
		this: IExecuteFunctions,
		itemIndex: number,
		signal: AbortSignal,
		run: RunSettings,
	): Promise<Prepared>;
}

/** What the router hands every item's preparation. */
export interface RunSettings {
	/** The deliveries' rules (what a delivery sends). */
	rulesOf: (delivery: Delivery) => DeliveryRules;
	/** What node-made trace IDs derive from (image operations; see `helpers/traceId.ts`). */
	traceSeed?: TraceSeed;
}
