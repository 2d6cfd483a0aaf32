import type { IDataObject } from 'n8n-workflow';

/** One image in an answer: a hosted URL or base64 bytes. */
export interface ImageDatum {
	url?: string;
	b64_json?: string;
	revised_prompt?: string;
}

export interface TokenUsage extends IDataObject {
	input_tokens?: number;
	output_tokens?: number;
	total_tokens?: number;
}

/** A synchronous success, a task's `response`, or a callback's `data`. */
export interface ImagesAnswer {
	created?: number;
	data?: ImageDatum[];
	usage?: TokenUsage;
	model?: string;
	success?: boolean;
	task_id?: string;
	trace_id?: string;
	error?: ApiErrorBody;
}

/** What `async: true` or a callback URL gets back at once. */
export interface AsyncAcknowledgement {
	task_id: string;
	trace_id?: string;
	success?: boolean;
}

export interface ApiErrorBody {
	code?: string;
	message?: string;
}

/** A record from `POST /openai/tasks`; finished when `finished_at` is set (there is no status field). */
export interface TaskRecord {
	id?: string;
	trace_id?: string;
	type?: string;
	request?: IDataObject;
	response?: ImagesAnswer;
	created_at?: number | string;
	started_at?: number | string;
	finished_at?: number | string | null;
	elapsed?: number;
}

export interface TaskBatch {
	items?: TaskRecord[];
	count?: number;
}

/** The fields of an API error the node reports, after the token has been scrubbed. */
export interface AceDataErrorDetails {
	httpCode?: number;
	code: string;
	apiMessage: string;
	traceId?: string;
	taskId?: string;
	/** `node`: the message is the node's own words, not AceData's (never labelled "AceData says"). */
	source?: 'acedata' | 'node';
	/** For a failed billed request: whether AceData may have accepted it. */
	accepted?: 'no' | 'maybe';
}
