import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import { Failure } from '../failure/failure';
import * as words from '../failure/words';
import { AceDataClient } from '../transport/client';
import type { TaskRecord } from '../transport/types';
import { passes, readTriggerSettings, type TriggerSettings } from './settings';
import { finishedTaskItems } from './taskItems';
import {
	MAX_TASKS_PER_POLL,
	advance,
	firstWatch,
	listFrom,
	newlyFinished,
	readWatchState,
	type WatchState,
} from './watch';

/** Where the polling trigger keeps its state in the workflow's static data. */
const STATE_KEY = 'acedataWatch';
/** "Fetch Test Event" looks at the tasks of the last day. */
const TEST_EVENT_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A poll stops downloading with this much of n8n's poll budget left; the rest waits for the next poll. */
const BUDGET_RESERVE_MS = 10_000;

/**
 * One poll: lists the tasks of the watched window (free), emits each finished task once (its images, or its
 * failure), and moves the window past what has finished. In the editor ("Fetch Test Event"): the latest finished
 * task, and the saved state is left alone.
 */
export async function pollFinishedTasks(
	this: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const settings = readTriggerSettings(this.getNodeParameter('options', {}));
	const client = await AceDataClient.create(this, {
		itemIndex: 0,
		timeoutSeconds: settings.timeoutSeconds,
	});
	if (this.getMode() === 'manual') return await testEvent(this, client, settings);

	const staticData = this.getWorkflowStaticData('node');
	const polledAt = Date.now();
	const state =
		readWatchState(staticData[STATE_KEY]) ?? firstWatch(polledAt, settings.lookBackMinutes);
	const listing = await client.listTasks({ createdAfter: listFrom(state) }, MAX_TASKS_PER_POLL);
	const records = listing.records.filter(
		(entry): entry is TaskRecord => !(entry instanceof Failure),
	);
	const deadline = budgetDeadline(this, polledAt);
	const items: INodeExecutionData[] = [];
	const handled: TaskRecord[] = [];
	let cut = false;
	for (const record of newlyFinished(state, records)) {
		if (Date.now() > deadline) {
			cut = true;
			break;
		}
		if (passes(record, settings.filters))
			items.push(...(await finishedTaskItems(this, client, record, settings.output)));
		handled.push(record);
	}
	const next = advance(state, polledAt, records, handled, !listing.more && !cut);
	saveState(staticData, next);
	return items.length ? [items] : null;
}

function saveState(staticData: IDataObject, state: WatchState): void {
	staticData[STATE_KEY] = { watchFrom: state.watchFrom, handled: state.handled };
}

/** When a poll must stop downloading: n8n's poll budget (2.x) less a reserve; none known, no limit. */
function budgetDeadline(ctx: IPollFunctions, polledAt: number): number {
	const budget =
		typeof ctx.getPollBudgetMs === 'function' ? ctx.getPollBudgetMs() : Number.POSITIVE_INFINITY;
	return polledAt + Math.max(budget - BUDGET_RESERVE_MS, budget / 2);
}

/** "Fetch Test Event": the latest finished task the filters let through, from the last day. */
async function testEvent(
	ctx: IPollFunctions,
	client: AceDataClient,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][] | null> {
	const listing = await client.listTasks(
		{ createdAfter: Date.now() - TEST_EVENT_WINDOW_MS },
		MAX_TASKS_PER_POLL,
	);
	const latest = listing.records
		.filter((entry): entry is TaskRecord => !(entry instanceof Failure))
		.filter((record) => passes(record, settings.filters))
		.sort((a, b) => (b.finishedAt ?? b.createdAt ?? 0) - (a.finishedAt ?? a.createdAt ?? 0))[0];
	if (!latest)
		throw new NodeOperationError(ctx.getNode(), words.NO_FINISHED_TASK, {
			description: words.NO_FINISHED_TASK_WHAT_TO_DO,
		});

	return [await finishedTaskItems(ctx, client, latest, settings.output)];
}
