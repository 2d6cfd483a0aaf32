import type { Readable } from './stream';

import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import { classifyTransportError, createApiError, redact, transportCode } from './errors';
import type {
	AceDataErrorDetails,
	AsyncAcknowledgement,
	ImagesAnswer,
	TaskBatch,
	TaskRecord,
} from './types';

export const CREDENTIAL_TYPE = 'aceDataCloudApi';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';
/** Image models take 60–300 s, 4K images several minutes: one request may wait this long by default. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

/** Billed submissions are retried only where AceData did not accept them; free calls on any transient failure. */
type RetryPolicy = 'notAccepted' | 'transient';

const MAX_RETRIES = 3;
const BACKOFF_BASE_MS = 500;
const MAX_RETRY_WAIT_MS = 60_000;
/** Waits check for cancellation this often. */
const ABORT_CHECK_MS = 100;
/** retrieve_batch pages beyond this many pages are not followed (AceData pages 12 by default; the node asks for all). */
const MAX_BATCH_PAGES = 20;

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
	contentType?: string;
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

function errorBody(body: unknown): { code?: string; message?: string; traceId?: string } {
	if (!body || typeof body !== 'object') {
		return typeof body === 'string' && body.trim() ? { message: body.trim().slice(0, 300) } : {};
	}
	const record = body as IDataObject;
	const error = (record.error ?? {}) as IDataObject;
	return {
		code: typeof error.code === 'string' ? error.code : undefined,
		message:
			typeof error.message === 'string'
				? error.message
				: typeof record.message === 'string'
					? record.message
					: undefined,
		traceId: typeof record.trace_id === 'string' ? record.trace_id : undefined,
	};
}

function isRecord(value: unknown): value is TaskRecord {
	return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
}

/** The host of a URL (relative ones resolved against `base`), for messages: never its path or query. */
function hostOf(url: string, base: string): string {
	try {
		return new URL(url, base || undefined).host || 'an unknown address';
	} catch {
		return 'an unknown address';
	}
}

const CODE_BY_STATUS: Record<number, string> = {
	400: 'bad_request',
	401: 'invalid_token',
	403: 'forbidden',
	404: 'no_api',
	429: 'too_many_requests',
	500: 'api_error',
	502: 'api_error',
	503: 'api_error',
	504: 'timeout',
};

/**
 * The one place that talks to AceData: authentication, timeouts, error mapping, retries and downloads.
 */
