import type { IExecuteFunctions } from 'n8n-workflow';

import { readImageJob } from '../../helpers/parameters';
import { buildImageFields } from '../../helpers/requestBody';
import { AceDataClient } from '../../transport/client';
import type { Outcome } from '../types';
import { imageProperties } from './shared.description';
import { assertValid, imageSubmission } from './submit';

export const description = imageProperties('generate');

export async function execute(this: IExecuteFunctions, itemIndex: number, signal?: AbortSignal): Promise<Outcome> {
	const job = readImageJob(this, itemIndex, 'generate');
	assertValid(this, job);
	const client = await AceDataClient.create(this, itemIndex, job.timeoutSeconds, signal);
	return imageSubmission(this, client, job, 'generations', buildImageFields(job.input, job.delivery));
}
