import type { INodeProperties } from 'n8n-workflow';

import {
	binaryPropertyOption,
	downloadImagesOption,
	fileNameOption,
	maxDownloadOption,
	timeoutOption,
} from '../actions/output.description';

/** Which finished tasks start the workflow: a workflow can receive only its own jobs. */
const filterOptions: INodeProperties[] = [
	{
		displayName: 'Trace ID Starts With',
		name: 'traceIdPrefix',
		type: 'string',
		default: '',
		placeholder: 'e.g. newsletter-',
		description:
			"Only tasks whose trace ID starts with this. Give the action node's Trace ID option the same start (e.g. newsletter-{{ $execution.ID }}-{{ $itemIndex }}) so that this workflow receives only its own jobs.",
	},
	{
		displayName: 'Models',
		name: 'models',
		type: 'string',
		default: '',
		placeholder: 'e.g. gpt-image-2, nano-banana-2',
		description: 'Only tasks of these models, comma-separated. Empty: every model.',
	},
	{
		displayName: 'Tasks That',
		name: 'taskStatus',
		type: 'options',
		options: [
			{ name: 'Succeeded or Failed', value: 'any' },
			{ name: 'Succeeded', value: 'succeeded' },
			{ name: 'Failed', value: 'failed' },
		],
		default: 'any',
		description: 'Which finished tasks start the workflow',
	},
];

const fileOptionList: INodeProperties[] = [
	{ ...downloadImagesOption },
	binaryPropertyOption,
	fileNameOption,
	maxDownloadOption,
	timeoutOption,
];

/** The Options collection of a trigger: its files, its filters, and what only that trigger has. */
export function triggerOptions(own: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fileOptionList, ...filterOptions, ...own].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}
