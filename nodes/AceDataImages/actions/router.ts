import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { MAX_CONCURRENCY, optionalNumber } from '../helpers/parameters';
import { PARAMETER_LABELS } from '../models/validation';
import { hasAwaiting, parkOrEmit } from './image/callback';
import * as edit from './image/edit.operation';
import * as generate from './image/generate.operation';
import { Runner } from './runner';
import * as get from './task/get.operation';
import type { OperationModule } from './types';

export const OPERATIONS: Record<string, Record<string, OperationModule>> = {
	image: { generate, edit },
	task: { get },
};

/** Picks the operation, reads the node-level settings, and lets the runner take every item to one outcome. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputs = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = OPERATIONS[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const runner = new Runner(this, inputs.length, this.continueOnFail());
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = optionalNumber(options.concurrency) ?? 1;
	if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
		const error = new NodeOperationError(
			this.getNode(),
			`Parameter "${PARAMETER_LABELS.concurrency}" must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${JSON.stringify(options.concurrency)})`,
			{ description: 'Nothing was sent to AceData and nothing was billed.' },
		);
		return [runner.failAll(error)];
	}
	const items = await runner.run(module, concurrency);
	// Delivery Callback: the items are submitted tasks; emitted at once if all are finished, else the run parks.
	return [hasAwaiting(items) ? await parkOrEmit(this, items) : items];
}
