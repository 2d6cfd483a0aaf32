import type { INodeExecutionData } from 'n8n-workflow';

import { Failure, asFailure } from '../failure/failure';
import type { AceDataClient, NodeContext } from '../transport/client';
import type { ImagesAnswer, TaskRecord } from '../transport/types';
import { answerToItems, type ImageContext, type OutputOptions } from './output';

/**
 * What a task record (or a synchronous answer) means for the node, in one place for every caller: the pipeline
 * (Wait, Poll, a recovered answer), the callback resume, Task › Get, Task › Get Many and the triggers.
 */
export type TaskOutcome =
	/** Not finished yet: no result in the record. */
	| { kind: 'running' }
	/** Finished with images: the items, as Generate emits them. */
	| { kind: 'images'; items: INodeExecutionData[]; answer: ImagesAnswer }
	/** Failed at AceData (`taskFailed`: nothing to fetch), or its images could not be made into files. */
	| { kind: 'failed'; failure: Failure; taskFailed: boolean };

/** What a finished task's images say about it: its model, prompt, IDs, type, and how many images were asked. */
export function taskContext(record: TaskRecord, itemIndex: number): ImageContext {
	const answer = record.result?.kind === 'images' ? record.result.answer : undefined;
	const request = record.request;
	return {
		itemIndex,
		model: answer?.model ?? request.model ?? '',
		prompt: request.prompt ?? '',
		taskId: record.id,
		traceId: record.traceId ?? answer?.traceId,
		// The record's `n`, or 1 when its request was kept without one (AceData's default).
		imagesRequested: request.n ?? (request.prompt !== undefined ? 1 : undefined),
		taskType: record.type,
	};
}

/** A finished job's images as items, or the failure (naming the task) that stopped them. */
export async function answerOutcome(
	ctx: NodeContext,
	client: AceDataClient,
	answer: ImagesAnswer,
	context: ImageContext,
	output: OutputOptions,
): Promise<TaskOutcome> {
	try {
		return {
			kind: 'images',
			items: await answerToItems(ctx, client, answer, context, output),
			answer,
		};
	} catch (error) {
		const failure = asFailure(error);
		failure.data.taskId ??= context.taskId;
		failure.data.traceId ??= context.traceId;
		return { kind: 'failed', failure, taskFailed: false };
	}
}

/** A task record → running, its images, or its failure at AceData; `context` says what was asked (IDs from the record). */
export async function recordOutcome(
	ctx: NodeContext,
	client: AceDataClient,
	record: TaskRecord,
	context: ImageContext,
	output: OutputOptions,
): Promise<TaskOutcome> {
	const result = record.result;
	if (!result) return { kind: 'running' };
	const ids = { taskId: record.id, traceId: record.traceId ?? context.traceId };
	if (result.kind === 'failed') {
		return {
			kind: 'failed',
			failure: client.failure({ kind: 'task', code: result.code, text: result.message, ...ids }),
			taskFailed: true,
		};
	}
	return await answerOutcome(
		ctx,
		client,
		{ ...result.answer, ...ids },
		{ ...context, ...ids },
		output,
	);
}
