import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ModelId } from '../models/modelRules';
import type { Delivery, ImageRequestInput } from '../models/validation';
import type { OutputLayout, OutputOptions } from './output';

/** How long to wait for asynchronous tasks. */
export interface PollSettings {
	intervalSeconds: number;
	maxWaitSeconds: number;
}

export interface ImageJob {
	itemIndex: number;
	input: ImageRequestInput;
	delivery: Delivery;
	output: OutputOptions;
	poll: PollSettings;
	timeoutSeconds?: number;
	options: IDataObject;
}

export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const DEFAULT_MAX_WAIT_SECONDS = 1800;

function optionalString(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = String(value).trim();
	return text === '' ? undefined : text;
}

function optionalNumber(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	return typeof value === 'number' ? value : Number(value);
}

export function readOutputOptions(options: IDataObject): OutputOptions {
	return {
		binaryPropertyName: optionalString(options.binaryPropertyName) ?? 'data',
		outputLayout: (optionalString(options.outputLayout) as OutputLayout | undefined) ?? 'itemPerImage',
		downloadImages: options.downloadImages !== false,
		fileName: optionalString(options.fileName),
		outputFormat: optionalString(options.outputFormat),
	};
}

export function readPollSettings(options: IDataObject): PollSettings {
	return {
		intervalSeconds: optionalNumber(options.pollInterval) ?? DEFAULT_POLL_INTERVAL_SECONDS,
		maxWaitSeconds: optionalNumber(options.maxWait) ?? DEFAULT_MAX_WAIT_SECONDS,
	};
}

/** Everything one input item asks of an image operation, read once, before any check or request. */
export function readImageJob(ctx: IExecuteFunctions, itemIndex: number, operation: 'generate' | 'edit'): ImageJob {
	const model = ctx.getNodeParameter('model', itemIndex) as ModelId;
	const customModel = model === 'custom' ? String(ctx.getNodeParameter('customModel', itemIndex, '')).trim() : '';
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const input: ImageRequestInput = {
		operation,
		model,
		modelId: model === 'custom' ? customModel : model,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		n: Number(ctx.getNodeParameter('n', itemIndex, 1)),
		size: optionalString(ctx.getNodeParameter('size', itemIndex, '')),
		quality: optionalString(options.quality),
		style: optionalString(options.style),
		background: optionalString(options.background),
		moderation: optionalString(options.moderation),
		outputFormat: optionalString(options.outputFormat),
		outputCompression: optionalNumber(options.outputCompression),
		partialImages: optionalNumber(options.partialImages),
		responseFormat: optionalString(options.responseFormat),
		inputFidelity: operation === 'edit' ? optionalString(options.inputFidelity) : undefined,
		callbackUrl: optionalString(options.callbackUrl),
		traceId: optionalString(options.traceId),
	};
	return {
		itemIndex,
		input,
		delivery: ctx.getNodeParameter('delivery', itemIndex, 'wait') as Delivery,
		output: readOutputOptions(options),
		poll: readPollSettings(options),
		timeoutSeconds: optionalNumber(options.timeout),
		options,
	};
}
