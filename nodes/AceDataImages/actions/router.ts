import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { AceDataClient } from '../transport/client';
import { waitForTasks, type TaskWait } from '../transport/polling';
import type { ImagesAnswer } from '../transport/types';
import * as edit from './image/edit.operation';
import * as generate from './image/generate.operation';
import * as get from './task/get.operation';
import type { OperationModule, Outcome } from './types';

export const OPERATIONS: Record<string, Record<string, OperationModule>> = {
	image: { generate, edit },
	task: { get },
};

const MAX_CONCURRENCY = 20;

/** Runs `work` for indexes 0..count-1, at most `limit` at a time; stops starting new ones after a failure. */
async function runPool(count: number, limit: number, work: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	let failure: unknown;
	const worker = async () => {
		while (next < count && failure === undefined) {
			const index = next++;
			try {
				await work(index);
			} catch (error) {
				failure ??= error;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
	if (failure !== undefined) throw failure;
}

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		const aceData = error.context.aceData as IDataObject | undefined;
		if (aceData?.code) json.code = aceData.code;
		if (aceData?.trace_id) json.traceId = aceData.trace_id;
		if (aceData?.task_id) json.taskId = aceData.task_id;
	}
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Runs every input item through the chosen operation: items in parallel up to the Concurrency option,
 * then one shared polling loop for all tasks still running, then the results in input order.
 */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputs = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = OPERATIONS[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(Number(options.concurrency) || 1)));
	const continueOnFail = this.continueOnFail();

	const results: INodeExecutionData[][] = inputs.map(() => []);
	const asNodeError = (error: unknown, itemIndex?: number): NodeApiError | NodeOperationError =>
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	const fail = (error: unknown, itemIndex: number) => {
		if (!continueOnFail) throw asNodeError(error, itemIndex);
		results[itemIndex] = [errorItem(error as Error, itemIndex)];
	};

	const pending: Array<{ task: TaskWait; emit: (answer: ImagesAnswer) => Promise<INodeExecutionData[]> }> = [];
	try {
		await runPool(inputs.length, concurrency, async (itemIndex) => {
			let outcome: Outcome;
			try {
				outcome = await module.execute.call(this, itemIndex);
			} catch (error) {
				fail(error, itemIndex);
				return;
			}
			if ('items' in outcome) results[itemIndex] = outcome.items;
			else pending.push(outcome);
		});
	} catch (error) {
		const nodeError = asNodeError(error);
		// Other items' tasks were already submitted (and billed): say where their images are, so nobody pays twice.
		if (pending.length > 0) {
			const ids = pending.map(({ task }) => `item ${task.itemIndex}: ${task.taskId}`).join(', ');
			nodeError.description = `${nodeError.description ?? ''} · Tasks already submitted for other items (fetch them with Task › Get): ${ids}`;
		}
		throw nodeError;
	}

	if (pending.length > 0) {
		// Any pending item's client can poll for all of them: the credential is the node's.
		const client = await AceDataClient.create(this, pending[0].task.itemIndex);
		const outcomes = await waitForTasks(
			client,
			pending.map((entry) => entry.task),
		);
		pending.sort((a, b) => a.task.itemIndex - b.task.itemIndex);
		await runPool(pending.length, concurrency, async (index) => {
			const { task, emit } = pending[index];
			const result = outcomes.get(task.taskId);
			try {
				if (!result) throw new NodeOperationError(this.getNode(), `No result for task ${task.taskId}`);
				if ('error' in result) throw result.error;
				results[task.itemIndex] = await emit(result.answer);
			} catch (error) {
				fail(error, task.itemIndex);
			}
		});
	}
	return [results.flat()];
}
