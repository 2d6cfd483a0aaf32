import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { callback } from './actions/delivery/callback';

import { properties } from './actions/node.description';
import { MODEL_RULES } from './models/modelRules';
import { route } from './actions/router';
import { listEditModels, listModels } from './methods/loadOptions';
import { CALLBACK_WEBHOOK_PATH } from './models/defaults';

/** "Generate · GPT Image 1", "Edit · gpt-image-3-preview", "Get Task": the operation and model in words. */
const MODEL_NAMES = JSON.stringify(
	Object.fromEntries(
		MODEL_RULES.filter((rule) => rule.id !== 'custom').map((rule) => [rule.id, rule.name]),
	),
);
const SUBTITLE = `={{ $parameter["resource"] === "task" ? "Get Task" : ($parameter["operation"] === "edit" ? "Edit" : "Generate") + " · " + ($parameter["model"] === "custom" ? $parameter["customModel"] : (${MODEL_NAMES}[$parameter["model"]] || $parameter["model"])) }}`;

/**
 * Delivery Callback parks the execution; AceData's callback resumes it through this webhook. `restartWebhook`:
 * it belongs to a waiting execution (as the Wait node's does), so n8n registers nothing with AceData and the node
 * is no trigger. n8n's lint rule webhook-lifecycle-complete assumes a literal `webhooks` list means a trigger that
 * registers remote webhooks (checkExists/create/delete); a resume webhook has no such lifecycle.
 */
const RESUME_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	// A path of its own: the callback URL (the resume URL plus this path) reaches only this node's webhook.
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: CALLBACK_WEBHOOK_PATH,
		restartWebhook: true,
	},
];

export class AceDataImages implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AceData Cloud Images',
		name: 'aceDataImages',
		icon: { light: 'file:acedata.svg', dark: 'file:acedata.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description:
			'Generate and edit images with AceData Cloud (GPT Image, Nano Banana, DALL·E 3) as real files',
		defaults: {
			name: 'AceData Cloud Images',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		webhooks: RESUME_WEBHOOKS,
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

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await callback.resume.call(this);
	}
}
