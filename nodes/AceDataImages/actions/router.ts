import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Pipeline, type PipelinePrepared } from '../execution/pipeline';
import { parameterFailure } from '../failure/failure';
import { readConcurrency, readNodeSettings } from '../helpers/parameters';
import { DELIVERY_MODULES } from './delivery';
import { callback } from './delivery/callback';
import { submit } from './delivery/submit';
import * as edit from './image/edit.operation';
import * as generate from './image/generate.operation';
import * as get from './task/get.operation';
import type { OperationModule, Prepared } from './types';

export const OPERATIONS: Record<string, Record<string, OperationModule>> = {
	image: { generate, edit },
	task: { get },
};

/**
 * Picks the operation, reads the node-level settings, lets the pipeline take every item to one outcome, and hands
 * the outcomes to the delivery (Submit makes items of accepted jobs; Callback parks the run).
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputs = this.getInputData();
	const pipeline = new Pipeline(this, inputs.length, this.continueOnFail());
	let module: OperationModule;
	let concurrency: number;
	try {
		const { resource, operation } = readNodeSettings(this);
		const found = OPERATIONS[resource]?.[operation];
		if (!found) throw parameterFailure('operation', `The operation "${operation}" of "${resource}" is not supported`);
		module = found;
		concurrency = readConcurrency(this);
	} catch (error) {
		return [pipeline.failAll(error)];
	}
	const prepare = async (itemIndex: number, signal: AbortSignal): Promise<PipelinePrepared> => {
		const prepared: Prepared = await module.prepare.call(this, itemIndex, signal);
		if (prepared.kind === 'items') return prepared;
		const delivery = DELIVERY_MODULES[prepared.request.delivery];
		return { kind: 'request', request: { ...prepared.request, doneWhen: delivery.doneWhen }, check: delivery.check };
	};
	const outcomes = await pipeline.run(prepare, concurrency);
	// Delivery is read per item: a run with any Callback item parks (its other accepted items become Submit items);
	// otherwise Submit's ending makes items of every outcome (Wait and Poll leave no accepted job).
	const parks = outcomes.some((outcome) => outcome.kind === 'accepted' && outcome.request.delivery === 'callback');
	const items = await (parks ? callback : submit).finish(this, outcomes);
	showNotices(this, items);
	return [items];
}

/** Most notices shown above the output; the rest are counted (each stays on its item). */
const MAX_HINTS = 3;

/**
 * The items' notices (fewer images than asked, a mask that may be ignored) shown above the output too, where n8n
 * shows hints (n8n versions without hints keep them on the items only).
 */
function showNotices(ctx: IExecuteFunctions, items: INodeExecutionData[]): void {
	if (typeof ctx.addExecutionHints !== 'function') return;
	const byItem = new Map<string, number[]>();
	for (const item of items) {
		const notice = item.json.notice;
		if (typeof notice !== 'string') continue;
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const index = typeof paired === 'object' && paired ? paired.item : 0;
		const list = byItem.get(notice) ?? [];
		if (!list.includes(index)) list.push(index);
		byItem.set(notice, list);
	}
	const entries = [...byItem.entries()];
	const hints = entries.slice(0, MAX_HINTS).map(([notice, indexes]) => ({
		message: `${indexes.length === 1 ? `Item ${indexes[0] + 1}` : `Items ${indexes.map((index) => index + 1).join(', ')}`}: ${notice}`,
		type: 'warning' as const,
		location: 'outputPane' as const,
	}));
	if (entries.length > MAX_HINTS) {
		hints.push({ message: `${entries.length - MAX_HINTS} more notices are on the items (field "notice")`, type: 'warning', location: 'outputPane' });
	}
	if (hints.length) ctx.addExecutionHints(...hints);
}
