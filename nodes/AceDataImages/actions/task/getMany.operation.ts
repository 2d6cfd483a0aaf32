import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { Failure } from '../../failure/failure';
import { lookupFailureMessage } from '../../failure/report';
import * as words from '../../failure/words';
import { roundAmount } from '../../helpers/output';
import { readTaskListJob } from '../../helpers/parameters';
import { recordOutcome, taskContext } from '../../helpers/taskOutcome';
import { MAX_TASK_LIMIT, PARAMETER_LABELS } from '../../models/defaults';
import { AceDataClient } from '../../transport/client';
import type { TaskListing } from '../../transport/tasks';
import type { TaskRecord } from '../../transport/types';
import {
	binaryPropertyOption,
	fileNameOption,
	fileOptions,
	maxDownloadOption,
	outputLayoutOption,
	timeoutOption,
} from '../output.description';
import type { Prepared } from '../../execution/types';

const show = { resource: ['task'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{
		displayName: PARAMETER_LABELS.taskIds,
		name: 'taskIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. 5a0ee2a2-…, 9c1d…',
		description:
			'Task IDs, comma- or newline-separated (or an array from an expression). Leave empty to list by trace ID or time.',
		displayOptions: { show },
	},
	{
		displayName: PARAMETER_LABELS.traceIds,
		name: 'traceIds',
		type: 'string',
		default: '',
		description:
			'Trace IDs (the node gives every billed request one; errors name them), comma- or newline-separated',
		displayOptions: { show },
	},
	{
		displayName: PARAMETER_LABELS.createdAfter,
		name: 'createdAfter',
		type: 'dateTime',
		default: '',
		description:
			"Only tasks created at or after this time (in the workflow's time zone), e.g. everything since 10:00",
		displayOptions: { show },
	},
	{
		displayName: PARAMETER_LABELS.createdBefore,
		name: 'createdBefore',
		type: 'dateTime',
		default: '',
		description: 'Only tasks created at or before this time',
		displayOptions: { show },
	},
	{
		displayName: PARAMETER_LABELS.limit,
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_TASK_LIMIT },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
	{
		displayName: 'Download Images',
		name: 'downloadImages',
		type: 'boolean',
		default: false,
		description:
			'Whether to emit the finished tasks’ images as files, as Task › Get does (one item per image); off: one item per task with its image URLs',
		displayOptions: { show },
	},
	fileOptions(show, [
		binaryPropertyOption,
		fileNameOption,
		maxDownloadOption,
		outputLayoutOption,
		timeoutOption,
	]),
];

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** One task as an item: short and URL-first, what an AI Agent can read out and a spreadsheet can hold. */
function taskItem(record: TaskRecord, itemIndex: number): INodeExecutionData {
	const result = record.result;
	const status = !result ? 'running' : result.kind === 'failed' ? 'failed' : 'succeeded';
	const json: IDataObject = { taskId: record.id, status };
	if (result?.kind === 'images') {
		const urls = result.answer.images
			.map((image) => image.url)
			.filter((url): url is string => !!url);
		if (urls.length) json.urls = urls;
		json.imagesReturned = result.answer.images.length;
	}
	// Not `error`: that marks the node's own error items (Continue On Fail); this is the task's outcome at AceData.
	if (result?.kind === 'failed') json.failure = { code: result.code, message: result.message };
	if (record.traceId) json.traceId = record.traceId;
	const model =
		(result?.kind === 'images' ? result.answer.model : undefined) ?? record.request.model;
	if (model) json.model = model;
	if (record.request.prompt !== undefined) json.prompt = record.request.prompt;
	if (record.type) json.type = record.type;
	json.createdAt = iso(record.createdAt) ?? null;
	json.finishedAt = iso(record.finishedAt) ?? null;
	const cost = record.cost ?? (result?.kind === 'images' ? result.answer.cost : undefined);
	if (cost) json.cost = { amount: roundAmount(cost.amount), currency: cost.currency };
	else if (record.costUnreadable) json.notice = words.costUnreadable(record.costUnreadable);
	if (result?.kind === 'images' && result.answer.usage) json.usage = result.answer.usage;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Free: the tasks a list of IDs, trace IDs or a time window selects, one item per task (running, succeeded or
 * failed, with cost and usage where AceData gives them); with Download Images, the finished tasks' images as files
 * exactly as Task › Get emits them. The recovery tool: "everything since 10:00".
 */
export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	signal: AbortSignal,
): Promise<Prepared> {
	const job = readTaskListJob(this, itemIndex);
	const client = await AceDataClient.create(this, {
		itemIndex,
		timeoutSeconds: job.timeoutSeconds,
		signal,
	});
	// Every task asked for by ID is listed, whatever the Limit: the Limit bounds listings by time or trace ID.
	const limit = Math.max(job.limit, job.filter.taskIds?.length ?? 0);
	const listing = await client.listTasks(job.filter, limit);
	addHints(this, itemIndex, listingHints(listing, job.filter.taskIds));
	const items: INodeExecutionData[] = [];
	for (const record of listing.records) {
		if (record instanceof Failure) continue;
		if (!job.downloadImages || record.result?.kind !== 'images') {
			items.push(taskItem(record, itemIndex));
			continue;
		}
		// Each task is its own outcome: one whose images cannot be had is its item with the reason, the others go on.
		const outcome = await recordOutcome(
			this,
			client,
			record,
			taskContext(record, itemIndex),
			job.output,
		);
		if (outcome.kind === 'images') items.push(...outcome.items);
		else if (outcome.kind === 'failed')
			items.push(withFailure(taskItem(record, itemIndex), outcome.failure));
	}
	return { kind: 'items', items };
}

/** A finished task whose images could not be emitted: its listing item, saying why (`failure`, as a failed task). */
function withFailure(item: INodeExecutionData, failure: Failure): INodeExecutionData {
	item.json.failure = { code: failure.data.code, message: lookupFailureMessage(failure.data) };
	return item;
}

/** What the listing left out or could not read, and whether more tasks exist than were listed. */
function listingHints(listing: TaskListing, taskIds: string[] | undefined): string[] {
	const hints: string[] = [];
	const unreadable = listing.records.filter((entry): entry is Failure => entry instanceof Failure);
	if (unreadable.length) {
		hints.push(words.unreadableRecords(unreadable.map((failure) => failure.data.taskId)));
	}
	if (listing.dropped) hints.push(words.droppedRecords(listing.dropped));
	const missing = (taskIds ?? []).filter(
		(id) =>
			!listing.records.some(
				(entry) => (entry instanceof Failure ? entry.data.taskId : entry.id) === id,
			),
	);
	if (missing.length) hints.push(words.purgedTasks(missing));
	if (listing.more) {
		const more = listing.total !== undefined ? listing.total - listing.records.length : undefined;
		hints.push(words.moreTasks(listing.records.length, more, MAX_TASK_LIMIT));
	}
	return hints;
}

function addHints(ctx: IExecuteFunctions, itemIndex: number, hints: string[]): void {
	if (!hints.length || typeof ctx.addExecutionHints !== 'function') return;
	ctx.addExecutionHints(
		...hints.map((message) => ({
			message: words.itemHint(itemIndex + 1, message),
			type: 'warning' as const,
			location: 'outputPane' as const,
		})),
	);
}
