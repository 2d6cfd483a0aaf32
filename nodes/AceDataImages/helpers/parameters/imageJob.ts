import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import {
	DEFAULT_BINARY_PROPERTY,
	DELIVERIES,
	MAX_TRACE_ID_LENGTH,
	labelOf,
	type Delivery,
} from '../../models/defaults';
import type { EditUrl, ImageRequestInput } from '../../models/validation';
import type { OutputOptions } from '../output';
import { derivedTraceId, type TraceSeed } from '../traceId';
import { callbackUrlFor } from './callbackUrl';
import {
	oneOf,
	optionalNumber,
	optionalText,
	readOptions,
	readParameter,
	requiredText,
	splitList,
	splitUrls,
} from './coerce';
import { imageUrl } from './dataUrl';
import { readOutputOptions, readTimeout, readWaitSettings, type WaitSettings } from './options';

/** Image › Generate and Image › Edit: everything one input item asks, read once, before any check or request. */

/** Where an edit's input images come from. */
type EditSources =
	| { source: 'binary'; properties: string[]; maskProperty?: string }
	| { source: 'url'; urls: EditUrl[]; maskProperty?: string };

/** The Options that shape the images (quality, style, format, ...), as the request carries them. */
function readImageOptions(
	options: IDataObject,
	operation: 'generate' | 'edit',
): Partial<ImageRequestInput> {
	return {
		quality: optionalText('quality', options.quality),
		style: optionalText('style', options.style),
		background: optionalText('background', options.background),
		moderation: optionalText('moderation', options.moderation),
		outputFormat: optionalText('outputFormat', options.outputFormat),
		outputCompression: optionalNumber('outputCompression', options.outputCompression, {
			min: 0,
			max: 100,
			integer: true,
			what: 'percentage',
		}),
		partialImages: optionalNumber('partialImages', options.partialImages, {
			min: 0,
			max: 3,
			integer: true,
			what: 'wholeNumber',
		}),
		responseFormat: optionalText('responseFormat', options.responseFormat),
		inputFidelity:
			operation === 'edit' ? optionalText('inputFidelity', options.inputFidelity) : undefined,
	};
}

/** Everything one input item asks of an image operation. */
export interface ImageJob {
	itemIndex: number;
	input: ImageRequestInput;
	delivery: Delivery;
	output: OutputOptions;
	wait: WaitSettings;
	timeoutSeconds?: number;
	/** Edit only. */
	edit?: EditSources;
	/** The user set the Trace ID (otherwise the node made one up for this try). */
	traceIdGiven: boolean;
}

/** Number of Images: a whole number from 1 to 10 (1 when unset), or refused. */
function imageCount(ctx: IExecuteFunctions, itemIndex: number): number {
	return (
		optionalNumber('n', readParameter(ctx, 'n', itemIndex, 1), {
			min: 1,
			max: 10,
			integer: true,
			what: 'wholeNumber',
		}) ?? 1
	);
}

/** How many images an item asks for (Number of Images), or undefined when it cannot be read (the item fails on its own). */
export function readImageCount(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	try {
		return imageCount(ctx, itemIndex);
	} catch {
		return undefined;
	}
}

/**
 * A trace ID for a billed request the user gave none for: how AceData can be asked about it if the answer is lost.
 * Derived from the run's seed and what the item asks (not the callback URL, which is each execution's own), so that a
 * retried execution can find what a sibling retry paid for; random where there is no seed.
 */
function newTraceId(
	seed: TraceSeed | undefined,
	itemIndex: number,
	input: ImageRequestInput,
): string {
	if (!seed) return crypto.randomUUID();
	return derivedTraceId(seed, itemIndex, { ...input, traceId: undefined, callbackUrl: undefined });
}

/** The user's Callback URL option: refused with delivery Callback, where the node sets the callback itself. */
function readUserCallbackUrl(options: IDataObject, delivery: Delivery): string | undefined {
	const userCallbackUrl = optionalText('callbackUrl', options.callbackUrl);
	if (delivery === 'callback' && userCallbackUrl) {
		throw parameterFailure(
			'callbackUrl',
			words.callbackUrlMustBeEmpty(labelOf('callbackUrl')),
			words.CALLBACK_URL_SET_BY_NODE,
		);
	}
	return userCallbackUrl;
}

/** The user's Trace ID option, at most MAX_TRACE_ID_LENGTH characters; undefined when unset. */
function readTraceId(options: IDataObject): string | undefined {
	const traceId = optionalText('traceId', options.traceId);
	if (traceId !== undefined && traceId.length > MAX_TRACE_ID_LENGTH) {
		throw parameterFailure(
			'traceId',
			words.traceIdTooLong(labelOf('traceId'), MAX_TRACE_ID_LENGTH),
		);
	}
	return traceId;
}

/** Everything one input item asks of an image operation, read once, before any check or request. */
export function readImageJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: 'generate' | 'edit',
	traceSeed?: TraceSeed,
): ImageJob {
	const model = requiredText('model', readParameter(ctx, 'model', itemIndex)).trim();
	const customModel =
		model === 'custom'
			? (optionalText('customModel', readParameter(ctx, 'customModel', itemIndex, '')) ?? '')
			: '';
	const options = readOptions(ctx, itemIndex);
	const delivery = oneOf<Delivery>(
		'delivery',
		readParameter(ctx, 'delivery', itemIndex, 'wait'),
		DELIVERIES,
		'wait',
	);
	const userCallbackUrl = readUserCallbackUrl(options, delivery);
	const traceId = readTraceId(options);
	const n = imageCount(ctx, itemIndex);
	const input: ImageRequestInput = {
		operation,
		model,
		modelId: model === 'custom' ? customModel : model,
		prompt: requiredText('prompt', readParameter(ctx, 'prompt', itemIndex, '')),
		n,
		size: optionalText('size', readParameter(ctx, 'size', itemIndex, '')),
		...readImageOptions(options, operation),
		callbackUrl: delivery === 'callback' ? callbackUrlFor(ctx, itemIndex) : userCallbackUrl,
		traceId: traceId ?? '',
	};
	input.traceId = traceId ?? newTraceId(traceSeed, itemIndex, input);
	const job: ImageJob = {
		itemIndex,
		input,
		delivery,
		output: readOutputOptions(options),
		wait: readWaitSettings(options),
		timeoutSeconds: readTimeout(options),
		traceIdGiven: traceId !== undefined,
	};
	if (operation === 'edit') job.edit = readEditSources(ctx, itemIndex, options);
	return job;
}

/** Image › Edit: the input images (binary fields, or Image URLs) and the mask's binary field. */
function readEditSources(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): EditSources {
	const source = oneOf(
		'imageSource',
		readParameter(ctx, 'imageSource', itemIndex, 'binary'),
		['binary', 'url'],
		'binary',
	);
	const maskProperty = optionalText('maskBinaryPropertyName', options.maskBinaryPropertyName);
	if (source === 'url') {
		const urls = splitUrls('imageUrls', readParameter(ctx, 'imageUrls', itemIndex, '')).map((url) =>
			imageUrl('imageUrls', url),
		);
		return { source, urls, maskProperty };
	}
	const properties = splitList(
		'binaryPropertyNames',
		readParameter(ctx, 'binaryPropertyNames', itemIndex, DEFAULT_BINARY_PROPERTY),
	);
	return { source, properties, maskProperty };
}
