import type { IExecuteFunctions } from 'n8n-workflow';

import { parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import { DEFAULT_TASK_LIMIT, ID_PATTERN, MAX_TASK_LIMIT, labelOf } from '../../models/defaults';
import type { OutputOptions } from '../output';
import {
	optionalBoolean,
	optionalNumber,
	optionalText,
	readOptions,
	readParameter,
	refuse,
	splitList,
} from './coerce';
import { readOutputOptions, readTimeout } from './options';
import { optionalTime } from './timeZone';
import type { TaskFilter } from '../../transport/tasks';

/** Task › Get and Task › Get Many: which tasks to look up, read once per item. */

/** Task › Get. */
interface TaskJob {
	itemIndex: number;
	idOrTrace: string;
	output: OutputOptions;
	timeoutSeconds?: number;
}

/** Task › Get Many: which tasks, how many, and whether to download finished tasks' images. */
interface TaskListJob {
	itemIndex: number;
	filter: TaskFilter;
	limit: number;
	downloadImages: boolean;
	output: OutputOptions;
	timeoutSeconds?: number;
}

/** Task › Get: the task (or trace) ID and the output options. */
export function readTaskJob(ctx: IExecuteFunctions, itemIndex: number): TaskJob {
	const idOrTrace = optionalText('taskId', readParameter(ctx, 'taskId', itemIndex, ''));
	if (!idOrTrace)
		throw parameterFailure('taskId', words.required(labelOf('taskId')), words.NOTHING_LOOKED_UP);
	const options = readOptions(ctx, itemIndex);
	return {
		itemIndex,
		idOrTrace,
		output: readOutputOptions(options),
		timeoutSeconds: readTimeout(options),
	};
}

/** Task IDs or trace IDs: comma- or newline-separated, or an array from an expression; each checked. */
function optionalIdList(parameter: string, value: unknown): string[] | undefined {
	const ids = splitList(parameter, value);
	for (const id of ids) {
		if (!ID_PATTERN.test(id)) throw refuse(parameter, words.ID_LIST, id);
	}
	return ids.length ? [...new Set(ids)] : undefined;
}

/** Task › Get Many's filter: at least one of its parts, and Created After not after Created Before. */
function readTaskFilter(ctx: IExecuteFunctions, itemIndex: number): TaskFilter {
	const timeZone = typeof ctx.getTimezone === 'function' ? ctx.getTimezone() : 'UTC';
	const filter = {
		taskIds: optionalIdList('taskIds', readParameter(ctx, 'taskIds', itemIndex, '')),
		traceIds: optionalIdList('traceIds', readParameter(ctx, 'traceIds', itemIndex, '')),
		createdAfter: optionalTime(
			'createdAfter',
			readParameter(ctx, 'createdAfter', itemIndex, ''),
			timeZone,
		),
		createdBefore: optionalTime(
			'createdBefore',
			readParameter(ctx, 'createdBefore', itemIndex, ''),
			timeZone,
		),
	};
	if (
		!filter.taskIds &&
		!filter.traceIds &&
		filter.createdAfter === undefined &&
		filter.createdBefore === undefined
	) {
		throw parameterFailure('taskIds', words.GET_MANY_NEEDS_FILTER, words.NOTHING_LOOKED_UP);
	}
	if (
		filter.createdAfter !== undefined &&
		filter.createdBefore !== undefined &&
		filter.createdAfter > filter.createdBefore
	) {
		throw parameterFailure(
			'createdBefore',
			words.createdBeforeTooEarly(labelOf('createdBefore')),
			words.NOTHING_LOOKED_UP,
		);
	}
	return filter;
}

/** Task › Get Many: the filter, the limit and the output options, read once. */
export function readTaskListJob(ctx: IExecuteFunctions, itemIndex: number): TaskListJob {
	const filter = readTaskFilter(ctx, itemIndex);
	const options = readOptions(ctx, itemIndex);
	const limit =
		optionalNumber('limit', readParameter(ctx, 'limit', itemIndex, DEFAULT_TASK_LIMIT), {
			min: 1,
			max: MAX_TASK_LIMIT,
			integer: true,
			what: 'wholeNumber',
		}) ?? DEFAULT_TASK_LIMIT;
	return {
		itemIndex,
		filter,
		limit,
		downloadImages: optionalBoolean(
			'downloadImages',
			readParameter(ctx, 'downloadImages', itemIndex, false),
			false,
		),
		output: { ...readOutputOptions(options), downloadImages: true },
		timeoutSeconds: readTimeout(options),
	};
}
