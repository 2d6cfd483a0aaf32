import { parameterFailure } from '../failure/failure';
import * as words from '../failure/words';

/** Where requests go when the credential leaves the Base URL empty. */
const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/**
 * The credential's Base URL, checked before the first request: http or https, a host, no query or fragment;
 * surrounding spaces and trailing slashes dropped. Anything else is refused pointing at the credential.
 */
export function checkBaseUrl(value: unknown): string {
	const raw =
		typeof value === 'string'
			? value.trim()
			: value === undefined || value === null
				? ''
				: undefined;
	if (raw === undefined)
		throw parameterFailure('baseUrl', words.BASE_URL_NOT_TEXT, words.BASE_URL_HINT);
	if (raw === '') return DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw parameterFailure(
			'baseUrl',
			words.baseUrlNotAUrl(raw, DEFAULT_BASE_URL),
			words.BASE_URL_HINT,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw parameterFailure('baseUrl', words.baseUrlProtocol(url.protocol), words.BASE_URL_HINT);
	}
	if (!url.hostname) throw parameterFailure('baseUrl', words.BASE_URL_NO_HOST, words.BASE_URL_HINT);
	if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
		throw parameterFailure('baseUrl', words.BASE_URL_QUERY, words.BASE_URL_HINT);
	}
	if (url.username || url.password) {
		throw parameterFailure('baseUrl', words.BASE_URL_USER, words.BASE_URL_HINT);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The host of a URL (relative ones resolved against `base`), for messages: never its path or query. */
export function hostOf(url: string, base: string): string {
	try {
		return new URL(url, base || undefined).host || words.UNKNOWN_ADDRESS;
	} catch {
		return words.UNKNOWN_ADDRESS;
	}
}
