import type { INodeProperties } from 'n8n-workflow';

import * as edit from './image/edit.operation';
import * as generate from './image/generate.operation';
import * as get from './task/get.operation';
import * as getMany from './task/getMany.operation';

export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Task', value: 'task' },
		],
		default: 'image',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate images',
				description: 'Create images from a text prompt',
			},
			{
				name: 'Edit',
				value: 'edit',
				action: 'Edit images',
				description:
					'Change images the workflow holds (or at URLs) following a prompt, optionally within a mask',
			},
		],
		default: 'generate',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['task'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a task',
				description: 'Fetch a submitted task: its images once finished, or its status',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many tasks',
				description:
					'List tasks by IDs, trace IDs or creation time, with their status, cost and images (free)',
			},
		],
		default: 'get',
	},
	...generate.description,
	...edit.description,
	...get.description,
	...getMany.description,
];
