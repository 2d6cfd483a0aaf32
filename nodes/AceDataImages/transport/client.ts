import type { Readable } from './stream';

import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import { createApiError, redact } from './errors';
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

export interface ClientOptions {
	baseUrl: string;
	/** Only used to scrub the token from anything the node reports; auth goes through n8n's credential. */
	token: string;
	timeoutMs: number;
	itemIndex: number;
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

	static async create(ctx: IExecuteFunctions, itemIndex: number, timeoutSeconds?: number): Promise<AceDataClient> {
		const credentials = await ctx.getCredentials<{ apiToken?: string; baseUrl?: string }>(CREDENTIAL_TYPE, itemIndex);
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
		const seconds = timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : DEFAULT_TIMEOUT_SECONDS;
		return new AceDataClient(ctx, {
			baseUrl,
			token: String(credentials.apiToken ?? ''),
			timeoutMs: seconds * 1000,
			itemIndex,
		});
	}

	withItem(itemIndex: number): AceDataClient {
		return new AceDataClient(this.ctx, { ...this.options, itemIndex });
	}

	/** Billed: `POST /openai/images/{generations|edits}`. Never retried once AceData may have accepted it. */
	async submitImages(
		endpoint: 'generations' | 'edits',
		body: IDataObject | Buffer,
		headers?: IDataObject,
	): Promise<ImagesAnswer | AsyncAcknowledgement> {
		return (await this.post(`/openai/images/${endpoint}`, body, 'notAccepted', headers)) as ImagesAnswer;
	}

	/** Free. Null when AceData does not know the id (it answers `{}`). */
	async retrieveTask(taskId: string): Promise<TaskRecord | null> {
		const record = (await this.post('/openai/tasks', { action: 'retrieve', id: taskId }, 'transient')) as TaskRecord;
		return record && typeof record === 'object' && Object.keys(record).length > 0 ? record : null;
	}

	/** Free: one request for many tasks. */
	async retrieveTasks(taskIds: string[]): Promise<TaskRecord[]> {
		const batch = (await this.post(
			'/openai/tasks',
			{ action: 'retrieve_batch', ids: taskIds },
			'transient',
		)) as TaskBatch;
		return Array.isArray(batch?.items) ? batch.items : [];
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
					abortSignal: this.cancelSignal(),
				})) as IN8nHttpFullResponse;
			} catch (error) {
				if (attempt < MAX_RETRIES && !this.cancelled()) {
					await this.backoff(attempt, undefined);
					continue;
				}
				throw this.networkError(error, `downloading ${this.describeUrl(url)}`);
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
				apiMessage: `the image host answered HTTP ${response.statusCode} for ${this.describeUrl(url)}`,
			});
		}
	}

	apiError(details: AceDataErrorDetails): NodeApiError {
		const token = this.options.token;
		return createApiError(
			this.ctx.getNode(),
			{ ...details, apiMessage: redact(details.apiMessage, token) },
			this.options.itemIndex,
		);
	}

	cancelled(): boolean {
		return this.cancelSignal()?.aborted === true;
	}

	private cancelSignal(): AbortSignal | undefined {
		return typeof this.ctx.getExecutionCancelSignal === 'function' ? this.ctx.getExecutionCancelSignal() : undefined;
	}

	private async post(path: string, body: IDataObject | Buffer, policy: RetryPolicy, headers?: IDataObject): Promise<unknown> {
		const request: IHttpRequestOptions = {
			method: 'POST',
			url: `${this.options.baseUrl}${path}`,
			body,
			json: !Buffer.isBuffer(body),
			headers: { accept: 'application/json', ...headers },
			timeout: this.options.timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: this.cancelSignal(),
		};
		for (let attempt = 0; ; attempt++) {
			let response: IN8nHttpFullResponse;
			try {
				response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
					this.ctx,
					CREDENTIAL_TYPE,
					request,
				)) as IN8nHttpFullResponse;
			} catch (error) {
				// A connection that was refused never reached AceData: nothing can have been billed.
				const refused = (error as { code?: string })?.code === 'ECONNREFUSED';
				if ((policy === 'transient' || refused) && attempt < MAX_RETRIES && !this.cancelled()) {
					await this.backoff(attempt, undefined);
					continue;
				}
				throw this.networkError(error, `calling ${path}`);
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
			if (isRetryable(status, policy) && attempt < MAX_RETRIES && !this.cancelled()) {
				await this.backoff(attempt, retryAfterMs(response.headers));
				continue;
			}
			const parsed = errorBody(answer);
			throw this.apiError({
				httpCode: status,
				code: parsed.code ?? CODE_BY_STATUS[status] ?? `http_${status}`,
				apiMessage: parsed.message ?? '',
				traceId: parsed.traceId,
			});
		}
	}

	private networkError(error: unknown, what: string): NodeApiError {
		if (this.cancelled()) {
			return this.apiError({ code: 'cancelled', apiMessage: 'the execution was cancelled' });
		}
		const code = String((error as { code?: string })?.code ?? '');
		const message = (error as { message?: string })?.message ?? 'unknown error';
		const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
		return this.apiError({
			code: timedOut ? 'timeout' : 'network_error',
			apiMessage: timedOut
				? `no answer within ${Math.round(this.options.timeoutMs / 1000)} s while ${what}`
				: `${message}${code ? ` (${code})` : ''} while ${what}`,
		});
	}

	private describeUrl(url: string): string {
		// Signed image links carry their signature in the query: report the host and path only.
		return url.split('?')[0];
	}

	private async backoff(attempt: number, askedMs: number | undefined): Promise<void> {
		const wait = askedMs ?? BACKOFF_BASE_MS * 2 ** attempt;
		await sleep(Math.min(wait, MAX_RETRY_WAIT_MS));
	}
}
