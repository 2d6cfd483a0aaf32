import { NodeApiError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

import type { AceDataErrorDetails } from './types';

const CREDENTIAL_CODES = new Set(['invalid_token', 'token_expired', 'no_token', 'token_mismatched']);

/**
 * What the user should do about each error code AceData sends; the node's own messages already say it.
 * `billed`: the item's job may have cost money, so no advice may suggest running it again.
 */
export function adviceFor(details: AceDataErrorDetails, billed = false): string {
	const { code, apiMessage } = details;
	if (details.source === 'node') return apiMessage;
	if (code === 'used_up') {
		return `Your AceData balance is used up: top up your AceData Cloud account${billed ? '' : ', then run the workflow again'}`;
	}
	if (CREDENTIAL_CODES.has(code)) {
		return `AceData refused the API token (${code}): check the API Token of the AceData Cloud API credential`;
	}
	if (code === 'too_many_requests' || code === 'rate_limited') {
		return `AceData rate limit reached: lower the Concurrency option${billed ? '' : ' or run again in a moment'}`;
	}
	if (code === 'forbidden') {
		return billed ? `AceData refused the request (forbidden): ${apiMessage || 'no details'}` : "AceData's moderation rejected the prompt: rephrase it and run again";
	}
	if (code === 'timeout') {
		return 'The generation took longer than AceData waits for an answer: set Delivery to Poll (or Submit) for slow models and large sizes';
	}
	if (code === 'disabled') return 'Your AceData application is disabled: check it in the AceData Cloud console';
	if (code === 'no_api') return 'AceData has no such endpoint: check the Base URL of the credential';
	if (code === 'api_error') return `AceData's upstream image service failed: ${apiMessage || 'no details'}`;
	if (code === 'bad_request') return `AceData refused the request: ${apiMessage || 'bad request'}`;
	return `AceData error ${code}${apiMessage ? `: ${apiMessage}` : ''}`;
}

/** Replaces every occurrence of the token so that no message, description or output can carry it. */
export function redact(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4) return text;
	return text.split(secret).join('[redacted]');
}

export function createApiError(node: INode, details: AceDataErrorDetails, itemIndex?: number): NodeApiError {
	const parts = [
		details.source !== 'node' && details.apiMessage ? `AceData says: ${details.apiMessage}` : undefined,
		`code: ${details.code}`,
		details.httpCode ? `HTTP ${details.httpCode}` : undefined,
		details.taskId ? `task ID: ${details.taskId}` : undefined,
		details.traceId ? `trace ID: ${details.traceId}` : undefined,
	].filter(Boolean);
	const response: JsonObject = {
		code: details.code,
		message: details.apiMessage,
		...(details.traceId ? { trace_id: details.traceId } : {}),
		...(details.taskId ? { task_id: details.taskId } : {}),
	};
	const error = new NodeApiError(node, response, {
		message: adviceFor(details),
		description: parts.join(' · '),
		httpCode: details.httpCode ? String(details.httpCode) : undefined,
		itemIndex,
	});
	// Keep the machine-readable fields where Continue On Fail output and callers can read them.
	error.context.aceData = response;
	error.context.details = { ...details };
	if (details.accepted) error.context.accepted = details.accepted;
	return error;
}

/** The AceData fields an error carries (code, task and trace IDs), if it is one of the node's. */
export function aceDataOf(error: unknown): IDataObject {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	return (context?.aceData as IDataObject | undefined) ?? {};
}

/**
 * Whether AceData may have accepted (and billed) the request that failed: `no` when it surely did not
 * (refused connection, an HTTP 4xx, a redirect), `maybe` when the answer was lost (timeout, dropped connection, 5xx).
 */
export function acceptedBy(error: unknown): 'no' | 'maybe' {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	return context?.accepted === 'no' ? 'no' : 'maybe';
}

/** What went wrong below HTTP, from the error or its causes (n8n wraps transport errors: the code sits on `cause`). */
export type TransportFailure = 'cancelled' | 'timeout' | 'refused' | 'reset' | 'other';

const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const CANCELLED = new Set(['ERR_CANCELED', 'ABORT_ERR']);

export function classifyTransportError(error: unknown): TransportFailure {
	const seen: unknown[] = [];
	for (let current = error; current && typeof current === 'object' && seen.length < 5; ) {
		seen.push(current);
		current = (current as { cause?: unknown }).cause;
	}
	const codes = seen.map((entry) => String((entry as { code?: unknown }).code ?? ''));
	const names = seen.map((entry) => String((entry as { name?: unknown }).name ?? ''));
	const messages = seen.map((entry) => String((entry as { message?: unknown }).message ?? '')).join(' ');
	if (codes.some((code) => CANCELLED.has(code)) || names.some((name) => name === 'AbortError' || name === 'CanceledError')) {
		return 'cancelled';
	}
	if (codes.some((code) => TIMED_OUT.has(code)) || /timeout|timed out/i.test(messages)) return 'timeout';
	if (codes.some((code) => NOTHING_SENT.has(code))) return 'refused';
	if (codes.some((code) => code === 'ECONNRESET' || code === 'EPIPE') || /socket hang up|ECONNRESET/i.test(messages)) {
		return 'reset';
	}
	return 'other';
}

/** Words for transport codes. The raw codes stay out of messages: n8n replaces a message that holds one with its own. */
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection closed while sending',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host name lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'timed out',
};

/** What a transport error's code (on the error or one of its causes) means, in words, for messages. */
export function transportCode(error: unknown): string | undefined {
	for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return CODE_WORDS[code] ?? code.toLowerCase().replace(/_/g, ' ');
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
