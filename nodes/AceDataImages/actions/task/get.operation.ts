import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import * as words from '../../failure/words';
import { recordOutcome, taskContext } from '../../helpers/taskOutcome';
import { readTaskJob } from '../../helpers/parameters';
import { AceDataClient } from '../../transport/client';
import {
	binaryPropertyOption,
	downloadImagesOption,
	fileNameOption,
	fileOptions,
	maxDownloadOption,
	outputLayoutOption,
	timeoutOption,
} from '../output.description';
import type { Prepared } from '../../execution/types';

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
	fileOptions(show, [
		binaryPropertyOption,
		downloadImagesOption,
		fileNameOption,
		maxDownloadOption,
		outputLayoutOption,
		timeoutOption,
	]),
];

/** Free: a task by its ID, or the job a trace ID names. Finished → its images; running → its status; failed → an error. */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
): Promise<Prepared> {
	const job = readTaskJob(this, itemIndex);
	const client = await AceDataClient.create(this, {
		itemIndex,
		timeoutSeconds: job.timeoutSeconds,
		signal,
	});
	// A trace ID works too: it is what names a job whose submission lost its answer.
	const record =
		(await client.retrieveTask(job.idOrTrace)) ?? (await client.retrieveByTrace(job.idOrTrace));
	if (!record) {
		throw client.failure({
			kind: 'wait',
			code: 'task_not_found',
			text: words.taskOrTraceUnknown(job.idOrTrace),
			taskId: job.idOrTrace,
		});
	}
	const outcome = await recordOutcome(
		this,
		client,
		record,
		taskContext(record, itemIndex),
		job.output,
	);
	if (outcome.kind === 'failed') throw outcome.failure;
	if (outcome.kind === 'images') return { kind: 'items', items: outcome.items };
	const json: IDataObject = { taskId: record.id, status: 'running' };
	if (record.traceId) json.traceId = record.traceId;
	if (record.type) json.type = record.type;
	return { kind: 'items', items: [{ json, pairedItem: { item: itemIndex } }] };
}
