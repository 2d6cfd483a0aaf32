import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { answerToItems } from '../../helpers/output';
import { readOutputOptions, secondsOption } from '../../helpers/parameters';
import { AceDataClient } from '../../transport/client';
import { isFinished, taskFailure } from '../../transport/polling';
import {
	binaryPropertyOption,
	downloadImagesOption,
	fileNameOption,
	maxDownloadOption,
	outputLayoutOption,
	timeoutOption,
} from '../output.description';
import type { Outcome } from '../types';

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
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [binaryPropertyOption, downloadImagesOption, fileNameOption, maxDownloadOption, outputLayoutOption, timeoutOption],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number, signal?: AbortSignal): Promise<Outcome> {
	const idOrTrace = String(this.getNodeParameter('taskId', itemIndex, '')).trim();
	if (!idOrTrace) {
		throw new NodeOperationError(this.getNode(), 'Parameter "Task ID" is required', { itemIndex });
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const client = await AceDataClient.create(this, itemIndex, secondsOption(this, itemIndex, options, 'timeout'), signal);
	// A trace ID works too: it is what names a job whose submission lost its answer.
	const record = (await client.retrieveTask(idOrTrace)) ?? (await client.retrieveByTrace(idOrTrace));
	if (!record) {
		throw client.apiError({
			code: 'task_not_found',
			apiMessage: `AceData knows no task or trace ID "${idOrTrace}": check the ID and that the credential is the one that submitted it`,
			taskId: idOrTrace,
			source: 'node',
		});
	}
	const taskId = typeof record.id === 'string' ? record.id : idOrTrace;
	const traceId = record.trace_id ?? record.response?.trace_id;
	if (!isFinished(record)) {
		const json: IDataObject = { taskId, status: 'running' };
		if (traceId) json.traceId = traceId;
		return { items: [{ json, pairedItem: { item: itemIndex } }] };
	}
	const failure = taskFailure(client, record, taskId);
	if (failure) throw failure;
	const answer = record.response ?? {};
	const request = record.request ?? {};
	return {
		items: await answerToItems(
			this,
			client,
			answer,
			{
				itemIndex,
				model: String(answer.model ?? request.model ?? ''),
				prompt: String(request.prompt ?? ''),
				taskId,
				traceId,
			},
			{ ...readOutputOptions(options), outputFormat: request.output_format as string | undefined },
		),
	};
}
