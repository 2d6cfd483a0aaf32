import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { receiveCallback } from '../AceDataImages/triggers/callback';
import { triggerOptions } from '../AceDataImages/triggers/options.description';

/**
 * Starts a workflow when AceData calls back for a finished task: put this trigger's production URL in the Callback
 * URL of a Generate or Edit with Delivery Submit. The body only names the task; its images come from a look-up.
 */
export class AceDataImagesTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AceData Cloud Images Trigger',
		name: 'aceDataImagesTrigger',
		icon: { light: 'file:acedata.svg', dark: 'file:acedata.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On AceData’s callback',
		description:
			'Starts the workflow when AceData Cloud calls back for a finished image task, with its images as files',
		defaults: { name: 'AceData Cloud Images Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aceDataCloudApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'callback',
			},
		],
		properties: [
			{
				displayName:
					'Copy the Production URL above into the Callback URL option of an AceData Cloud Images node (Generate or Edit, Delivery: Submit and Continue). Each task starts this workflow once when it finishes: its images as files, or its failure.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			triggerOptions(),
		],
	};

	/** AceData has no webhook registry: the URL travels in each request's `callback_url`, so there is nothing to set up. */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback.call(this);
	}
}
