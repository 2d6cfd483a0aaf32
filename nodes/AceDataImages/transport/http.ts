import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { Failure, formatSeconds, type Billing } from '../failure/failure';
import * as words from '../failure/words';
import { hostOf } from './baseUrl';
import { classifyTransportError, transportCode, type TransportFailure } from './errors';
import { isMultipartBody, type MultipartBody } from './multipart';
import { MAX_RETRIES, backoff, isRetryable, retryAfterMs, type RetryPolicy } from './retry';
import { parseErrorBody, scrubDeep } from './schemas';
import { CREDENTIAL_TYPE, type Session } from './session';

/**
 * The HTTP engine: one call to the Base URL with its retries. Each attempt is sent as it is (`attempt`), then what
 * came back is interpreted on its own (`interpretResponse`, `interpretError`): AceData's JSON, scrubbed of the token,
 * or a typed `Failure` that says whether it may be asked again and whether AceData may have accepted a billed job.
 */

export interface CallOptions {
	headers?: IDataObject;
	/** Overrides the Timeout option for this call (a look-up must not outlive Max Wait). */
	timeoutMs?: number;
	/** Retries of a free call on a transient failure (default 3). */
	retries?: number;
}

/** What a failure says about the call it ended: the path, whether it was billed, its timeout. */
interface CallFacts {
	path: string;
	billed: boolean;
	timeoutMs: number;
}

/** What one attempt came to: AceData's answer, or the failure the call ends with unless it is tried again. */
type Outcome =
	| { ok: true; answer: unknown }
	| { ok: false; failure: Failure; retryable: boolean; retryAfterMs?: number };

/** A failure that asking again would not change. */
const final = (failure: Failure): Outcome => ({ ok: false, failure, retryable: false });

/** `POST` to the Base URL: a JSON or multipart body, the Timeout option unless `call` overrides it. */
export async function post(
	session: Session,
	path: string,
	body: IDataObject | MultipartBody,
	policy: RetryPolicy,
	call: CallOptions = {},
): Promise<unknown> {
	return await send(
		session,
		{
			method: 'POST',
			url: `${session.options.baseUrl}${path}`,
			json: !isMultipartBody(body),
			headers: call.headers,
			timeout: call.timeoutMs ?? session.options.timeoutMs,
		},
		policy,
		call.retries ?? MAX_RETRIES,
		body,
	);
}

/** One call with its retries; the answer's JSON, scrubbed. Every way it can fail is a `Failure`. */
export async function send(
	session: Session,
	base: IHttpRequestOptions,
	policy: RetryPolicy,
	maxRetries: number,
	body?: IDataObject | MultipartBody,
): Promise<unknown> {
	const billed = policy === 'notAccepted';
	const signal = billed ? session.executionSignal() : session.signal();
	const request = requestOptions(base, signal);
	const facts: CallFacts = {
		path: new URL(base.url).pathname,
		billed,
		timeoutMs: request.timeout as number,
	};
	for (let attempt = 0; ; attempt++) {
		if (signal?.aborted) throw networkFailure(session, undefined, 'cancelled', facts, false);
		// A multipart body is made anew for every attempt: a stream is spent once sent.
		if (body !== undefined) request.body = await openBody(session, body);
		const sent = await attemptOnce(session, request);
		const outcome =
			'error' in sent
				? interpretError(session, sent.error, signal, facts)
				: interpretResponse(session, sent.response, policy);
		if (outcome.ok) return outcome.answer;
		if (outcome.retryable && attempt < maxRetries && !signal?.aborted) {
			await backoff(attempt, outcome.retryAfterMs, signal);
			if (!signal?.aborted) continue;
		}
		throw outcome.failure;
	}
}

/** The request as every attempt sends it: full responses whatever the status, redirects refused, `signal` to abort. */
function requestOptions(
	base: IHttpRequestOptions,
	signal: AbortSignal | undefined,
): IHttpRequestOptions {
	return {
		...base,
		headers: { accept: 'application/json', ...base.headers },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// The token goes to the Base URL only: a redirect is reported, never followed (nor resent when billed).
		disableFollowRedirect: true,
		abortSignal: signal,
	};
}

/** The body to send in this attempt: a multipart body opened anew (its input images read from n8n's store). */
async function openBody(
	session: Session,
	body: IDataObject | MultipartBody,
): Promise<IHttpRequestOptions['body']> {
	try {
		return isMultipartBody(body) ? await body.open() : body;
	} catch (error) {
		throw session.failure({
			kind: 'parameter',
			code: 'input_unreadable',
			text: words.inputUnreadable((error as Error)?.message),
			billing: 'none',
			hint: words.NOTHING_SENT_AGAIN,
		});
	}
}

/** Sends the request once, with n8n's credential: the response whatever its status, or what was thrown. */
async function attemptOnce(
	session: Session,
	request: IHttpRequestOptions,
): Promise<{ response: IN8nHttpFullResponse } | { error: unknown }> {
	try {
		return {
			response: (await session.ctx.helpers.httpRequestWithAuthentication.call(
				session.ctx,
				CREDENTIAL_TYPE,
				request,
			)) as IN8nHttpFullResponse,
		};
	} catch (error) {
		return { error };
	}
}

