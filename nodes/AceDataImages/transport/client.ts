import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IN8nHttpFullResponse,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { Failure, formatSeconds, parameterFailure, type Accepted, type FailureData } from '../failure/failure';
import { DEFAULT_TIMEOUT_SECONDS } from '../models/defaults';
import { classifyTransportError, transportCode, type TransportFailure } from './errors';
import { isMultipartBody, type MultipartBody } from './multipart';
import {
	parseErrorBody,
	parseModelList,
	parseSubmitAnswer,
	parseTaskBatch,
	parseTaskRecord,
	redact,
	scrubDeep,
	type RecordParse,
} from './schemas';
import { capStream, type Readable } from './stream';
import type { SubmitAnswer, TaskRecord } from './types';

export const CREDENTIAL_TYPE = 'aceDataCloudApi';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/** Billed submissions are retried only where AceData did not accept them; free calls on any transient failure. */
type RetryPolicy = 'notAccepted' | 'transient';

const MAX_RETRIES = 3;
const BACKOFF_BASE_MS = 500;
const MAX_RETRY_WAIT_MS = 60_000;
/** Waits check for cancellation this often. */
const ABORT_CHECK_MS = 100;
const LIST_TIMEOUT_MS = 15_000;
/** Task › Get Many asks for this many records a page (AceData documents no maximum; its default is 12). */
const LIST_PAGE_SIZE = 50;
/** retrieve_batch pages beyond this many are not followed: Get Many's 1,000 tasks twice over at 50 a page. */
const MAX_LIST_PAGES = 40;

/** Which tasks Task › Get Many lists; every set field must match (times in ms since the epoch). */
export interface TaskFilter {
	taskIds?: string[];
	traceIds?: string[];
	createdAfter?: number;
	createdBefore?: number;
}

/** Where the client runs: a node's execution, its webhook (a callback), or the editor loading the model list. */
export type NodeContext = IExecuteFunctions | IWebhookFunctions;
/** Every context the client runs in: the editor too (the live model list). */
export type ClientContext = NodeContext | ILoadOptionsFunctions;

export interface ClientOptions {
	baseUrl: string;
	/** Only used to scrub the token from anything the node reports; auth goes through n8n's credential. */
	token: string;
	timeoutMs: number;
	itemIndex: number;
	/**
	 * Ends free calls and waits early: the execution's cancel signal, or the node's own stop after a failure.
	 * Billed submissions listen to the execution's cancel signal only (aborting one mid-way makes it ambiguous).
	 */
	signal?: AbortSignal;
}

export interface CallOptions {
	headers?: IDataObject;
	/** Overrides the Timeout option for this call (a look-up must not outlive Max Wait). */
	timeoutMs?: number;
	/** Retries of a free call on a transient failure (default 3). */
	retries?: number;
}

/** Pauses, ending early (without error) as soon as `signal` aborts. The one wait every pause of the node uses. */
export async function abortableWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
	const until = Date.now() + ms;
	while (Date.now() < until && !signal?.aborted) {
		await sleep(Math.min(ABORT_CHECK_MS, until - Date.now()));
	}
}

export interface Download {
	stream: Readable;
	/** The image host, for messages (never the path or the signed query). */
	host: string;
	contentType?: string;
	/** Why the node cut the download short (too large, too slow, stopped), once it did. */
	failure: () => Failure | undefined;
}

/** The seconds a `Retry-After` header asks for (number or HTTP date), or undefined. */
export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const raw = headers?.['retry-after'];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = String(raw);
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isRetryable(status: number, policy: RetryPolicy): boolean {
	if (status === 429) return true;
	return policy === 'transient' && status >= 500;
}

/** The host of a URL (relative ones resolved against `base`), for messages: never its path or query. */
function hostOf(url: string, base: string): string {
	try {
		return new URL(url, base || undefined).host || 'an unknown address';
	} catch {
		return 'an unknown address';
	}
}

const CREDENTIAL_HINT = 'Nothing was sent to AceData and nothing was billed. Fix the Base URL of the AceData Cloud API credential.';

/**
 * The credential's Base URL, checked before the first request: http or https, a host, no query or fragment;
 * surrounding spaces and trailing slashes dropped. Anything else is refused pointing at the credential.
 */
