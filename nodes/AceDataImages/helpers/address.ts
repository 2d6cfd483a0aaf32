/** Hosts that only this machine or this network can reach: AceData could never call them back. */
const PRIVATE_IPV4 = [
	/^127\./,
	/^10\./,
	/^192\.168\./,
	/^172\.(1[6-9]|2\d|3[01])\./,
	/^169\.254\./,
	/^0\./,
	/^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];

/** Whether a URL's host is reachable from the internet as far as its name tells (not loopback, private or local). */
export function isPublicUrl(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	} catch {
		return false;
	}
	if (
		host === 'localhost' ||
		host.endsWith('.localhost') ||
		host.endsWith('.local') ||
		host.endsWith('.internal')
	)
		return false;
	if (!host.includes('.') && !host.includes(':')) return false;
	if (PRIVATE_IPV4.some((range) => range.test(host))) return false;
	if (host === '::1' || host === '::' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host))
		return false;
	return true;
}
