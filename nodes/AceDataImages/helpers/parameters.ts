import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { PARAMETER_LABELS, type Delivery, type ImageRequestInput } from '../models/validation';
import { DEFAULT_MAX_DOWNLOAD_MB } from '../actions/output.description';
import { callbackUrlFor } from '../actions/image/callback';
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
/** Input items in flight at once, at most. */
export const MAX_CONCURRENCY = 20;
export const DEFAULT_MAX_WAIT_SECONDS = 1800;

function optionalString(value: unknown): string | undefined {
	if (value === undefined || value === null) return undefined;
	const text = String(value).trim();
	return text === '' ? undefined : text;
}

/** Unset → undefined; a number or a numeric string → the number; anything else (`"soon"`, `" "`) → NaN. */
export function optionalNumber(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return value;
	const text = String(value).trim();
	return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

/** A positive number of seconds, or undefined when unset; anything else is refused naming the parameter. */
export function secondsOption(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	key: 'pollInterval' | 'maxWait' | 'timeout',
): number | undefined {
	const value = optionalNumber(options[key]);
	if (value === undefined) return undefined;
	if (!Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Parameter "${PARAMETER_LABELS[key]}" must be a number of seconds above 0 and at most ${MAX_SECONDS} (got ${JSON.stringify(options[key])})`,
			{ itemIndex, description: 'Nothing was sent to AceData and nothing was billed.' },
		);
	}
	return value;
}

function positive(value: number | undefined): number | undefined {
	return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** One day: no wait or request of the node is longer. */
const MAX_SECONDS = 86_400;

/** A trace ID for a billed request the user gave none for: how AceData can be asked about it if the answer is lost. */
export function newTraceId(): string {
	return crypto.randomUUID();
}

export function readOutputOptions(options: IDataObject): OutputOptions {
	return {
		binaryPropertyName: optionalString(options.binaryPropertyName) ?? 'data',
		outputLayout: (optionalString(options.outputLayout) as OutputLayout | undefined) ?? 'itemPerImage',
		downloadImages: options.downloadImages !== false,
		fileName: optionalString(options.fileName),
		outputFormat: optionalString(options.outputFormat),
		maxDownloadBytes: (positive(optionalNumber(options.maxDownloadMb)) ?? DEFAULT_MAX_DOWNLOAD_MB) * 1024 * 1024,
	};
}

export function readPollSettings(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): PollSettings {
	return {
		intervalSeconds: secondsOption(ctx, itemIndex, options, 'pollInterval') ?? DEFAULT_POLL_INTERVAL_SECONDS,
		maxWaitSeconds: secondsOption(ctx, itemIndex, options, 'maxWait') ?? DEFAULT_MAX_WAIT_SECONDS,
	};
}

/** Everything one input item asks of an image operation, read once, before any check or request. */
export function readImageJob(ctx: IExecuteFunctions, itemIndex: number, operation: 'generate' | 'edit'): ImageJob {
	const model = String(ctx.getNodeParameter('model', itemIndex));
	const customModel = model === 'custom' ? String(ctx.getNodeParameter('customModel', itemIndex, '')).trim() : '';
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const delivery = ctx.getNodeParameter('delivery', itemIndex, 'wait') as Delivery;
	if (delivery === 'callback' && optionalString(options.callbackUrl)) {
		throw new NodeOperationError(ctx.getNode(), `Parameter "${PARAMETER_LABELS.callbackUrl}" must be empty with delivery "Wait for AceData's Callback"`, {
			itemIndex,
			description: "The node sets the callback to this execution's own resume URL. Nothing was sent to AceData and nothing was billed.",
		});
	}
	const input: ImageRequestInput = {
		operation,
		model,
		modelId: model === 'custom' ? customModel : model,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		n: optionalNumber(ctx.getNodeParameter('n', itemIndex, 1)) ?? Number.NaN,
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
		callbackUrl: delivery === 'callback' ? callbackUrlFor(ctx, itemIndex) : optionalString(options.callbackUrl),
		traceId: optionalString(options.traceId) ?? newTraceId(),
	};
	return {
		itemIndex,
		input,
		delivery,
		output: readOutputOptions(options),
		poll: readPollSettings(ctx, itemIndex, options),
		timeoutSeconds: secondsOption(ctx, itemIndex, options, 'timeout'),
		options,
	};
}
