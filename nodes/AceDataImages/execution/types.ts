import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ImageContext, OutputOptions } from '../helpers/output';
import type { Delivery } from '../models/defaults';
import type { AceDataClient } from '../transport/client';
import type { MultipartBody } from '../transport/multipart';

/** One billed request, checked and built, as plain data: what the operations hand the pipeline. */
export interface ImageRequest {
	itemIndex: number;
	/** `wait`, `poll`, `submit` or `callback`: how the run ends is the delivery's (actions/delivery). */
	delivery: Delivery;
	/** The `callback_url` sent, if any (Delivery Callback: this execution's resume URL). */
	callbackUrl?: string;
	endpoint: 'generations' | 'edits';
	body: IDataObject | MultipartBody;
	headers?: IDataObject;
	traceId: string;
	/** The trace ID is the node's (derived, see `helpers/traceId.ts`), not one the user set. */
	traceIdMadeByNode: boolean;
	/** The digest of the exact request (endpoint, fields but the node-made ones, files): the same across n8n's tries. */
	fingerprint: string;
	/** Images it asks for (Number of Images): what Max Images per Run counts. */
	imagesAsked: number;
	wait: { intervalSeconds: number; maxWaitSeconds: number };
	output: OutputOptions;
	context: ImageContext;
	timeoutSeconds?: number;
}

/** What preparing one input item gives: its final items (Task › Get), or a billed request to send. */
export type Prepared =
	| { kind: 'items'; items: INodeExecutionData[] }
	| { kind: 'request'; request: ImageRequest };

/** What the pipeline needs of a delivery (the router hands it over): when its job is done, what it refuses. */
export interface DeliveryRules {
	/** Sends `async: true` (AceData answers with a task at once). */
	sendsAsync: boolean;
	/** `finished`: the job is done once its images are emitted; `accepted`: once AceData has accepted it. */
	doneWhen: 'finished' | 'accepted';
	/** The delivery's own refusal before anything is billed (it needs the credential's Base URL). */
	check?(request: ImageRequest, client: AceDataClient): void;
}

/** How one input item ended. */
export type ItemOutcome =
	| { kind: 'items'; items: INodeExecutionData[] }
	/** Continue On Fail: the item's error item. */
	| { kind: 'failed'; item: INodeExecutionData }
	/** Done at acceptance (`doneWhen: 'accepted'`): the delivery turns it into items (Submit) or parks it (Callback). */
	| {
			kind: 'accepted';
			request: ImageRequest;
			taskId: string;
			traceId?: string;
			client: AceDataClient;
	  };
