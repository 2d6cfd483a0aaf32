import type { IDataObject } from 'n8n-workflow';

import { asFailure, parameterFailure } from '../../failure/failure';
import { requestFingerprint, type FileIdentity } from '../../helpers/fingerprint';
import type { ImageJob } from '../../helpers/parameters';
import { buildImageFields } from '../../helpers/requestBody';
import { ImageRequestValidationError, validateImageRequest } from '../../models/validation';
import type { MultipartBody } from '../../transport/multipart';
import type { DeliveryRules, ImageRequest } from '../../execution/types';
import type { Delivery } from '../../models/defaults';

/** Refuses a combination the model does not accept, before anything is sent or billed. */
export function assertValid(check: () => void): void {
	try {
		check();
	} catch (error) {
		throw error instanceof ImageRequestValidationError
			? parameterFailure(error.parameter, error.message)
			: asFailure(error);
	}
}

/** The request's JSON fields for the job's delivery (`async` when it asks for a task). */
export function fieldsFor(
	job: ImageJob,
	rulesOf: (delivery: Delivery) => DeliveryRules,
): IDataObject {
	assertValid(() => validateImageRequest(job.input));
	return buildImageFields(job.input, rulesOf(job.delivery).sendsAsync);
}

/** What else an image request carries besides its body: its form fields and files (an edit), headers, notices. */
export interface RequestParts {
	/** The request's fields (the JSON body itself, or a multipart form's text fields). */
	fields: IDataObject;
	files?: FileIdentity[];
	headers?: IDataObject;
	/** What its items should tell the user. */
	notices?: string[];
}

/** One billed image request as plain data, for the pipeline, with the fingerprint that identifies it across tries. */
export async function imageRequest(
	job: ImageJob,
	endpoint: 'generations' | 'edits',
	body: IDataObject | MultipartBody,
	parts: RequestParts,
): Promise<ImageRequest> {
	// Made up by the node for this try: a retried try makes them anew, and they do not change what is asked.
	const nodeMade = [
		...(job.traceIdGiven ? [] : ['trace_id']),
		...(job.delivery === 'callback' ? ['callback_url'] : []),
	];
	const notices = parts.notices ?? [];
	return {
		itemIndex: job.itemIndex,
		endpoint,
		body,
		headers: parts.headers,
		traceId: job.input.traceId as string,
		traceIdMadeByNode: !job.traceIdGiven,
		fingerprint: await requestFingerprint({
			endpoint,
			fields: parts.fields,
			files: parts.files,
			nodeMade,
		}),
		imagesAsked: job.input.n ?? 1,
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
