import type { IExecuteFunctions } from 'n8n-workflow';

import { readImageJob } from '../../helpers/parameters';
import type { Prepared } from '../../execution/types';
import { fieldsFor, imageRequest } from './request';
import { imageProperties } from './shared.description';

export const description = imageProperties('generate');

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Prepared> {
	const job = readImageJob(this, itemIndex, 'generate');
	const fields = fieldsFor(job);
	return { kind: 'request', request: await imageRequest(job, 'generations', fields, { fields }) };
}
