import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { describeValue, parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import { MAX_CONCURRENCY, MAX_IMAGES_CAP, labelOf } from '../../models/defaults';
import { isUnset, oneOf, optionalNumber, readOptions, readParameter, requiredText } from './coerce';

/** Node-level settings: read once, from the first item, before any item runs. */

interface NodeSettings {
	resource: string;
	operation: string;
}

export function readNodeSettings(ctx: IExecuteFunctions): NodeSettings {
	const resource = oneOf(
		'resource',
		readParameter(ctx, 'resource', 0, 'image'),
		['image', 'task'],
		'image',
	);
	const operation = requiredText(
		'operation',
		readParameter(ctx, 'operation', 0, resource === 'task' ? 'get' : 'generate'),
	);
	return { resource, operation };
}

/** Concurrency: a node-level option, read from the first item. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = readOptions(ctx, 0);
	return (
		optionalNumber('concurrency', options.concurrency, {
			min: 1,
			max: MAX_CONCURRENCY,
			integer: true,
			what: 'wholeNumber',
		}) ?? 1
	);
}

/** Max Images per Run: a node-level option, read from the first item; undefined: no cap. */
export function readImageCap(ctx: IExecuteFunctions): number | undefined {
	const options = readOptions(ctx, 0);
	const value = options.maxImagesPerRun;
	const rule = { min: 1, max: MAX_IMAGES_CAP, integer: true, what: 'wholeNumber' as const };
	if (!isUnset(value)) return optionalNumber('maxImagesPerRun', value, rule);
	// Fails closed: only an option the user did not add means "no cap"; one that resolved to nothing is an error.
	const written = (ctx.getNode().parameters?.options as IDataObject | undefined)?.maxImagesPerRun;
	if (written === undefined && !Object.prototype.hasOwnProperty.call(options, 'maxImagesPerRun'))
		return undefined;
	throw parameterFailure(
		'maxImagesPerRun',
		words.maxImagesInvalid(
			labelOf('maxImagesPerRun'),
			MAX_IMAGES_CAP,
			describeValue(value),
			typeof written === 'string' ? written.trim().replace(/^=/, '') : undefined,
		),
		words.MAX_IMAGES_INVALID_HINT,
	);
}
