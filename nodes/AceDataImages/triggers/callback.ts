import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import { AceDataClient } from '../transport/client';
import { abortableWait } from '../transport/retry';
import { parseCallbackBody } from '../transport/schemas';
import type { TaskRecord } from '../transport/types';
import { passes, readTriggerSettings } from './settings';
import { claim, release } from './received';
import { finishedTaskItems } from './taskItems';

/** A callback can come just before AceData's record says finished: looked at again this often, this far apart. */
const LOOK_AGAIN = { times: 3, ms: 1000 };
/** The answer AceData gets, and whether the workflow starts. */
function answer(ctx: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	ctx.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * AceData's callback: the body names a task and nothing else is read from it. The task is looked up with the
 * credential (free); only a finished task AceData's record knows starts the workflow, once.
 */
export async function receiveCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { taskId } = parseCallbackBody(this.getBodyData());
	if (!taskId) return answer(this, 400, { received: false, reason: 'no task_id in the body' });
	const staticData = this.getWorkflowStaticData('node');
	const workflowId = String(this.getWorkflow().id ?? '');
	if (!claim(staticData, workflowId, taskId))
		return answer(this, 200, { received: true, started: false, reason: 'already received' });
	const answered: unknown = await startOnFinished(this, taskId).catch((error: unknown) => error);
	// Nothing started and AceData may call again (still running, unknown, not looked up, or the node failed): forgotten.
	const started = !(answered instanceof Error) && (answered as Answered).keep;
	if (!started) release(staticData, workflowId, taskId);
	if (answered instanceof Error) throw answered;
	return (answered as Answered).response;
}

/** What a callback came to: the answer, and whether the task is now received (started, or filtered out). */
interface Answered {
	response: IWebhookResponseData;
	keep: boolean;
}

async function startOnFinished(ctx: IWebhookFunctions, taskId: string): Promise<Answered> {
	const settings = readTriggerSettings(ctx.getNodeParameter('options', {}));
	const client = await AceDataClient.create(ctx, {
		itemIndex: 0,
		timeoutSeconds: settings.timeoutSeconds,
	});
	const found = await lookUp(client, taskId);
	const forget = (response: IWebhookResponseData) => ({ response, keep: false });
	if (found instanceof Failure)
		return forget(answer(ctx, 503, { received: false, reason: 'the task could not be looked up' }));
	if (!found) return forget(answer(ctx, 404, { received: false, reason: 'no such task' }));
	if (!found.result)
		return forget(answer(ctx, 202, { received: true, started: false, reason: 'still running' }));
	if (!passes(found, settings.filters))
		return {
			response: answer(ctx, 200, { received: true, started: false, reason: 'filtered out' }),
			keep: true,
		};
	// AceData has its answer before the images are downloaded; the workflow starts with them.
	answer(ctx, 200, { received: true, started: true });
	const items = await finishedTaskItems(ctx, client, found, settings.output);
	return { response: { noWebhookResponse: true, workflowData: [items] }, keep: true };
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