export class AceDataClient {
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly options: ClientOptions,
	) {}

	static async create(
		ctx: IExecuteFunctions,
		itemIndex: number,
		timeoutSeconds?: number,
		signal?: AbortSignal,
	): Promise<AceDataClient> {
		const credentials = await ctx.getCredentials<{ apiToken?: string; baseUrl?: string }>(CREDENTIAL_TYPE, itemIndex);
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
		const seconds = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
		return new AceDataClient(ctx, {
			baseUrl,
			token: String(credentials.apiToken ?? ''),
			timeoutMs: seconds * 1000,
			itemIndex,
			signal,
		});
	}

	get timeoutMs(): number {
		return this.options.timeoutMs;
	}

	withItem(itemIndex: number): AceDataClient {
		return new AceDataClient(this.ctx, { ...this.options, itemIndex });
	}

	/** The same client, stopped early by `signal` (free calls and waits only). */
	withSignal(signal: AbortSignal): AceDataClient {
		return new AceDataClient(this.ctx, { ...this.options, signal });
	}

	/**
	 * Billed: `POST /openai/images/{generations|edits}`. Resent only where AceData surely did not accept it (429,
	 * a refused connection); a failure records on the error whether AceData may have accepted the job.
	 */
	async submitImages(
		endpoint: 'generations' | 'edits',
		body: IDataObject | Buffer,
		headers?: IDataObject,
	): Promise<ImagesAnswer | AsyncAcknowledgement> {
		return (await this.post(`/openai/images/${endpoint}`, body, 'notAccepted', { headers })) as ImagesAnswer;
	}

	/** Free. Null when AceData does not know the id (it answers `{}`) or answers for another task. */
	async retrieveTask(taskId: string, call?: CallOptions): Promise<TaskRecord | null> {
		const record = (await this.post('/openai/tasks', { action: 'retrieve', id: taskId }, 'transient', call)) as TaskRecord;
		if (!isRecord(record)) return null;
		return record.id === undefined || record.id === taskId ? record : null;
	}

	/** Free: the job submitted with this trace ID, or null when AceData has no record of it. */
	async retrieveByTrace(traceId: string, call?: CallOptions): Promise<TaskRecord | null> {
		const record = (await this.post('/openai/tasks', { action: 'retrieve', trace_id: traceId }, 'transient', call)) as TaskRecord;
		if (!isRecord(record)) return null;
		return record.trace_id === undefined || record.trace_id === traceId ? record : null;
	}

	/**
	 * Free: one request for many tasks. AceData answers 12 records unless `limit` is sent, so it is, and further
	 * pages are followed while records are missing. Records for ids not asked for are dropped.
	 */
	async retrieveTasks(taskIds: string[], call?: CallOptions): Promise<Map<string, TaskRecord>> {
		const wanted = new Set(taskIds);
		const found = new Map<string, TaskRecord>();
		let offset = 0;
		for (let page = 0; page < MAX_BATCH_PAGES; page++) {
			const batch = (await this.post(
				'/openai/tasks',
				{ action: 'retrieve_batch', ids: taskIds, offset, limit: taskIds.length },
				'transient',
				call,
			)) as TaskBatch;
			const items = Array.isArray(batch?.items) ? batch.items : [];
			for (const record of items) {
				if (isRecord(record) && typeof record.id === 'string' && wanted.has(record.id)) found.set(record.id, record);
			}
			offset += items.length;
			const total = typeof batch?.count === 'number' ? batch.count : offset;
			if (items.length === 0 || found.size >= wanted.size || offset >= total) break;
		}
		return found;
	}

	/**
	 * Streams a hosted image. Plain `httpRequest`: the AceData token is never sent to the image host.
	 */
	async download(url: string): Promise<Download> {
		for (let attempt = 0; ; attempt++) {
			let response: IN8nHttpFullResponse;
			try {
				response = (await this.ctx.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: this.options.timeoutMs,
					abortSignal: this.signal(),
				})) as IN8nHttpFullResponse;
			} catch (error) {
				if (attempt < MAX_RETRIES && !this.cancelled() && classifyTransportError(error) !== 'cancelled') {
					await this.backoff(attempt, undefined);
					continue;
				}
				const failure = this.cancelled() ? 'cancelled' : classifyTransportError(error);
				throw this.apiError({
					code: failure === 'cancelled' ? 'cancelled' : 'download_failed',
					apiMessage:
						failure === 'timeout'
							? `Could not download the image from ${hostOf(url, '')}: no answer within ${Math.round(this.options.timeoutMs / 1000)} s (the Timeout option)`
							: `Could not download the image from ${hostOf(url, '')}: ${failure === 'cancelled' ? 'the execution was cancelled' : (transportCode(error) ?? 'connection failed')}`,
					source: 'node',
				});
			}
			const stream = response.body as Readable;
			if (response.statusCode < 300) {
				const type = response.headers['content-type'];
				return { stream, contentType: typeof type === 'string' ? type : undefined };
			}
			stream.destroy?.();
			if (isRetryable(response.statusCode, 'transient') && attempt < MAX_RETRIES) {
				await this.backoff(attempt, retryAfterMs(response.headers));
				continue;
			}
			throw this.apiError({
				httpCode: response.statusCode,
				code: 'download_failed',
				apiMessage: `Could not download the image: the image host answered HTTP ${response.statusCode} for ${this.describeUrl(url)}`,
				source: 'node',
			});
		}
	}

	apiError(details: AceDataErrorDetails): NodeApiError {
		const token = this.options.token;
		const scrub = (text: string | undefined) => (text === undefined ? undefined : redact(text, token));
		return createApiError(
			this.ctx.getNode(),
			{
				...details,
				code: redact(details.code, token),
				apiMessage: redact(details.apiMessage, token),
				traceId: scrub(details.traceId),
				taskId: scrub(details.taskId),
			},
			this.options.itemIndex,
		);
	}

	/** True once the execution was cancelled or the node stopped its remaining work. */
	cancelled(): boolean {
		return this.signal()?.aborted === true;
	}

	/** Pauses up to `ms`, returning early when the client's signal aborts. */
	async wait(ms: number): Promise<void> {
		await abortableWait(ms, this.signal());
	}

	private executionSignal(): AbortSignal | undefined {
		return typeof this.ctx.getExecutionCancelSignal === 'function' ? this.ctx.getExecutionCancelSignal() : undefined;
	}

	private signal(): AbortSignal | undefined {
		return this.options.signal ?? this.executionSignal();
	}

	private async post(path: string, body: IDataObject | Buffer, policy: RetryPolicy, call: CallOptions = {}): Promise<unknown> {
		const billed = policy === 'notAccepted';
		const signal = billed ? this.executionSignal() : this.signal();
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: `${this.options.baseUrl}${path}`,
			body,
			json: !Buffer.isBuffer(body),
			headers: { accept: 'application/json', ...call.headers },
			timeout: call.timeoutMs ?? this.options.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The token goes to the Base URL only: a redirect is reported, never followed (nor resent when billed).
			disableFollowRedirect: true,
			abortSignal: signal,
		};
		const maxRetries = call.retries ?? MAX_RETRIES;
		for (let attempt = 0; ; attempt++) {
			let response: IN8nHttpFullResponse;
			try {
				response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					CREDENTIAL_TYPE,
					request,
				)) as IN8nHttpFullResponse;
			} catch (error) {
				const failure = signal?.aborted ? 'cancelled' : classifyTransportError(error);
				// A refused connection never reached AceData: nothing can have been billed, so it is safe to try again.
				const retry = failure === 'refused' || (!billed && failure !== 'cancelled');
				if (retry && attempt < maxRetries) {
					await abortableWait(BACKOFF_BASE_MS * 2 ** attempt, signal);
					if (!signal?.aborted) continue;
				}
				throw this.networkError(error, failure, path, billed, request.timeout as number);
			}
			const status = response.statusCode;
			let answer: unknown = response.body;
			if (typeof answer === 'string' && answer.trim().startsWith('{')) {
				try {
					answer = JSON.parse(answer);
				} catch {
					// not JSON after all: reported as text below
				}
			}
			if (status >= 200 && status < 300) {
				const parsed = errorBody(answer);
				// Some gateways answer 200 with an error body.
				if (answer && typeof answer === 'object' && (answer as IDataObject).success === false && parsed.code) {
					throw this.apiError({ httpCode: status, code: parsed.code, apiMessage: parsed.message ?? '', traceId: parsed.traceId });
				}
				return answer;
			}
			if (status >= 300 && status < 400) {
				const location = String(response.headers.location ?? '');
				throw this.apiError({
					httpCode: status,
					code: 'redirect',
					apiMessage: `The Base URL answered with a redirect (HTTP ${status}) to ${hostOf(location, this.options.baseUrl)}: the node does not follow it, so the token stays with the Base URL. Set the credential's Base URL to the final address`,
					source: 'node',
					accepted: 'no',
				});
			}
			if (isRetryable(status, policy) && attempt < maxRetries && !signal?.aborted) {
				await this.backoff(attempt, retryAfterMs(response.headers), signal);
				if (!signal?.aborted) continue;
			}
			const parsed = errorBody(answer);
			throw this.apiError({
				httpCode: status,
				code: parsed.code ?? CODE_BY_STATUS[status] ?? `http_${status}`,
				apiMessage: parsed.message ?? '',
				traceId: parsed.traceId,
				// A 5xx may come after AceData accepted the job; any 4xx means it did not.
				accepted: status >= 500 ? 'maybe' : 'no',
			});
		}
	}

	private networkError(
		error: unknown,
		failure: ReturnType<typeof classifyTransportError>,
		path: string,
		billed: boolean,
		timeoutMs: number,
	): NodeApiError {
		const what = billed ? 'the image request' : 'the task look-up';
		const maybe = billed ? ': AceData may have accepted it' : '';
		const code = transportCode(error);
		const message = {
			cancelled: `The execution was cancelled during ${what} (${path})${maybe}`,
			timeout: `No answer from AceData within ${Math.round(timeoutMs / 1000)} s (the Timeout option) for ${what} (${path})${maybe}`,
			refused: `Could not connect to ${hostOf(this.options.baseUrl, '')} (${code ?? 'connection refused'}): nothing was sent; check the Base URL and the network`,
			reset: `The connection to AceData dropped during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
			other: `The connection to AceData failed during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
		}[failure];
		return this.apiError({
			code: { cancelled: 'cancelled', timeout: 'client_timeout', refused: 'unreachable', reset: 'connection_reset', other: 'network_error' }[failure],
			apiMessage: message,
			source: 'node',
			accepted: failure === 'refused' ? 'no' : 'maybe',
		});
	}

	private describeUrl(url: string): string {
		// Signed image links carry their signature in the query: report the host and path only.
		return url.split('?')[0];
	}

	private async backoff(attempt: number, askedMs: number | undefined, signal = this.signal()): Promise<void> {
		const wait = askedMs ?? BACKOFF_BASE_MS * 2 ** attempt;
		await abortableWait(Math.min(wait, MAX_RETRY_WAIT_MS), signal);
	}
}
