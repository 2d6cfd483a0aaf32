import * as words from '../failure/words';

/**
 * What went wrong below HTTP, told from the error or its causes (n8n wraps transport errors: the code sits on
 * `cause`). The one place that classifies a transport error; `http.ts` and `download.ts` decide from it whether to retry.
 */
/**
 * `unsent`: the request never left (bad URL, unsupported protocol, refused connection, unknown host). `blocked`: n8n
 * itself refused to send it, for the credential's Allowed HTTP Request Domains (n8n 2.x).
 */
export type TransportFailure = 'cancelled' | 'timeout' | 'unsent' | 'blocked' | 'reset' | 'other';

/** n8n's words when a credential's domain restriction stops a request (n8n-workflow's credential-domain-restrictions). */
const BLOCKED_BY_CREDENTIAL =
	/Domain not allowed: This credential is restricted|This credential is configured to prevent use|No allowed domains specified/;

const NOTHING_SENT = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_INVALID_URL',
	'ERR_UNSUPPORTED_PROTOCOL',
	'ERR_INVALID_PROTOCOL',
	'ERR_INVALID_ARG_TYPE',
]);
const TIMED_OUT = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);
const CANCELLED = new Set(['ERR_CANCELED', 'ABORT_ERR']);

export function classifyTransportError(error: unknown): TransportFailure {
	const seen: unknown[] = [];
	for (let current = error; current && typeof current === 'object' && seen.length < 5; ) {
		seen.push(current);
		current = (current as { cause?: unknown }).cause;
	}
	const codes = seen.map((entry) => String((entry as { code?: unknown }).code ?? ''));
	const names = seen.map((entry) => String((entry as { name?: unknown }).name ?? ''));
	const messages = seen
		.map((entry) => String((entry as { message?: unknown }).message ?? ''))
		.join(' ');
	if (
		codes.some((code) => CANCELLED.has(code)) ||
		names.some((name) => name === 'AbortError' || name === 'CanceledError')
	) {
		return 'cancelled';
	}
	if (BLOCKED_BY_CREDENTIAL.test(messages)) return 'blocked';
	if (codes.some((code) => TIMED_OUT.has(code)) || /timeout|timed out/i.test(messages))
		return 'timeout';
	if (
		codes.some((code) => NOTHING_SENT.has(code)) ||
		/invalid url|unsupported protocol/i.test(messages)
	)
		return 'unsent';
	if (
		codes.some((code) => code === 'ECONNRESET' || code === 'EPIPE') ||
		/socket hang up|ECONNRESET/i.test(messages)
	) {
		return 'reset';
	}
	return 'other';
}

/** What a transport error's code (on the error or one of its causes) means, in words, for messages. */
export function transportCode(error: unknown): string | undefined {
	for (
		let current = error, depth = 0;
		current && typeof current === 'object' && depth < 5;
		depth++
	) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code))
			return words.transportCodeWords(code);
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}