/** What a request that brought no response means: a typed network failure, retryable where that is safe. */
function interpretError(
	session: Session,
	error: unknown,
	signal: AbortSignal | undefined,
	facts: CallFacts,
): Outcome {
	const failure = signal?.aborted ? 'cancelled' : classifyTransportError(error);
	// A connection never made reached nothing: nothing can have been billed, so it is safe to try again.
	// n8n's own refusal (the credential's domains) will refuse again.
	const retryable =
		failure === 'unsent' || (!facts.billed && failure !== 'cancelled' && failure !== 'blocked');
	return { ok: false, failure: networkFailure(session, error, failure, facts, true), retryable };
}

/** What a response means, by its status: the answer (2xx), a redirect refused, or AceData's (or a proxy's) error. */
function interpretResponse(
	session: Session,
	response: IN8nHttpFullResponse,
	policy: RetryPolicy,
): Outcome {
	const status = response.statusCode;
	const answer = scrubDeep(jsonOf(response.body), session.options.token);
	if (status >= 200 && status < 300) return interpretSuccess(session, status, answer);
	if (status >= 300 && status < 400)
		return final(redirectFailure(session, status, response.headers));
	return {
		ok: false,
		failure: statusFailure(session, status, answer),
		retryable: isRetryable(status, policy),
		retryAfterMs: retryAfterMs(response.headers),
	};
}

/** The body as JSON when it is JSON (n8n hands over a string when the server's content type is not JSON). */
function jsonOf(body: unknown): unknown {
	if (typeof body === 'string' && /^\s*[{[]/.test(body)) {
		try {
			return JSON.parse(body) as unknown;
		} catch {
			return body;
		}
	}
	return body;
}

function interpretSuccess(session: Session, status: number, answer: unknown): Outcome {
	const parsed = parseErrorBody(answer);
	// AceData sometimes answers 200 with an error body: it refused the request.
	if (parsed.refused && parsed.code) {
		return final(
			session.failure({
				kind: 'api',
				httpStatus: status,
				code: parsed.code,
				text: parsed.message ?? '',
				traceId: parsed.traceId,
				billing: 'none',
			}),
		);
	}
	if (!answer || typeof answer !== 'object') {
		// Not AceData's JSON (a proxy's page?): whether a billed job was accepted cannot be told.
		return final(
			session.failure({
				kind: 'proxy',
				httpStatus: status,
				code: 'unexpected_answer',
				text: words.notAceDataJson(status, parsed.text),
				billing: 'maybe',
			}),
		);
	}
	return { ok: true, answer };
}

function redirectFailure(session: Session, status: number, headers: IDataObject): Failure {
	const location = session.scrub(String(headers.location ?? ''));
	return session.failure({
		kind: 'proxy',
		httpStatus: status,
		code: 'redirect',
		text: words.redirectRefused(status, hostOf(location, session.options.baseUrl)),
		billing: 'none',
	});
}

/** An error status: AceData's error body, or something on the way that answered instead. */
function statusFailure(session: Session, status: number, answer: unknown): Failure {
	const parsed = parseErrorBody(answer);
	// A 5xx may come after AceData accepted the job; any 4xx means it did not.
	const billing: Billing = status >= 500 ? 'maybe' : 'none';
	if (!parsed.code) {
		// Not AceData's error body: something on the way (proxy, gateway) answered. No AceData advice for it.
		const quote = parsed.text ?? parsed.message;
		return session.failure({
			kind: 'proxy',
			httpStatus: status,
			code: `http_${status}`,
			text: words.proxyRefused(status, quote),
			billing,
		});
	}
	return session.failure({
		kind: 'api',
		httpStatus: status,
		code: parsed.code,
		text: parsed.message ?? '',
		traceId: parsed.traceId,
		billing,
	});
}

/** n8n refused to send the request: the credential's Allowed HTTP Request Domains leave out the Base URL's host. */
function blockedByCredential(session: Session): Failure {
	const host = new URL(session.options.baseUrl).hostname;
	return new Failure({
		kind: 'parameter',
		code: 'domain_not_allowed',
		text: words.domainNotAllowed(host),
		parameter: 'credential',
		billing: 'none',
		hint: words.domainNotAllowedHint(host),
	});
}

function networkFailure(
	session: Session,
	error: unknown,
	failure: TransportFailure,
	{ path, billed, timeoutMs }: CallFacts,
	attempted: boolean,
): Failure {
	if (failure === 'blocked') return blockedByCredential(session);
	// Cancelled before the request left: nothing was sent.
	const unsent = failure === 'unsent' || (failure === 'cancelled' && !attempted);
	const text = words.networkFailure(failure, {
		what: words.callWhat(billed),
		path,
		attempted,
		mayHaveAccepted: billed && !unsent,
		seconds: formatSeconds(timeoutMs / 1000),
		host: hostOf(session.options.baseUrl, ''),
		code: transportCode(error),
	});
	return session.failure({
		kind: failure === 'cancelled' ? 'cancelled' : 'transport',
		code: {
			cancelled: 'cancelled',
			timeout: 'client_timeout',
			unsent: 'unreachable',
			reset: 'connection_reset',
			other: 'network_error',
		}[failure],
		text,
		billing: unsent ? 'none' : 'maybe',
	});
}
