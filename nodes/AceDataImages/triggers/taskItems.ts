import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Failure } from '../failure/failure';
import { lookupFailureMessage } from '../failure/report';
import type { OutputOptions } from '../helpers/output';
import { recordOutcome, taskContext } from '../helpers/taskOutcome';
import type { AceDataClient, NodeContext } from '../transport/client';
import type { TaskRecord } from '../transport/types';

/**
 * A finished task as a trigger emits it: its images exactly as Task › Get emits them (one item per image), or one
 * item `{ taskId, traceId, status: 'failed', failure }` for a task that failed at AceData. A succeeded task whose
 * images could not be had (an expired URL) is one item with its URLs and the `failure` that stopped them.
 */
export async function finishedTaskItems(
	ctx: NodeContext,
	client: AceDataClient,
	record: TaskRecord,
	output: OutputOptions,
): Promise<INodeExecutionData[]> {
	const outcome = await recordOutcome(ctx, client, record, taskContext(record, 0), output);
	if (outcome.kind === 'running') return [];
	if (outcome.kind === 'images') return outcome.items;
	return [{ json: failedTaskJson(record, outcome.failure, outcome.taskFailed) }];
}

function failedTaskJson(record: TaskRecord, failure: Failure, taskFailed: boolean): IDataObject {
	const json: IDataObject = {
		taskId: record.id,
		traceId: record.traceId ?? null,
		status: taskFailed ? 'failed' : 'succeeded',
		failure: {
			code: failure.data.code,
			message: taskFailed ? failure.data.text : lookupFailureMessage(failure.data),
		},
	};
	const model =
		(record.result?.kind === 'images' ? record.result.answer.model : undefined) ??
		record.request.model;
	if (model) json.model = model;
	if (record.request.prompt !== undefined) json.prompt = record.request.prompt;
	if (record.result?.kind === 'images') {
		const urls = record.result.answer.images
			.map((image) => image.url)
			.filter((url): url is string => !!url);
		if (urls.length) json.urls = urls;
	}
	return json;
}
