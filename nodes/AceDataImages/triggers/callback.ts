import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import { AceDataClient } from '../transport/client';
import { abortableWait } from '../transport/retry';
import { parseCallbackBody } from '../transport/schemas';
import type { TaskRecord } from '../transport/types';
import { passes, readTriggerSettings } from './settings';
import { finishedTaskItems } from './taskItems';

/** Where the webhook trigger remembers the tasks it has received, in the workflow's static data. */
const SEEN_KEY = 'acedataSeenTasks';
/** How many received task IDs are remembered (the oldest are forgotten first). */
export const MAX_SEEN_TASKS = 2000;
/** A callback can come just before AceData's record says finished: looked at again this often, this far apart. */
const LOOK_AGAIN = { times: 3, ms: 1000 };
/** Callbacks being handled in this process, per workflow and task: a repeat that arrives meanwhile starts nothing. */
const RECEIVING = new Set<string>();

/** The answer AceData gets, and whether the workflow starts. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

function seenList(staticData: IDataObject): string[] {
	const value = staticData[SEEN_KEY];
	return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

function remember(staticData: IDataObject, taskId: string): void {
	staticData[SEEN_KEY] = [...seenList(staticData), taskId].slice(-MAX_SEEN_TASKS);
}

/**
 * AceData's callback: the body names a task and nothing else is read from it. The task is looked up with the
 * credential (free); only a finished task AceData's record knows starts the workflow, once.
 */
export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { taskId } = parseCallbackBody(this.getBodyData());
	if (!taskId) return answer(this, 400, { received: false, reason: 'no task_id in the body' });
	const staticData = this.getWorkflowStaticData('node');
	const key = `${this.getWorkflow().id ?? ''}:${taskId}`;
	if (seenList(staticData).includes(taskId) || RECEIVING.has(key))
		return answer(this, 200, { received: true, started: false, reason: 'already received' });
	RECEIVING.add(key);
	try {
		return await startOnFinished(this, staticData, taskId);
	} finally {
		RECEIVING.delete(key);
	}
}

async function startOnFinished(
	ctx: IWebhookFunctions,
	staticData: IDataObject,
	taskId: string,
): Promise<IWebhookResponseData> {
	const settings = readTriggerSettings(ctx.getNodeParameter('options', {}));
	const client = await AceDataClient.create(ctx, {
		itemIndex: 0,
		timeoutSeconds: settings.timeoutSeconds,
	});
	const found = await lookUp(client, taskId);
	if (found instanceof Failure)
		return answer(ctx, 503, { received: false, reason: 'the task could not be looked up' });
	if (!found) return answer(ctx, 404, { received: false, reason: 'no such task' });
	if (!found.result)
		return answer(ctx, 202, { received: true, started: false, reason: 'still running' });
	remember(staticData, taskId);
	if (!passes(found, settings.filters))
		return answer(ctx, 200, { received: true, started: false, reason: 'filtered out' });
	// AceData has its answer before the images are downloaded; the workflow starts with them.
	answer(ctx, 200, { received: true, started: true });
	const items = await finishedTaskItems(ctx, client, found, settings.output);
	return { noWebhookResponse: true, workflowData: [items] };
}

/** The task's record, looked at again briefly while it is still running; a failed look-up as its failure. */
async function lookUp(client: AceDataClient, taskId: string): Promise<TaskRecord | Failure | null> {
	for (let attempt = 1; ; attempt++) {
		const found: unknown = await client.retrieveTask(taskId).catch((error: unknown) => error);
		if (found instanceof Failure) return found;
		if (found instanceof Error) throw found;
		const record = found as TaskRecord | null;
		if (!record || record.result || attempt >= LOOK_AGAIN.times) return record;
		await abortableWait(LOOK_AGAIN.ms, undefined);
	}
}
