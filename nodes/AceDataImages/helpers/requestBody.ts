import type { IDataObject } from 'n8n-workflow';

import type { ImageRequestInput } from '../models/validation';

/** Node parameter → AceData's snake_case field. Only fields the user set go on the wire. */
const WIRE_NAMES: Array<[keyof ImageRequestInput, string]> = [
	['prompt', 'prompt'],
	['n', 'n'],
	['size', 'size'],
	['quality', 'quality'],
	['style', 'style'],
	['background', 'background'],
	['moderation', 'moderation'],
	['outputFormat', 'output_format'],
	['outputCompression', 'output_compression'],
	['partialImages', 'partial_images'],
	['responseFormat', 'response_format'],
	['inputFidelity', 'input_fidelity'],
	['callbackUrl', 'callback_url'],
	['traceId', 'trace_id'],
];

/** The JSON fields of a generation or edit request (`model` always; `async` when the delivery asks for a task). */
export function buildImageFields(input: ImageRequestInput, sendsAsync: boolean): IDataObject {
	const body: IDataObject = { model: input.modelId };
	for (const [parameter, wireName] of WIRE_NAMES) {
		const value = input[parameter];
		if (value === undefined || value === '') continue;
		body[wireName] = value as IDataObject[string];
	}
	if (input.operation === 'generate') delete body.input_fidelity;
	if (sendsAsync) body.async = true;
	return body;
}
