import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { answerToItems, type ImageContext } from '../../helpers/output';
import { readTaskJob } from '../../helpers/parameters';
import { AceDataClient } from '../../transport/client';
import type { TaskRecord } from '../../transport/types';
import {
	binaryPropertyOption,
	downloadImagesOption,
	fileNameOption,
	fileOptions,
	maxDownloadOption,
	outputLayoutOption,
	timeoutOption,
} from '../output.description';
import type { Prepared } from '../types';

const show = { resource: ['task'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 5a0ee2a2-8b1f-4a6e-9d6c-2b0d8f2f5c11',
		description:
			'The task ID from a Submit or Poll run or from the callback, or the trace ID an error named for a job whose answer was lost',
		displayOptions: { show },
	},
	fileOptions(show, [binaryPropertyOption, downloadImagesOption, fileNameOption, maxDownloadOption, outputLayoutOption, timeoutOption]),
];

/** What a finished task's images say about it: its model, prompt, IDs, type, and how many images were asked. */
export function taskContext(record: TaskRecord, itemIndex: number): ImageContext {
	const answer = record.result?.kind === 'images' ? record.result.answer : undefined;
	const request = record.request;
	return {
		itemIndex,
		model: answer?.model ?? request.model ?? '',
		prompt: request.prompt ?? '',
		taskId: record.id,
		traceId: record.traceId ?? answer?.traceId,
		// The record's `n`, or 1 when its request was kept without one (AceData's default).
		imagesRequested: request.n ?? (request.prompt !== undefined ? 1 : undefined),
		taskType: record.type,
	};
}

/** Free: a task by its ID, or the job a trace ID names. Finished → its images; running → its status; failed → an error. */
export async function prepare(this: IExecuteFunctions, itemIndex: number, signal: AbortSignal): Promise<Prepared> {
	const job = readTaskJob(this, itemIndex);
	const client = await AceDataClient.create(this, { itemIndex, timeoutSeconds: job.timeoutSeconds, signal });
	// A trace ID works too: it is what names a job whose submission lost its answer.
	const record = (await client.retrieveTask(job.idOrTrace)) ?? (await client.retrieveByTrace(job.idOrTrace));
	if (!record) {
		throw client.failure({
			kind: 'wait',
			code: 'task_not_found',
			text: `AceData knows no task or trace ID "${job.idOrTrace}": check the ID and that the credential is the one that submitted it. AceData purges old tasks after its retention period, so an old task may be gone (its image URLs, if you kept them, are not affected)`,
			taskId: job.idOrTrace,
		});
	}
	const taskId = record.id;
	const traceId = record.traceId;
	const result = record.result;
	if (!result) {
		const json: IDataObject = { taskId, status: 'running' };
		if (traceId) json.traceId = traceId;
		if (record.type) json.type = record.type;
		return { kind: 'items', items: [{ json, pairedItem: { item: itemIndex } }] };
	}
	if (result.kind === 'failed') {
		throw client.failure({ kind: 'task', code: result.code, text: result.message, taskId, traceId });
	}
	const items = await answerToItems(
		this,
		client,
		result.answer,
		taskContext(record, itemIndex),
		{ ...job.output, outputFormat: record.request.outputFormat },
	);
	return { kind: 'items', items };
}
