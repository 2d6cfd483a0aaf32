/**
 * What AceData's answers mean to the node, once parsed at the transport (`schemas.ts`): typed, every string scrubbed
 * of the token. Nothing past the transport sees AceData's raw JSON.
 */

/** One image in an answer: a hosted URL or base64 bytes. */
export interface ImageDatum {
	url?: string;
	b64Json?: string;
	revisedPrompt?: string;
}

/** Token counts as AceData reports them (numbers only; nested details kept one level deep). */
export type TokenUsage = Record<string, number | Record<string, number>>;

/** What a job cost, as AceData reports it (`credit` on AceData's records). */
export interface Cost {
	amount: number;
	currency: string;
}

/** The images of a finished job: a synchronous answer, a task record's response. */
export interface ImagesAnswer {
	images: ImageDatum[];
	model?: string;
	usage?: TokenUsage;
	/** The whole job's cost, from the answer or (more often) its task record. */
	cost?: Cost;
	/** A cost AceData (or a proxy) sent that the node cannot read, as text: left out, and said so. */
	costUnreadable?: string;
	created?: number;
	taskId?: string;
	traceId?: string;
}

/** What a billed submission came back with: the images at once, or a task accepted to run. */
export type SubmitAnswer =
	| { kind: 'images'; answer: ImagesAnswer }
	| { kind: 'accepted'; taskId: string; traceId?: string };

/** A finished task's result: its images, or AceData's error. */
export type TaskResult =
	| { kind: 'images'; answer: ImagesAnswer }
	| { kind: 'failed'; code: string; message: string };

/** A record from `POST /openai/tasks`, checked: finished when `finished_at` is set (there is no status field). */
export interface TaskRecord {
	id: string;
	traceId?: string;
	type?: string;
	/** What the job was asked (AceData may truncate long fields of stored requests). */
	request: { model?: string; prompt?: string; outputFormat?: string; n?: number };
	/** When AceData created the task, in ms since the epoch. */
	createdAt?: number;
	/** When it finished, in ms since the epoch. */
	finishedAt?: number;
	/** What it cost (finished records, when AceData says). */
	cost?: Cost;
	/** A cost the node cannot read, as text (see `ImagesAnswer.costUnreadable`). */
	costUnreadable?: string;
	/** Set once the task is finished. */
	result?: TaskResult;
}

/** AceData's error body, read leniently: every field optional. */
export interface ErrorBody {
	code?: string;
	message?: string;
	traceId?: string;
	/** `success: false` was said. */
	refused: boolean;
	/** Any other body (a proxy's page), scrubbed and cut, for a quote. */
	text?: string;
}
