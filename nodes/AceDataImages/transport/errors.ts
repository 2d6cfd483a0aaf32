import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import type { AceDataErrorDetails } from './types';

const CREDENTIAL_CODES = new Set(['invalid_token', 'token_expired', 'no_token', 'token_mismatched']);

/** What the user should do about each AceData error code. */
export function adviceFor(details: AceDataErrorDetails): string {
	const { code, apiMessage } = details;
	if (code === 'used_up') {
		return 'Your AceData balance is used up: top up your AceData Cloud account, then run the workflow again';
	}
	if (CREDENTIAL_CODES.has(code)) {
		return `AceData refused the API token (${code}): check the API Token of the AceData Cloud API credential`;
	}
	if (code === 'too_many_requests' || code === 'rate_limited') {
		return 'AceData rate limit reached: lower the Concurrency option or run again in a moment';
	}
	if (code === 'forbidden') {
		return "AceData's moderation rejected the prompt: rephrase it and run again";
	}
	if (code === 'timeout') {
		return 'The generation took longer than AceData waits for an answer: set Delivery to Poll (or Submit) for slow models and large sizes';
	}
	if (code === 'disabled') return 'Your AceData application is disabled: check it in the AceData Cloud console';
	if (code === 'no_api') return 'AceData has no such endpoint: check the Base URL of the credential';
	if (code === 'api_error') return `AceData's upstream image service failed: ${apiMessage || 'no details'}; run again later`;
	if (code === 'task_failed') return `The AceData task failed: ${apiMessage || 'no details'}`;
	if (code === 'task_not_found') return apiMessage;
	if (code === 'poll_timeout') return apiMessage;
	if (code === 'network_error') return `Could not reach AceData: ${apiMessage}`;
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
		details.apiMessage ? `AceData says: ${details.apiMessage}` : undefined,
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
	return error;
}