export function checkBaseUrl(value: unknown): string {
	const raw = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : undefined;
	if (raw === undefined) throw parameterFailure('baseUrl', 'The Base URL of the AceData Cloud API credential must be text', CREDENTIAL_HINT);
	if (raw === '') return DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw parameterFailure(
			'baseUrl',
			`The Base URL of the AceData Cloud API credential ("${raw.slice(0, 100)}") is not a URL: it must start with https:// (e.g. ${DEFAULT_BASE_URL})`,
			CREDENTIAL_HINT,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw parameterFailure('baseUrl', `The Base URL of the AceData Cloud API credential must start with https:// (it starts with ${url.protocol}//)`, CREDENTIAL_HINT);
	}
	if (!url.hostname) throw parameterFailure('baseUrl', 'The Base URL of the AceData Cloud API credential has no host', CREDENTIAL_HINT);
	if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
		throw parameterFailure('baseUrl', 'The Base URL of the AceData Cloud API credential must not have a query (?…) or fragment (#…)', CREDENTIAL_HINT);
	}
	if (url.username || url.password) {
		throw parameterFailure('baseUrl', 'The Base URL of the AceData Cloud API credential must not hold a user name or password', CREDENTIAL_HINT);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

export interface CreateOptions {
	itemIndex: number;
	timeoutSeconds?: number;
	signal?: AbortSignal;
}

/**
 * The one place that talks to AceData: authentication, the Base URL, timeouts, retries, error mapping and downloads.
 * Every answer is parsed (and scrubbed) here; every failure is a typed `Failure`.
 */
export class AceDataClient {
	constructor(
		private readonly ctx: ClientContext,
		private readonly options: ClientOptions,
	) {}

	/** The credential's Base URL, checked, without a trailing slash. */
	get baseUrl(): string {
		return this.options.baseUrl;
	}

	get timeoutMs(): number {
		return this.options.timeoutMs;
	}

	static async create(ctx: ClientContext, { itemIndex, timeoutSeconds, signal }: CreateOptions): Promise<AceDataClient> {
		// The item index matters in an execution (credentials may differ per item); other contexts ignore it.
		const credentials = await (ctx as IExecuteFunctions).getCredentials<IDataObject>(CREDENTIAL_TYPE, itemIndex);
		const seconds = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
		return new AceDataClient(ctx, {
			baseUrl: checkBaseUrl(credentials.baseUrl),
			token: typeof credentials.apiToken === 'string' ? credentials.apiToken : '',
			timeoutMs: seconds * 1000,
			itemIndex,
			signal,
		});
	}

	withItem(itemIndex: number): AceDataClient {
		return new AceDataClient(this.ctx, { ...this.options, itemIndex });
	}

	/** The same client, stopped early by `signal` (free calls and waits only). */
	withSignal(signal: AbortSignal): AceDataClient {
		return new AceDataClient(this.ctx, { ...this.options, signal });
	}

	/** The text with the token replaced: for anything the node quotes. */
	scrub(text: string): string {
		return redact(text, this.options.token);
	}

	/**
	 * Billed: `POST /openai/images/{generations|edits}`. Resent only where AceData surely did not accept it (429,
	 * a connection never made); a failure says whether AceData may have accepted the job.
	 */
	async submitImages(endpoint: 'generations' | 'edits', body: IDataObject | MultipartBody, headers?: IDataObject): Promise<SubmitAnswer> {
		const answer = await this.post(`/openai/images/${endpoint}`, body, 'notAccepted', { headers });
		const parsed = parseSubmitAnswer(answer);
		if (parsed.ok) return parsed.value;
		throw this.failure({
			kind: 'answer',
			code: 'unexpected_answer',
			text: `AceData answered the image request with JSON the node cannot read (${parsed.problem})`,
			accepted: 'maybe',
		});
	}

	/** Free. Null when AceData does not know the id (it answers `{}`); a record of another task is refused. */
	async retrieveTask(taskId: string, call?: CallOptions): Promise<TaskRecord | null> {
		const parsed = parseTaskRecord(await this.post('/openai/tasks', { action: 'retrieve', id: taskId }, 'transient', call));
		const record = this.recordOrThrow(parsed, { taskId });
		if (record && record.id !== taskId) throw this.foreignRecord(`task ${taskId}`, record.id, { taskId });
		return record;
	}

	/** Free: the job submitted with this trace ID, or null when AceData has no record of it. */
	async retrieveByTrace(traceId: string, call?: CallOptions): Promise<TaskRecord | null> {
		const parsed = parseTaskRecord(await this.post('/openai/tasks', { action: 'retrieve', trace_id: traceId }, 'transient', call));
		const record = this.recordOrThrow(parsed, { traceId });
		if (record && record.traceId !== traceId) throw this.foreignRecord(`trace ID ${traceId}`, record.id, { traceId });
		return record;
	}

	/**
	 * Free: one request for many tasks. AceData answers 12 records unless `limit` is sent, so it is, and further
	 * pages are followed while records are missing. Records for ids not asked for are dropped; a record that does
	 * not fit is a failure of its own task only.
	 */
	async retrieveTasks(taskIds: string[], call?: CallOptions): Promise<Map<string, TaskRecord | Failure>> {
		const { records } = await this.listTasks({ taskIds }, taskIds.length, call, taskIds.length);
		return new Map(records.map((entry) => [entry instanceof Failure ? (entry.data.taskId as string) : entry.id, entry]));
	}

	/**
	 * Free: the tasks a filter selects (`retrieve_batch` with `ids`, `trace_ids`, `created_at_min`/`max`), paged with
	 * `offset`/`limit` until `limit` records are in or AceData's `count` is reached. Records that do not match the
	 * filter (AceData or a proxy ignoring it) are dropped; a record that does not fit is returned as its failure.
	 */
	async listTasks(
		filter: TaskFilter,
		limit: number,
		call?: CallOptions,
		pageSize = LIST_PAGE_SIZE,
	): Promise<{ records: Array<TaskRecord | Failure>; dropped: number }> {
		const body: IDataObject = { action: 'retrieve_batch' };
		if (filter.taskIds?.length) body.ids = filter.taskIds;
		if (filter.traceIds?.length) body.trace_ids = filter.traceIds;
		if (filter.createdAfter !== undefined) body.created_at_min = filter.createdAfter / 1000;
		if (filter.createdBefore !== undefined) body.created_at_max = filter.createdBefore / 1000;
		const ids = filter.taskIds?.length ? new Set(filter.taskIds) : undefined;
		const traces = filter.traceIds?.length ? new Set(filter.traceIds) : undefined;
		const matches = (record: TaskRecord) =>
			(!ids || ids.has(record.id)) &&
			(!traces || (record.traceId !== undefined && traces.has(record.traceId))) &&
			(filter.createdAfter === undefined || (record.createdAt !== undefined && record.createdAt >= filter.createdAfter)) &&
			(filter.createdBefore === undefined || (record.createdAt !== undefined && record.createdAt <= filter.createdBefore));
		const records: Array<TaskRecord | Failure> = [];
		const seen = new Set<string>();
		let dropped = 0;
		let offset = 0;
		for (let page = 0; page < MAX_LIST_PAGES && records.length < limit; page++) {
			const size = Math.min(pageSize, limit - records.length);
			const { records: parsed, count } = parseTaskBatch(await this.post('/openai/tasks', { ...body, offset, limit: size }, 'transient', call));
			for (const entry of parsed) {
				if (records.length >= limit) break;
				if (entry.kind === 'record' && !seen.has(entry.record.id) && matches(entry.record)) {
					seen.add(entry.record.id);
					records.push(entry.record);
				} else if (entry.kind === 'invalid' && entry.id && !seen.has(entry.id) && (!ids || ids.has(entry.id))) {
					seen.add(entry.id);
					records.push(this.invalidRecord(entry.problem, { taskId: entry.id }));
				} else if (entry.kind !== 'none') dropped++;
			}
			offset += parsed.length;
			// Without a count AceData's total is unknown: the page is all there is.
			if (parsed.length === 0 || offset >= (count ?? offset)) break;
		}
		return { records, dropped };
	}

	/** Free: the model IDs AceData offers now (`GET /openai/models`). */
	async listModels(): Promise<string[]> {
		const answer = await this.send({ method: 'GET', url: `${this.options.baseUrl}/openai/models`, timeout: LIST_TIMEOUT_MS }, 'transient', 0);
		return parseModelList(answer);
	}

	/**
	 * Streams a hosted image. Plain `httpRequest`: the AceData token is never sent to the image host (redirects
	 * are followed, without it). The whole download must end within the Timeout option and stay under `maxBytes`.
	 */
	async download(url: string, maxBytes: number): Promise<Download> {
		const host = hostOf(url, '');
		const seconds = formatSeconds(this.options.timeoutMs / 1000);
		const failed = (reason: string, httpStatus?: number) =>
			this.failure({ kind: 'download', httpStatus, code: 'download_failed', text: `Could not download the image from ${host}: ${reason}` });
		for (let attempt = 0; ; attempt++) {
			const deadline = AbortSignal.timeout(this.options.timeoutMs);
			const stop = this.signal();
			const signal = stop ? AbortSignal.any([deadline, stop]) : deadline;
			let response: IN8nHttpFullResponse;
			try {
				response = (await this.ctx.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: this.options.timeoutMs,
					abortSignal: signal,
				})) as IN8nHttpFullResponse;
			} catch (error) {
				const failure = this.cancelled() ? 'cancelled' : deadline.aborted ? 'timeout' : classifyTransportError(error);
				if (attempt < MAX_RETRIES && failure !== 'cancelled' && failure !== 'timeout') {
					await this.backoff(attempt, undefined);
					continue;
				}
				if (failure === 'cancelled') {
					throw this.failure({ kind: 'cancelled', code: 'cancelled', text: `The execution was cancelled while downloading the image from ${host}` });
				}
				throw failed(failure === 'timeout' ? `no answer within ${seconds} s (the Timeout option)` : (transportCode(error) ?? 'the connection failed'));
			}
			const stream = response.body as Readable;
			if (response.statusCode < 300) {
				const length = Number(response.headers['content-length']);
				const tooLarge = () => failed(`it is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (the Max Download Size option)`);
				if (Number.isFinite(length) && length > maxBytes) {
					stream.destroy?.();
					throw tooLarge();
				}
				let cut: Failure | undefined;
				capStream(stream, maxBytes, 0, () => (cut = tooLarge()));
				// The deadline covers the whole body, not only the first byte: a trickling host is cut off.
				signal.addEventListener(
					'abort',
					() => {
						cut ??= deadline.aborted
							? failed(`it did not finish within ${seconds} s (the Timeout option)`)
							: this.failure({ kind: 'cancelled', code: 'cancelled', text: `The node stopped while downloading the image from ${host}` });
						stream.destroy(cut);
					},
					{ once: true },
				);
				const type = response.headers['content-type'];
				return { stream, host, contentType: typeof type === 'string' ? this.scrub(type).slice(0, 100) : undefined, failure: () => cut };
			}
			stream.destroy?.();
			if (isRetryable(response.statusCode, 'transient') && attempt < MAX_RETRIES) {
				await this.backoff(attempt, retryAfterMs(response.headers));
				continue;
			}
			throw failed(`the image host answered HTTP ${response.statusCode}`, response.statusCode);
		}
	}

	/** A failure of this client's item, scrubbed of the token. */
	failure(data: FailureData): Failure {
		const scrub = (text: string | undefined) => (text === undefined ? undefined : redact(text, this.options.token));
		return new Failure({
			...data,
			code: redact(data.code, this.options.token),
			text: redact(data.text, this.options.token),
			taskId: scrub(data.taskId),
			traceId: scrub(data.traceId),
			hint: scrub(data.hint),
		});
	}

	/** True once the execution was cancelled or the node stopped its remaining work. */
	cancelled(): boolean {
		return this.signal()?.aborted === true;
	}

	/** Pauses up to `ms`, returning early when the client's signal aborts. */
	async wait(ms: number): Promise<void> {
		await abortableWait(ms, this.signal());
	}

	private recordOrThrow(parsed: RecordParse, ids: { taskId?: string; traceId?: string }): TaskRecord | null {
		if (parsed.kind === 'none') return null;
		if (parsed.kind === 'invalid') throw this.invalidRecord(parsed.problem, { ...ids, taskId: ids.taskId ?? parsed.id });
		return parsed.record;
	}

	private invalidRecord(problem: string, ids: { taskId?: string; traceId?: string }): Failure {
		const what = ids.taskId ? `task ${ids.taskId}` : `trace ID ${ids.traceId}`;
		return this.failure({ kind: 'answer', code: 'invalid_record', text: `AceData's record of ${what} does not fit what the node reads: ${problem}`, ...ids });
	}

	private foreignRecord(asked: string, got: string, ids: { taskId?: string; traceId?: string }): Failure {
		return this.failure({
			kind: 'answer',
			code: 'wrong_record',
			text: `AceData answered the look-up of ${asked} with the record of another task (${got}); its images were not used`,
			...ids,
		});
	}

	private executionSignal(): AbortSignal | undefined {
		// A webhook (a callback being answered) or the editor has no execution to cancel.
		return 'getExecutionCancelSignal' in this.ctx && typeof this.ctx.getExecutionCancelSignal === 'function'
			? this.ctx.getExecutionCancelSignal()
			: undefined;
	}

	private signal(): AbortSignal | undefined {
		return this.options.signal ?? this.executionSignal();
	}

	private async post(path: string, body: IDataObject | MultipartBody, policy: RetryPolicy, call: CallOptions = {}): Promise<unknown> {
		return await this.send(
			{
				method: 'POST',
				url: `${this.options.baseUrl}${path}`,
				json: !isMultipartBody(body),
				headers: call.headers,
				timeout: call.timeoutMs ?? this.options.timeoutMs,
			},
			policy,
			call.retries ?? MAX_RETRIES,
			body,
		);
	}

	/** One call with its retries; the answer's JSON, scrubbed. Every way it can fail is a `Failure`. */
	private async send(base: IHttpRequestOptions, policy: RetryPolicy, maxRetries: number, body?: IDataObject | MultipartBody): Promise<unknown> {
		const billed = policy === 'notAccepted';
		const path = new URL(base.url).pathname;
		const signal = billed ? this.executionSignal() : this.signal();
		const request: IHttpRequestOptions = {
			...base,
			headers: { accept: 'application/json', ...base.headers },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The token goes to the Base URL only: a redirect is reported, never followed (nor resent when billed).
			disableFollowRedirect: true,
			abortSignal: signal,
		};
		for (let attempt = 0; ; attempt++) {
			if (signal?.aborted) throw this.networkFailure(undefined, 'cancelled', path, billed, request.timeout as number, false);
			// A multipart body is made anew for every attempt: a stream is spent once sent.
			if (body !== undefined) {
				try {
					request.body = isMultipartBody(body) ? await body.open() : body;
				} catch (error) {
					throw this.failure({
						kind: 'parameter',
						code: 'input_unreadable',
						text: `Could not read an input image from n8n's binary store: ${(error as Error)?.message ?? 'unknown error'}`,
						accepted: 'no',
						hint: 'Nothing was sent to AceData again and nothing more was billed.',
					});
				}
			}
			let response: IN8nHttpFullResponse;
			try {
				response = (await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, CREDENTIAL_TYPE, request)) as IN8nHttpFullResponse;
			} catch (error) {
				const failure = signal?.aborted ? 'cancelled' : classifyTransportError(error);
				// A connection never made reached nothing: nothing can have been billed, so it is safe to try again.
				// n8n's own refusal (the credential's domains) will refuse again.
				const retry = failure === 'unsent' || (!billed && failure !== 'cancelled' && failure !== 'blocked');
				if (retry && attempt < maxRetries) {
					await this.backoff(attempt, undefined, signal);
					if (!signal?.aborted) continue;
				}
				throw this.networkFailure(error, failure, path, billed, request.timeout as number, true);
			}
			const status = response.statusCode;
			const answer = scrubDeep(this.jsonOf(response.body), this.options.token);
			if (status >= 200 && status < 300) {
				const parsed = parseErrorBody(answer);
				// AceData sometimes answers 200 with an error body: it refused the request.
				if (parsed.refused && parsed.code) {
					throw this.failure({ kind: 'api', httpStatus: status, code: parsed.code, text: parsed.message ?? '', traceId: parsed.traceId, accepted: 'no' });
				}
				if (!answer || typeof answer !== 'object') {
					// Not AceData's JSON (a proxy's page?): whether a billed job was accepted cannot be told.
					throw this.failure({
						kind: 'proxy',
						httpStatus: status,
						code: 'unexpected_answer',
						text: `The Base URL answered HTTP ${status} with something that is not AceData's JSON${parsed.text ? `: "${parsed.text}"` : ''}`,
						accepted: 'maybe',
					});
				}
				return answer;
			}
			if (status >= 300 && status < 400) {
				const location = this.scrub(String(response.headers.location ?? ''));
				throw this.failure({
					kind: 'proxy',
					httpStatus: status,
					code: 'redirect',
					text: `The Base URL answered with a redirect (HTTP ${status}) to ${hostOf(location, this.options.baseUrl)}: the node does not follow it, so the token stays with the Base URL. Set the credential's Base URL to the final address`,
					accepted: 'no',
				});
			}
			if (isRetryable(status, policy) && attempt < maxRetries && !signal?.aborted) {
				await this.backoff(attempt, retryAfterMs(response.headers), signal);
				if (!signal?.aborted) continue;
			}
			const parsed = parseErrorBody(answer);
			// A 5xx may come after AceData accepted the job; any 4xx means it did not.
			const accepted: Accepted = status >= 500 ? 'maybe' : 'no';
			if (!parsed.code) {
				// Not AceData's error body: something on the way (proxy, gateway) answered. No AceData advice for it.
				const quote = parsed.text ?? parsed.message;
				throw this.failure({
					kind: 'proxy',
					httpStatus: status,
					code: `http_${status}`,
					text: `The Base URL answered HTTP ${status} without AceData's error body, so something on the way (a proxy or gateway) refused the call${quote ? `: "${quote}"` : ''}`,
					accepted,
				});
			}
			throw this.failure({ kind: 'api', httpStatus: status, code: parsed.code, text: parsed.message ?? '', traceId: parsed.traceId, accepted });
		}
	}

	/** The body as JSON when it is JSON (n8n hands over a string when the server's content type is not JSON). */
	private jsonOf(body: unknown): unknown {
		if (typeof body === 'string' && /^\s*[{[]/.test(body)) {
			try {
				return JSON.parse(body) as unknown;
			} catch {
				return body;
			}
		}
		return body;
	}

	/** n8n refused to send the request: the credential's Allowed HTTP Request Domains leave out the Base URL's host. */
	private blockedByCredential(): Failure {
		const host = new URL(this.options.baseUrl).hostname;
		return new Failure({
			kind: 'parameter',
			code: 'domain_not_allowed',
			text: `n8n did not send the request: the AceData Cloud API credential's Allowed HTTP Request Domains do not include ${host}`,
			parameter: 'credential',
			accepted: 'no',
			hint: `Add ${host} to the credential's Allowed Domains (Allowed HTTP Request Domains: Specific Domains), or choose All. Nothing was sent to AceData and nothing was billed.`,
		});
	}

	private networkFailure(error: unknown, failure: TransportFailure, path: string, billed: boolean, timeoutMs: number, attempted: boolean): Failure {
		if (failure === 'blocked') return this.blockedByCredential();
		const what = billed ? 'the image request' : 'the task look-up';
		// Cancelled before the request left: nothing was sent.
		const unsent = failure === 'unsent' || (failure === 'cancelled' && !attempted);
		const maybe = billed && !unsent ? ': AceData may have accepted it' : '';
		const code = transportCode(error);
		const text = {
			cancelled: attempted ? `The execution was cancelled during ${what} (${path})${maybe}` : `The execution was cancelled before ${what} was sent`,
			timeout: `No answer from AceData within ${formatSeconds(timeoutMs / 1000)} s (the Timeout option) for ${what} (${path})${maybe}`,
			unsent: `Could not connect to ${hostOf(this.options.baseUrl, '')} (${code ?? 'connection refused'}): nothing was sent; check the Base URL and the network`,
			reset: `The connection to AceData dropped during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
			other: `The connection to AceData failed during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
		}[failure];
		return this.failure({
			kind: failure === 'cancelled' ? 'cancelled' : 'transport',
			code: { cancelled: 'cancelled', timeout: 'client_timeout', unsent: 'unreachable', reset: 'connection_reset', other: 'network_error' }[failure],
			text,
			accepted: unsent ? 'no' : 'maybe',
		});
	}

	private async backoff(attempt: number, askedMs: number | undefined, signal = this.signal()): Promise<void> {
		const wait = askedMs ?? BACKOFF_BASE_MS * 2 ** attempt;
		await abortableWait(Math.min(wait, MAX_RETRY_WAIT_MS), signal);
	}
}
