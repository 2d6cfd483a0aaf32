import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './actions/node.description';
import { route } from './actions/router';
import { listEditModels, listModels } from './methods/loadOptions';

export class AceDataImages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AceData Cloud Images',
		name: 'aceDataImages',
		icon: { light: 'file:acedata.svg', dark: 'file:acedata.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["resource"] === "task" ? "task" : $parameter["model"])}}',
		description: 'Generate and edit images with AceData Cloud (DALL·E, GPT Image, Nano Banana) as real files',
		defaults: {
			name: 'AceData Cloud Images',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'aceDataCloudApi',
				required: true,
			},
		],
		properties,
	};

	methods = {
		loadOptions: { listModels, listEditModels },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
