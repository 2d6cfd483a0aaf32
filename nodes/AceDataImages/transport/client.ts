import { capStream, type Readable } from './stream';
import { isMultipartBody, type MultipartBody } from './multipart';

import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IWebhookFunctions,
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

/** Where the client runs: a node's execution, or its webhook when AceData calls back (delivery Callback). */
export type NodeContext = IExecuteFunctions | IWebhookFunctions;

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
async function abortableWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
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
	failure: () => Error | undefined;
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

/** AceData's error fields, when the body is AceData's error JSON; `text` is any other body, scrubbed, then cut. */
function errorBody(body: unknown, token: string): { code?: string; message?: string; traceId?: string; text?: string } {
	if (!body || typeof body !== 'object') {
		const text = typeof body === 'string' ? redact(body, token).replace(/\s+/g, ' ').trim() : '';
		return text ? { text: text.length > 200 ? `${text.slice(0, 200)}…` : text } : {};
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

/**
 * The one place that talks to AceData: authentication, timeouts, error mapping, retries and downloads.
 */
export class AceDataClient {
	constructor(
		private readonly ctx: NodeContext,
		private readonly options: ClientOptions,
	) {}

	/** The credential's Base URL, without a trailing slash. */
	get baseUrl(): string {
		return this.options.baseUrl;
	}

	static async create(
		ctx: NodeContext,
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
		body: IDataObject | MultipartBody,
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
	 * Streams a hosted image. Plain `httpRequest`: the AceData token is never sent to the image host (redirects
	 * are followed, without it). The whole download must end within the Timeout option and stay under `maxBytes`.
	 */
	async download(url: string, maxBytes: number): Promise<Download> {
		const host = hostOf(url, '');
		const seconds = Math.round(this.options.timeoutMs / 1000);
		const failed = (reason: string, httpCode?: number) =>
			this.apiError({ httpCode, code: 'download_failed', apiMessage: `Could not download the image from ${host}: ${reason}`, source: 'node' });
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
					throw this.apiError({ code: 'cancelled', apiMessage: `The execution was cancelled while downloading the image from ${host}`, source: 'node' });
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
				let cut: Error | undefined;
				capStream(stream, maxBytes, 0, () => (cut = tooLarge()));
				// The deadline covers the whole body, not only the first byte: a trickling host is cut off.
				signal.addEventListener(
					'abort',
					() => {
						cut ??= deadline.aborted
							? failed(`it did not finish within ${seconds} s (the Timeout option)`)
							: this.apiError({ code: 'cancelled', apiMessage: `The node stopped while downloading the image from ${host}`, source: 'node' });
						stream.destroy(cut);
					},
					{ once: true },
				);
				const type = response.headers['content-type'];
				return { stream, host, contentType: typeof type === 'string' ? type : undefined, failure: () => cut };
			}
			stream.destroy?.();
			if (isRetryable(response.statusCode, 'transient') && attempt < MAX_RETRIES) {
				await this.backoff(attempt, retryAfterMs(response.headers));
				continue;
			}
			throw failed(`the image host answered HTTP ${response.statusCode}`, response.statusCode);
		}
	}

	/** The text with the token replaced: for anything taken from an answer before it is emitted. */
	scrub(text: string): string {
		return redact(text, this.options.token);
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
		// A webhook (a callback being answered) has no execution to cancel.
		return 'getExecutionCancelSignal' in this.ctx && typeof this.ctx.getExecutionCancelSignal === 'function'
			? this.ctx.getExecutionCancelSignal()
			: undefined;
	}

	private signal(): AbortSignal | undefined {
		return this.options.signal ?? this.executionSignal();
	}

	private async post(path: string, body: IDataObject | MultipartBody, policy: RetryPolicy, call: CallOptions = {}): Promise<unknown> {
		const billed = policy === 'notAccepted';
		const signal = billed ? this.executionSignal() : this.signal();
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: `${this.options.baseUrl}${path}`,
			json: !isMultipartBody(body),
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
			// A multipart body is made anew for every attempt: a stream is spent once sent.
			try {
				request.body = isMultipartBody(body) ? await body.open() : body;
			} catch (error) {
				const reason = (error as Error).message;
				throw this.apiError({ code: 'input_unreadable', apiMessage: `Could not read an input image from n8n's binary store: ${reason}`, source: 'node', accepted: 'no' });
			}
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
					await this.backoff(attempt, undefined, signal);
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
				const parsed = errorBody(answer, this.options.token);
				// AceData sometimes answers 200 with an error body: it refused the request.
				if (answer && typeof answer === 'object' && (answer as IDataObject).success === false && parsed.code) {
					throw this.apiError({
						httpCode: status,
						code: parsed.code,
						apiMessage: parsed.message ?? '',
						traceId: parsed.traceId,
						accepted: 'no',
					});
				}
				if (!answer || typeof answer !== 'object') {
					// Not AceData's JSON (a proxy's page?): whether a billed job was accepted cannot be told.
					throw this.apiError({
						httpCode: status,
						code: 'unexpected_answer',
						apiMessage: `The Base URL answered HTTP ${status} with something that is not AceData's JSON${parsed.text ? `: "${parsed.text}"` : ''}`,
						source: 'node',
						accepted: 'maybe',
					});
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
			const parsed = errorBody(answer, this.options.token);
			// A 5xx may come after AceData accepted the job; any 4xx means it did not.
			const accepted = status >= 500 ? 'maybe' : 'no';
			if (!parsed.code) {
				// Not AceData's error body: something on the way (proxy, gateway) answered. No AceData advice for it.
				throw this.apiError({
					httpCode: status,
					code: `http_${status}`,
					apiMessage: `The Base URL answered HTTP ${status} without AceData's error body, so something on the way (a proxy or gateway) refused the call${parsed.text || parsed.message ? `: "${parsed.text ?? parsed.message}"` : ''}`,
					source: 'node',
					accepted,
				});
			}
			throw this.apiError({
				httpCode: status,
				code: parsed.code,
				apiMessage: parsed.message ?? '',
				traceId: parsed.traceId,
				accepted,
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

	private async backoff(attempt: number, askedMs: number | undefined, signal = this.signal()): Promise<void> {
		const wait = askedMs ?? BACKOFF_BASE_MS * 2 ** attempt;
		await abortableWait(Math.min(wait, MAX_RETRY_WAIT_MS), signal);
	}
}
