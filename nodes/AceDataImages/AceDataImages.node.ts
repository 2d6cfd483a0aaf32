import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties } from './actions/node.description';
import { MODEL_RULES } from './models/modelRules';
import { route } from './actions/router';
import { listEditModels, listModels } from './methods/loadOptions';

/** "Generate · GPT Image 1", "Edit · gpt-image-3-preview", "Get Task": the operation and model in words. */
const MODEL_NAMES = JSON.stringify(Object.fromEntries(MODEL_RULES.filter((rule) => rule.id !== 'custom').map((rule) => [rule.id, rule.name])));
const SUBTITLE = `={{ $parameter["resource"] === "task" ? "Get Task" : ($parameter["operation"] === "edit" ? "Edit" : "Generate") + " · " + ($parameter["model"] === "custom" ? $parameter["customModel"] : (${MODEL_NAMES}[$parameter["model"]] || $parameter["model"])) }}`;

export class AceDataImages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AceData Cloud Images',
		name: 'aceDataImages',
		icon: { light: 'file:acedata.svg', dark: 'file:acedata.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
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
