import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome } from '../../execution/types';

/** The item of a job AceData accepted: what Task › Get needs later. */
function submittedItem(outcome: Extract<ItemOutcome, { kind: 'accepted' }>): INodeExecutionData {
	const { request, taskId, traceId } = outcome;
	const json: IDataObject = {
		taskId,
		status: 'submitted',
		model: request.context.model,
		prompt: request.context.prompt,
	};
	if (traceId) json.traceId = traceId;
	// What the task will make: Task › Get says later how many came.
	if (request.context.imagesRequested !== undefined)
		json.imagesRequested = request.context.imagesRequested;
	if (request.context.fromEarlierTry) json.fromEarlierTry = true;
	return { json, pairedItem: { item: request.itemIndex } };
}

/** The run ends with its outcomes as items: images, error items, and for a job done once accepted, its task. */
export async function emitOutcomes(outcomes: ItemOutcome[]): Promise<INodeExecutionData[]> {
	return outcomes.flatMap((outcome) => {
		if (outcome.kind === 'failed') return [outcome.item];
		if (outcome.kind === 'accepted') return [submittedItem(outcome)];
		return outcome.items;
	});
}
