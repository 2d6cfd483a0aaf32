import type { IExecuteFunctions } from 'n8n-workflow';

import { readImageJob } from '../../helpers/parameters';
import type { Prepared } from '../../execution/types';
import type { RunSettings } from '../types';
import { fieldsFor, imageRequest } from './request';
import { imageProperties } from './shared.description';

export const description = imageProperties('generate');

export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	_signal: AbortSignal,
	run: RunSettings,
): Promise<Prepared> {
	const job = readImageJob(this, itemIndex, 'generate', run.traceSeed);
	const fields = fieldsFor(job, run.rulesOf);
	return { kind: 'request', request: await imageRequest(job, 'generations', fields, { fields }) };
}
