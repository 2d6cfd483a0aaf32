import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { triggerOptions } from '../AceDataImages/triggers/options.description';
import { pollFinishedTasks } from '../AceDataImages/triggers/poll';
import { asTriggerError } from '../AceDataImages/triggers/errors';

/**
 * Starts a workflow when an AceData image task finishes, by listing the account's tasks on n8n's Poll Times: the
 * safety net under callbacks (a lost callback, one over n8n's body limit, a run that died while it waited).
 */
export class AceDataImagesPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AceData Cloud Images Task Finished (Polling) Trigger',
		name: 'aceDataImagesPollTrigger',
		icon: { light: 'file:acedata.svg', dark: 'file:acedata.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Every finished task, once',
		description:
			'Starts the workflow when an AceData Cloud image task finishes, with its images as files (polls the account’s tasks)',
		defaults: { name: 'AceData Task Finished (Polling)' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aceDataCloudApi', required: true }],
		properties: [
			{
				displayName:
					'Each poll lists the tasks of your AceData account and emits every task that has finished since, once: its images as files, or its failure. Activate the workflow to start watching (from that moment, or earlier with Look Back on First Poll).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			triggerOptions([
				{
					displayName: 'Look Back on First Poll (Minutes)',
					name: 'lookBackMinutes',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 10080 },
					default: 0,
					description:
						'How far back the first poll after activation looks for finished tasks. 0: tasks created from activation on (a minute earlier too, so that a difference between the clocks of n8n and AceData loses nothing).',
				},
			]),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const result: unknown = await pollFinishedTasks.call(this).catch((error: unknown) => error);
		if (result instanceof Error) throw asTriggerError(this.getNode(), result);
		return result as INodeExecutionData[][] | null;
	}
}
