import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { ImageBudget } from '../execution/budget';
import { Journal } from '../execution/journal';
import { Pipeline } from '../execution/pipeline';
import type { DeliveryRules, Prepared } from '../execution/types';
import type { Delivery } from '../models/defaults';
import { reportRun } from '../execution/runReport';
import { parameterFailure } from '../failure/failure';
import * as words from '../failure/words';
import { readConcurrency, readNodeSettings } from '../helpers/parameters';
import { DELIVERIES } from './delivery';
import { emitOutcomes } from './delivery/emit';
import * as edit from './image/edit.operation';
import * as generate from './image/generate.operation';
import * as get from './task/get.operation';
import * as getMany from './task/getMany.operation';
import type { OperationModule, RunSettings } from './types';

const OPERATIONS: Record<string, Record<string, OperationModule>> = {
	image: { generate, edit },
	task: { get, getMany },
};

/**
 * Picks the operation, reads the node-level settings, lets the pipeline take every item to one outcome, and hands
 * the outcomes to the delivery (Submit makes items of accepted jobs; Callback parks the run).
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputs = this.getInputData();
	const rulesOf = (delivery: Delivery): DeliveryRules => DELIVERIES[delivery];
	const pipeline = new Pipeline(this, inputs.length, this.continueOnFail(), rulesOf);
	let module: OperationModule;
	let concurrency: number;
	const run: RunSettings = { rulesOf };
	try {
		const { resource, operation } = readNodeSettings(this);
		const found = OPERATIONS[resource]?.[operation];
		if (!found)
			throw parameterFailure('operation', words.operationNotSupported(operation, resource));
		module = found;
		concurrency = readConcurrency(this);
		if (resource === 'image') {
			// The jobs earlier tries paid for, and Max Images per Run (fails closed; without Continue On Fail a run
			// past it sends nothing).
			const journal = Journal.open(this);
			const budget = ImageBudget.read(this);
			pipeline.useJournal(journal, budget);
			run.traceSeed = journal.traceSeed;
			const refused = this.continueOnFail()
				? undefined
				: budget.runRefusal(this, journal, inputs.length);
			if (refused) throw refused;
		}
	} catch (error) {
		return [pipeline.failAll(error)];
	}
	const prepare = async (itemIndex: number, signal: AbortSignal): Promise<Prepared> =>
		await module.prepare.call(this, itemIndex, signal, run);
	const outcomes = await pipeline.run(prepare, concurrency);
	// Delivery is read per item: a run with any parking item (Callback) parks, its other items ending as their own
	// (an accepted Submit item becomes its task); otherwise the outcomes become the output.
	const parking = outcomes.find(
		(outcome) => outcome.kind === 'accepted' && DELIVERIES[outcome.request.delivery].parks,
	);
	const ending = { retryPending: this.getNode().retryOnFail === true };
	const items =
		parking?.kind === 'accepted'
			? await DELIVERIES[parking.request.delivery].endRun(this, outcomes, ending)
			: await emitOutcomes(outcomes);
	reportRun(this, items, pipeline.ledger.spend(), pipeline.earlierJobsNotAskedFor());
	return [items];
}
