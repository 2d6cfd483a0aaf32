import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { ImageJob } from '../../helpers/parameters';
import { answerToItems } from '../../helpers/output';
import { ImageRequestValidationError, validateImageRequest } from '../../models/validation';
import type { AceDataClient } from '../../transport/client';
import type { AsyncAcknowledgement, ImagesAnswer } from '../../transport/types';
import type { Outcome } from '../types';

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

/**
 * Sends one billed image request and turns the answer into items; an asynchronous answer (poll, submit,
 * or a callback URL) becomes a task the router waits for, or the submitted-task item.
 */
export async function submitImageJob(
	ctx: IExecuteFunctions,
	client: AceDataClient,
	job: ImageJob,
	endpoint: 'generations' | 'edits',
	body: IDataObject | Buffer,
	headers?: IDataObject,
): Promise<Outcome> {
	const answer = await client.submitImages(endpoint, body, headers);
	const context = {
		itemIndex: job.itemIndex,
		model: job.input.modelId,
		prompt: job.input.prompt,
		traceId: job.input.traceId,
	};
	if (!isAcknowledgement(answer)) {
		return { items: await answerToItems(ctx, client, answer, context, job.output) };
	}
	const taskId = answer.task_id;
	const traceId = answer.trace_id ?? job.input.traceId;
	if (job.delivery === 'submit') {
		const json: IDataObject = { taskId, status: 'submitted', model: job.input.modelId, prompt: job.input.prompt };
		if (traceId) json.traceId = traceId;
		return { items: [{ json, pairedItem: { item: job.itemIndex } }] };
	}
	return {
		task: { taskId, traceId, itemIndex: job.itemIndex, ...job.poll },
		emit: async (result) =>
			await answerToItems(ctx, client, result, { ...context, taskId, traceId }, job.output),
	};
}
