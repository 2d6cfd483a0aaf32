import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_FILE_NAME_TEMPLATE } from '../helpers/fileName';
import {
	DEFAULT_MAX_DOWNLOAD_MB,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_DOWNLOAD_MB,
	PARAMETER_LABELS,
} from '../models/defaults';

/** Options about the emitted files, shared by every operation that emits images. */

export const binaryPropertyOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field to put the image in (One Item per Input Item adds _0, _1, …)',
};

export const downloadImagesOption: INodeProperties = {
	displayName: 'Download Images',
	name: 'downloadImages',
	type: 'boolean',
	default: true,
	description:
		'Whether to download hosted image URLs into binary files. Off: URL answers are returned as JSON only (the links expire).',
};

export const maxDownloadOption: INodeProperties = {
	displayName: 'Max Download Size (MB)',
	name: 'maxDownloadMb',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_DOWNLOAD_MB },
	default: DEFAULT_MAX_DOWNLOAD_MB,
	description:
		'A hosted image larger than this is refused (AceData images are a few MB; its inputs are at most 50 MB). The whole download must also finish within Timeout.',
};

export const fileNameOption: INodeProperties = {
	displayName: 'File Name',
	name: 'fileName',
	type: 'string',
	default: DEFAULT_FILE_NAME_TEMPLATE,
	description:
		'File name template. Placeholders: {prompt} (slug), {number} (1-based), {index} (0-based), {item} (input item), {model}, {taskId}. The extension always matches the image type.',
};

export const outputLayoutOption: INodeProperties = {
	displayName: 'Output Layout',
	name: 'outputLayout',
	type: 'options',
	options: [
		{ name: 'One Item per Image', value: 'itemPerImage' },
		{ name: 'One Item per Input Item (All Its Images)', value: 'singleItem' },
	],
	default: 'itemPerImage',
};

export const timeoutOption: INodeProperties = {
	displayName: PARAMETER_LABELS.timeout,
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_TIMEOUT_SECONDS,
	description:
		'How long one HTTP request may take. Image models need 60–300 s, 4K several minutes.',
};

/** The Options collection of an operation that emits files: the given file options, shown with the operation. */
export function fileOptions(
	show: NonNullable<IDisplayOptions['show']>,
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options,
	};
}
