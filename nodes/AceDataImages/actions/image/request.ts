import type { IDataObject } from 'n8n-workflow';

import { asFailure, parameterFailure } from '../../failure/failure';
import type { ImageJob } from '../../helpers/parameters';
import { buildImageFields } from '../../helpers/requestBody';
import { ImageRequestValidationError, validateImageRequest } from '../../models/validation';
import type { MultipartBody } from '../../transport/multipart';
import { DELIVERY_MODULES } from '../delivery';
import type { ImageRequest } from '../types';

/** Refuses a combination the model does not accept, before anything is sent or billed. */
export function assertValid(check: () => void): void {
	try {
		check();
	} catch (error) {
		throw error instanceof ImageRequestValidationError ? parameterFailure(error.parameter, error.message) : asFailure(error);
	}
}

/** The request's JSON fields for the job's delivery (`async` when it asks for a task). */
export function fieldsFor(job: ImageJob): IDataObject {
	assertValid(() => validateImageRequest(job.input));
	return buildImageFields(job.input, DELIVERY_MODULES[job.delivery].sendsAsync);
}

/** One billed image request as plain data, for the pipeline. `notices`: what its items should tell the user. */
export function imageRequest(
	job: ImageJob,
	endpoint: 'generations' | 'edits',
	body: IDataObject | MultipartBody,
	headers?: IDataObject,
	notices: string[] = [],
): ImageRequest {
	return {
		itemIndex: job.itemIndex,
		endpoint,
		body,
		headers,
		traceId: job.input.traceId as string,
		callbackUrl: job.input.callbackUrl,
		delivery: job.delivery,
		wait: job.wait,
		output: job.output,
		context: {
			itemIndex: job.itemIndex,
			model: job.input.modelId,
			prompt: job.input.prompt,
			imagesRequested: job.input.n,
			...(notices.length ? { notices } : {}),
		},
		timeoutSeconds: job.timeoutSeconds,
	};
}
