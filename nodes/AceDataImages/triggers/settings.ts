import type { IDataObject } from 'n8n-workflow';

import type { OutputOptions } from '../helpers/output';
import {
	isUnset,
	oneOf,
	optionalNumber,
	optionalText,
	refuse,
	splitList,
} from '../helpers/parameters/coerce';
import { readOutputOptions, readTimeout } from '../helpers/parameters/options';
import type { TaskRecord } from '../transport/types';

export type TaskStatusFilter = 'any' | 'succeeded' | 'failed';

/** Which finished tasks start the workflow. */
export interface TaskFilters {
	traceIdPrefix?: string;
	models?: string[];
	status: TaskStatusFilter;
}

/** A trigger's Options, parsed once where they enter. */
export interface TriggerSettings {
	output: OutputOptions;
	timeoutSeconds?: number;
	filters: TaskFilters;
	/** Polling trigger: how far back its first poll looks, in minutes (0: from activation). */
	lookBackMinutes: number;
}

/** The longest look-back of a first poll: a week (AceData keeps task records for a limited time). */
const MAX_LOOK_BACK_MINUTES = 7 * 24 * 60;

/** The Options collection as n8n resolved it: an object, or nothing; anything else is refused naming it. */
export function readTriggerSettings(raw: unknown): TriggerSettings {
	if (!isUnset(raw) && (typeof raw !== 'object' || Array.isArray(raw)))
		throw refuse('options', 'a collection of options', raw);
	const options = (isUnset(raw) ? {} : raw) as IDataObject;
	const models = splitList('models', options.models);
	return {
		// A trigger has no input item to group images by: one item per image, always.
		output: { ...readOutputOptions(options), outputLayout: 'itemPerImage' },
		timeoutSeconds: readTimeout(options),
		filters: {
			traceIdPrefix: optionalText('traceIdPrefix', options.traceIdPrefix),
			models: models.length ? models : undefined,
			status: oneOf<TaskStatusFilter>(
				'taskStatus',
				options.taskStatus,
				['any', 'succeeded', 'failed'],
				'any',
			),
		},
		lookBackMinutes:
			optionalNumber('lookBackMinutes', options.lookBackMinutes, {
				min: 0,
				max: MAX_LOOK_BACK_MINUTES,
				what: 'minutes',
			}) ?? 0,
	};
}

/** The model a task record names: its answer's, or its request's. */
function modelOf(record: TaskRecord): string | undefined {
	return (
		(record.result?.kind === 'images' ? record.result.answer.model : undefined) ??
		record.request.model
	);
}

/** Whether a finished task is one the filters let through. */
export function passes(record: TaskRecord, filters: TaskFilters): boolean {
	const result = record.result;
	if (!result) return false;
	const status = result.kind === 'failed' ? 'failed' : 'succeeded';
	if (filters.status !== 'any' && filters.status !== status) return false;
	if (filters.traceIdPrefix && !(record.traceId ?? '').startsWith(filters.traceIdPrefix))
		return false;
	if (filters.models) {
		const model = modelOf(record);
		if (model === undefined || !filters.models.includes(model)) return false;
	}
	return true;
}
