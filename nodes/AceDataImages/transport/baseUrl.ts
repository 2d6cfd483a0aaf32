import { parameterFailure } from '../failure/failure';

/** Where requests go when the credential leaves the Base URL empty. */
const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

const CREDENTIAL_HINT =
	'Nothing was sent to AceData and nothing was billed. Fix the Base URL of the AceData Cloud API credential.';

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
		throw parameterFailure(
			'baseUrl',
			'The Base URL of the AceData Cloud API credential must be text',
			CREDENTIAL_HINT,
		);
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
		throw parameterFailure(
			'baseUrl',
			`The Base URL of the AceData Cloud API credential must start with https:// (it starts with ${url.protocol}//)`,
			CREDENTIAL_HINT,
		);
	}
	if (!url.hostname)
		throw parameterFailure(
			'baseUrl',
			'The Base URL of the AceData Cloud API credential has no host',
			CREDENTIAL_HINT,
		);
	if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
		throw parameterFailure(
			'baseUrl',
			'The Base URL of the AceData Cloud API credential must not have a query (?…) or fragment (#…)',
			CREDENTIAL_HINT,
		);
	}
	if (url.username || url.password) {
		throw parameterFailure(
			'baseUrl',
			'The Base URL of the AceData Cloud API credential must not hold a user name or password',
			CREDENTIAL_HINT,
		);
	}
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The host of a URL (relative ones resolved against `base`), for messages: never its path or query. */
export function hostOf(url: string, base: string): string {
	try {
		return new URL(url, base || undefined).host || 'an unknown address';
	} catch {
		return 'an unknown address';
	}
}
