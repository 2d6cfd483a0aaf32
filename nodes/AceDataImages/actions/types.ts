import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DeliveryRules, Prepared } from '../execution/types';
import type { Delivery } from '../models/defaults';

export interface OperationModule {
	description: INodeProperties[];
	/**
	 * One input item's preparation: read (the parameter boundary) → check → build. No billed request is sent here.
	 * `rulesOf`: the deliveries' rules, as the router hands them over (what a delivery sends).
	 */
	prepare(
		this: IExecuteFunctions,
		itemIndex: number,
		signal: AbortSignal,
		rulesOf: (delivery: Delivery) => DeliveryRules,
	): Promise<Prepared>;
}
