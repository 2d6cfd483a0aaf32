import type { IDataObject } from 'n8n-workflow';

import type { Failure, FailureData } from '../failure/failure';
import * as words from '../failure/words';
import { downloadImage, type Download } from './download';
import { post, send, type CallOptions } from './http';
import type { MultipartBody } from './multipart';
import { abortableWait } from './retry';
import { parseModelList, parseSubmitAnswer } from './schemas';
import {
	Session,
	readClientOptions,
	type ClientContext,
	type ClientOptions,
	type CreateOptions,
	timeoutMsOf,
} from './session';
import * as tasks from './tasks';
import type { SubmitAnswer, TaskRecord } from './types';

export type { CallOptions } from './http';
export type { NodeContext } from './session';
/** Re-exported for the unit tests of `Retry-After` (`test/unit/helpers.test.ts`). */
export { retryAfterMs } from './retry';

/** The model list must not hold up the editor: one try, this long. */
const LIST_TIMEOUT_MS = 15_000;

/**
 * The one way the node talks to AceData. This facade holds the item's session (n8n's context, the checked Base URL,
 * the token to scrub, the signals); the work is done in `http.ts` (the calls, retries and failures), `tasks.ts` (task
 * look-ups and listings) and `download.ts` (hosted images). Every answer is parsed (and scrubbed) at the transport;
 * every failure is a typed `Failure`.
 */
export class AceDataClient {
	private readonly session: Session;

	constructor(ctx: ClientContext, options: ClientOptions) {
		this.session = new Session(ctx, options);
	}

	/** The credential's Base URL, checked, without a trailing slash. */
	get baseUrl(): string {
		return this.session.options.baseUrl;
	}

	get timeoutMs(): number {
		return this.session.options.timeoutMs;
	}

	static async create(ctx: ClientContext, options: CreateOptions): Promise<AceDataClient> {
		return new AceDataClient(ctx, await readClientOptions(ctx, options));
	}

	withItem(itemIndex: number): AceDataClient {
		return new AceDataClient(this.session.ctx, { ...this.session.options, itemIndex });
	}

	/** The same client with an item's own Timeout (its option, or the default when it set none). */
	withTimeout(timeoutSeconds: number | undefined): AceDataClient {
		return new AceDataClient(this.session.ctx, {
			...this.session.options,
			timeoutMs: timeoutMsOf(timeoutSeconds),
		});
	}

	/** The same client, stopped early by `signal` (free calls and waits only). */
	withSignal(signal: AbortSignal): AceDataClient {
		return new AceDataClient(this.session.ctx, { ...this.session.options, signal });
	}

	/** The text with the token replaced: for anything the node quotes. */
	scrub(text: string): string {
		return this.session.scrub(text);
	}

	/**
	 * Billed: `POST /openai/images/{generations|edits}`. Resent only where AceData surely did not accept it (429,
	 * a connection never made); a failure says whether AceData may have accepted the job.
	 */
	async submitImages(
		endpoint: 'generations' | 'edits',
		body: IDataObject | MultipartBody,
		headers?: IDataObject,
	): Promise<SubmitAnswer> {
		const answer = await post(this.session, `/openai/images/${endpoint}`, body, 'notAccepted', {
			headers,
		});
		const parsed = parseSubmitAnswer(answer);
		if (parsed.ok) return parsed.value;
		throw this.failure({
			kind: 'answer',
			code: 'unexpected_answer',
			text: words.unreadableSubmitAnswer(parsed.problem),
			billing: 'maybe',
		});
	}

	/** Free. Null when AceData does not know the id (it answers `{}`); a record of another task is refused. */
	async retrieveTask(taskId: string, call?: CallOptions): Promise<TaskRecord | null> {
		return await tasks.retrieveTask(this.session, taskId, call);
	}

	/** Free: the job submitted with this trace ID, or null when AceData has no record of it. */
	async retrieveByTrace(traceId: string, call?: CallOptions): Promise<TaskRecord | null> {
		return await tasks.retrieveByTrace(this.session, traceId, call);
	}

	/** Free: one request (paged) for many tasks, by ID; a record that does not fit is a failure of its own task only. */
	async retrieveTasks(
		taskIds: string[],
		call?: CallOptions,
	): Promise<Map<string, TaskRecord | Failure>> {
		return await tasks.retrieveTasks(this.session, taskIds, call);
	}

	/** Free: the tasks a filter selects, paged until `limit` records are in (see `tasks.listTasks`). */
	async listTasks(
		filter: tasks.TaskFilter,
		limit: number,
		call?: CallOptions,
		pageSize?: number,
	): Promise<tasks.TaskListing> {
		return await tasks.listTasks(this.session, filter, limit, call, pageSize);
	}

	/** Free: the model IDs AceData offers now (`GET /openai/models`). */
	async listModels(): Promise<string[]> {
		const answer = await send(
			this.session,
			{
				method: 'GET',
				url: `${this.session.options.baseUrl}/openai/models`,
				timeout: LIST_TIMEOUT_MS,
			},
			'transient',
			0,
		);
		return parseModelList(answer);
	}

	/** Streams a hosted image, never with the token, within the Timeout option and under `maxBytes` (`download.ts`). */
	async download(url: string, maxBytes: number): Promise<Download> {
		return await downloadImage(this.session, url, maxBytes);
	}

	/** A failure of this client's item, scrubbed of the token. */
	failure(data: FailureData): Failure {
		return this.session.failure(data);
	}

	/** True once the execution was cancelled or the node stopped its remaining work. */
	cancelled(): boolean {
		return this.session.cancelled();
	}

	/** Pauses up to `ms`, returning early when the client's signal aborts. */
	async wait(ms: number): Promise<void> {
		await abortableWait(ms, this.session.signal());
	}
}
