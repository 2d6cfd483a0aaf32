import type { IExecuteFunctions } from 'n8n-workflow';

import { readImageJob } from '../../helpers/parameters';
import type { DeliveryRules, Prepared } from '../../execution/types';
import type { Delivery } from '../../models/defaults';
import { fieldsFor, imageRequest } from './request';
import { imageProperties } from './shared.description';

export const description = imageProperties('generate');

export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	_signal: AbortSignal,
	rulesOf: (delivery: Delivery) => DeliveryRules,
): Promise<Prepared> {
	const job = readImageJob(this, itemIndex, 'generate');
	const fields = fieldsFor(job, rulesOf);
	return { kind: 'request', request: await imageRequest(job, 'generations', fields, { fields }) };
}
