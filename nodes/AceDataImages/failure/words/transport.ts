/**
 * The words of what crosses the wire: AceData's (or a proxy's) HTTP answers, redirects, the credential's domains,
 * the network, and downloads of hosted images. Each entry takes plain values and returns the sentence.
 */

/** What a call was, for the sentences about its network failure. */
export const callWhat = (billed: boolean) => (billed ? 'the image request' : 'the task look-up');

/** An input image n8n's binary store could not give back. */
export const inputUnreadable = (reason: string | undefined) =>
	`Could not read an input image from n8n's binary store: ${reason ?? 'unknown error'}`;

export const NOTHING_SENT_AGAIN = 'Nothing was sent to AceData again and nothing more was billed.';

/** A stored image whose bytes are not as many as n8n recorded. */
export const storedImageSizeMismatch = (fileName: string, read: number, recorded: number) =>
	`The stored image "${fileName}" has ${read} bytes, n8n recorded ${recorded}`;

/** A 2xx whose body is not AceData's JSON. */
export const notAceDataJson = (status: number, quote: string | undefined) =>
	`The Base URL answered HTTP ${status} with something that is not AceData's JSON${quote ? `: "${quote}"` : ''}`;

export const redirectRefused = (status: number, host: string) =>
	`The Base URL answered with a redirect (HTTP ${status}) to ${host}: the node does not follow it, so the token stays with the Base URL. Set the credential's Base URL to the final address`;

/** An error status without AceData's error body. */
export const proxyRefused = (status: number, quote: string | undefined) =>
	`The Base URL answered HTTP ${status} without AceData's error body, so something on the way (a proxy or gateway) refused the call${quote ? `: "${quote}"` : ''}`;

export const domainNotAllowed = (host: string) =>
	`n8n did not send the request: the AceData Cloud API credential's Allowed HTTP Request Domains do not include ${host}`;

export const domainNotAllowedHint = (host: string) =>
	`Add ${host} to the credential's Allowed Domains (Allowed HTTP Request Domains: Specific Domains), or choose All. Nothing was sent to AceData and nothing was billed.`;

/** How a call that brought no response ended, as the sentences tell it. */
export type NetworkTrouble = 'cancelled' | 'timeout' | 'unsent' | 'reset' | 'other';

export interface NetworkFacts {
	/** `callWhat(billed)`. */
	what: string;
	path: string;
	/** The request had left when it was cancelled. */
	attempted: boolean;
	/** AceData may have accepted (and billed) the request. */
	mayHaveAccepted: boolean;
	/** The Timeout option, already formatted. */
	seconds: string;
	/** The Base URL's host. */
	host: string;
	/** The transport code in words (`transportCodeWords`), when there was one. */
	code: string | undefined;
}

/** The sentence of a network failure. */
export function networkFailure(trouble: NetworkTrouble, facts: NetworkFacts): string {
	const { what, path, code } = facts;
	const maybe = facts.mayHaveAccepted ? ': AceData may have accepted it' : '';
	return {
		cancelled: facts.attempted
			? `The execution was cancelled during ${what} (${path})${maybe}`
			: `The execution was cancelled before ${what} was sent`,
		timeout: `No answer from AceData within ${facts.seconds} s (the Timeout option) for ${what} (${path})${maybe}`,
		unsent: `Could not connect to ${facts.host} (${code ?? 'connection refused'}): nothing was sent; check the Base URL and the network`,
		reset: `The connection to AceData dropped during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
		other: `The connection to AceData failed during ${what} (${path}${code ? `, ${code}` : ''})${maybe}`,
	}[trouble];
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
	ERR_INVALID_URL: 'invalid URL',
	ERR_UNSUPPORTED_PROTOCOL: 'unsupported protocol',
	ERR_INVALID_PROTOCOL: 'unsupported protocol',
	ERR_FR_TOO_MANY_REDIRECTS: 'too many redirects',
	ERR_BAD_RESPONSE: 'a malformed answer',
	ERR_BAD_REQUEST: 'the request could not be made',
	ERR_STREAM_PREMATURE_CLOSE: 'the connection closed before the end',
	ERR_STREAM_DESTROYED: 'the connection closed before the end',
	UND_ERR_SOCKET: 'the connection dropped',
};

/** A transport code in words; a code the node has no words for is said as what it is, never as the raw code. */
export const transportCodeWords = (code: string) => CODE_WORDS[code] ?? 'a network error';

/** A URL whose host cannot be told. */
export const UNKNOWN_ADDRESS = 'an unknown address';

// Downloads of hosted images.

export const downloadCancelled = (host: string) =>
	`The execution was cancelled while downloading the image from ${host}`;

export const downloadStopped = (host: string) =>
	`The node stopped while downloading the image from ${host}`;

export const downloadNoAnswer = (seconds: string) =>
	`no answer within ${seconds} s (the Timeout option)`;

export const downloadConnectionFailed = (code: string | undefined) =>
	code ?? 'the connection failed';

export const imageHostAnswered = (status: number) => `the image host answered HTTP ${status}`;

export const downloadTooLarge = (megabytes: number) =>
	`it is larger than ${megabytes} MB (the Max Download Size option)`;

export const downloadTooSlow = (seconds: string) =>
	`it did not finish within ${seconds} s (the Timeout option)`;

export const couldNotDownload = (host: string, reason: string) =>
	`Could not download the image from ${host}: ${reason}`;

/** A download of a paid job's image that broke off. */
export const couldNotDownloadPaid = (host: string, reason: string) =>
	`Could not download the image from ${host}: ${reason}. Fetch it again later with Task › Get (it is paid)`;

export const connectionDroppedMidImage = (code: string | undefined) =>
	`the connection dropped before the image was complete (${code ?? 'closed by the host'})`;

export const base64Incomplete = (number: number, bytes: number) =>
	`Image ${number} of AceData's answer is base64 cut short (${bytes} bytes, the image's end is missing): AceData's task records keep only the start of base64 images`;

export const endedEarly = (bytes: number, declared: number | undefined) =>
	`it ended after ${bytes} bytes${declared !== undefined ? ` of ${declared}` : ''}, before the image was complete`;

/** What a file's first bytes look like (printable text, already cut), for an error about a file that is no image. */
export const fileStart = (text: string) => (text ? `, it starts with "${text}"` : ', it is empty');

export const notAnImageFile = (host: string, contentType: string | undefined, start: string) =>
	`The file at ${host} is not a PNG, JPEG, WebP or GIF image (${contentType ?? 'no content type'}${start})`;
