import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { PollSettings } from '../helpers/parameters';
import type { Delivery } from '../models/validation';
import type { AceDataClient } from '../transport/client';
import type { MultipartBody } from '../transport/multipart';
import type { ImagesAnswer } from '../transport/types';

/** The IDs that name a job: what the user needs to fetch it later instead of paying again. */
export interface JobIds {
	taskId?: string;
	traceId?: string;
}

/** One billed request, checked and built: the runner sends it, recovers it, waits for it and emits its images. */
export interface ImageSubmission {
	client: AceDataClient;
	endpoint: 'generations' | 'edits';
	body: IDataObject | MultipartBody;
	headers?: IDataObject;
	/** Sent as `trace_id`: the user's, or one the node made, so a lost answer can be looked up instead of resent. */
	traceId: string;
	delivery: Delivery;
	poll: PollSettings;
	/** The images of a finished job as n8n items. */
	emit(answer: ImagesAnswer, ids: JobIds): Promise<INodeExecutionData[]>;
	/** The item of an accepted job with delivery Submit. */
	submitted(ids: JobIds): INodeExecutionData[];
}

/** A finished item (Task › Get), or a billed request for the runner to send. */
export type Outcome = { items: INodeExecutionData[] } | { submission: ImageSubmission };

export interface OperationModule {
	description: INodeProperties[];
	/** One input item's preparation: read → validate → build (no billed request is sent here). */
	execute(this: IExecuteFunctions, itemIndex: number, signal?: AbortSignal): Promise<Outcome>;
}
