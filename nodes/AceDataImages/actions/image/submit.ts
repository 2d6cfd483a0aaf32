import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { ImageJob } from '../../helpers/parameters';
import { answerToItems } from '../../helpers/output';
import { ImageRequestValidationError, validateImageRequest, type Delivery } from '../../models/validation';
import type { AceDataClient } from '../../transport/client';
import type { MultipartBody } from '../../transport/multipart';
import type { AsyncAcknowledgement, ImagesAnswer } from '../../transport/types';
import type { ImageSubmission, JobIds } from '../types';
import { assertReachable, awaitingItem } from './callback';

/** Submit and Callback are done with a job once AceData has it: its images come later (Task › Get, the callback). */
export function confirmsOnAcceptance(delivery: Delivery): boolean {
	return delivery === 'submit' || delivery === 'callback';
}

export function isAcknowledgement(answer: ImagesAnswer | AsyncAcknowledgement): answer is AsyncAcknowledgement {
	return typeof answer.task_id === 'string' && !Array.isArray((answer as ImagesAnswer).data);
}

/** Refuses a combination the model does not accept, before anything is sent or billed. */
export function assertValid(ctx: IExecuteFunctions, job: ImageJob, extraCheck?: () => void): void {
	try {
		validateImageRequest(job.input);
		extraCheck?.();
	} catch (error) {
		if (error instanceof ImageRequestValidationError) {
			throw new NodeOperationError(ctx.getNode(), error.message, {
				itemIndex: job.itemIndex,
				description: 'Nothing was sent to AceData and nothing was billed.',
			});
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: job.itemIndex });
	}
}

/** One billed image request, ready for the runner: how to send it and how to turn its result into items. */
export function imageSubmission(
	ctx: IExecuteFunctions,
	client: AceDataClient,
	job: ImageJob,
	endpoint: 'generations' | 'edits',
	body: IDataObject | MultipartBody,
	headers?: IDataObject,
): { submission: ImageSubmission } {
	const context = { itemIndex: job.itemIndex, model: job.input.modelId, prompt: job.input.prompt };
	if (job.delivery === 'callback') assertReachable(ctx, job.itemIndex, job.input.callbackUrl ?? '', client.baseUrl);
	return {
		submission: {
			client,
			endpoint,
			body,
			headers,
			traceId: job.input.traceId as string,
			delivery: job.delivery,
			poll: job.poll,
			emit: async (answer: ImagesAnswer, ids: JobIds) =>
				await answerToItems(ctx, client, answer, { ...context, ...ids }, job.output),
			submitted: ({ taskId, traceId }: JobIds) => {
				if (job.delivery === 'callback') {
					return [
						awaitingItem({
							taskId: taskId ?? '',
							traceId,
							context,
							output: job.output,
							timeoutSeconds: job.timeoutSeconds,
							maxWaitSeconds: job.poll.maxWaitSeconds,
						}),
					];
				}
				const json: IDataObject = { taskId, status: 'submitted', model: job.input.modelId, prompt: job.input.prompt };
				if (traceId) json.traceId = traceId;
				return [{ json, pairedItem: { item: job.itemIndex } }];
			},
		},
	};
}
