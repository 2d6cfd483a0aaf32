import type { IN8nHttpFullResponse } from 'n8n-workflow';

import { formatSeconds, type Failure } from '../failure/failure';
import * as words from '../failure/words';
import { hostOf } from './baseUrl';
import { classifyTransportError, transportCode } from './errors';
import { MAX_RETRIES, backoff, isRetryable, retryAfterMs } from './retry';
import type { Session } from './session';
import { capStream, type Readable } from './stream';

/**
 * Downloads of hosted images: plain `httpRequest`, so the AceData token is never sent to the image host (redirects
 * are followed, without it). Retried on a transient failure; the whole body must end within the Timeout option and
 * stay under the Max Download Size, or the stream is cut with the reason.
 */

export interface Download {
	stream: Readable;
	/** The image host, for messages (never the path or the signed query). */
	host: string;
	contentType?: string;
	/** The body's length as the host declared it (Content-Length), when it did. */
	length?: number;
	/** Why the node cut the download short (too large, too slow, stopped), once it did. */
	failure: () => Failure | undefined;
}

/** One attempt's limits: the image host, the size cap, the Timeout's deadline and what ends the download early. */
interface Limits {
	host: string;
	maxBytes: number;
	deadline: AbortSignal;
	signal: AbortSignal;
}

/** Streams a hosted image, with its retries; every way it can fail is a `Failure` of kind `download` or `cancelled`. */
export async function downloadImage(
	session: Session,
	url: string,
	maxBytes: number,
): Promise<Download> {
	const host = hostOf(url, '');
	for (let attempt = 0; ; attempt++) {
		const deadline = AbortSignal.timeout(session.options.timeoutMs);
		const stop = session.signal();
		const limits: Limits = {
			host,
			maxBytes,
			deadline,
			signal: stop ? AbortSignal.any([deadline, stop]) : deadline,
		};
		const sent = await requestImage(session, url, limits.signal);
		if ('error' in sent) {
			const failure = session.cancelled()
				? 'cancelled'
				: deadline.aborted
					? 'timeout'
					: classifyTransportError(sent.error);
			if (attempt < MAX_RETRIES && failure !== 'cancelled' && failure !== 'timeout') {
				await backoff(attempt, undefined, session.signal());
				continue;
			}
			if (failure === 'cancelled') {
				throw session.failure({
					kind: 'cancelled',
					code: 'cancelled',
					text: words.downloadCancelled(host),
				});
			}
			throw downloadFailure(
				session,
				host,
				failure === 'timeout'
					? words.downloadNoAnswer(timeoutSeconds(session))
					: words.downloadConnectionFailed(transportCode(sent.error)),
			);
		}
		const { response } = sent;
		if (response.statusCode < 300) return cappedStream(session, response, limits);
		(response.body as Readable).destroy?.();
		if (isRetryable(response.statusCode, 'transient') && attempt < MAX_RETRIES) {
			await backoff(attempt, retryAfterMs(response.headers), session.signal());
			continue;
		}
		throw downloadFailure(
			session,
			host,
			words.imageHostAnswered(response.statusCode),
			response.statusCode,
		);
	}
}

/** Asks the image host once, without the credential: the response whatever its status, or what was thrown. */
async function requestImage(
	session: Session,
	url: string,
	signal: AbortSignal,
): Promise<{ response: IN8nHttpFullResponse } | { error: unknown }> {
	try {
		const response = (await session.ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: session.options.timeoutMs,
			abortSignal: signal,
		})) as IN8nHttpFullResponse;
		return { response };
	} catch (error) {
		return { error };
	}
}

/**
 * The body of a successful answer as a stream that ends with the node's reason once it passes `maxBytes` (a larger
 * Content-Length is refused at once) or outlives the deadline, or the node stops.
 */
function cappedStream(
	session: Session,
	response: IN8nHttpFullResponse,
	{ host, maxBytes, deadline, signal }: Limits,
): Download {
	const stream = response.body as Readable;
	const length = Number(response.headers['content-length']);
	const tooLarge = () =>
		downloadFailure(session, host, words.downloadTooLarge(Math.round(maxBytes / 1024 / 1024)));
	if (Number.isFinite(length) && length > maxBytes) {
		stream.destroy?.();
		throw tooLarge();
	}
	let cut: Failure | undefined;
	capStream(stream, maxBytes, 0, () => (cut = tooLarge()));
	// The deadline covers the whole body, not only the first byte: a trickling host is cut off.
	signal.addEventListener(
		'abort',
		() => {
			cut ??= deadline.aborted
				? downloadFailure(session, host, words.downloadTooSlow(timeoutSeconds(session)))
				: session.failure({
						kind: 'cancelled',
						code: 'cancelled',
						text: words.downloadStopped(host),
					});
			stream.destroy(cut);
		},
		{ once: true },
	);
	const type = response.headers['content-type'];
	const declared = Number.isFinite(length) && length >= 0 ? length : undefined;
	return {
		stream,
		host,
		contentType: typeof type === 'string' ? session.scrub(type).slice(0, 100) : undefined,
		length: declared,
		failure: () => cut,
	};
}

function downloadFailure(
	session: Session,
	host: string,
	reason: string,
	httpStatus?: number,
): Failure {
	return session.failure({
		kind: 'download',
		httpStatus,
		code: 'download_failed',
		text: words.couldNotDownload(host, reason),
	});
}

/** The Timeout option in seconds, for messages. */
function timeoutSeconds(session: Session): string {
	return formatSeconds(session.options.timeoutMs / 1000);
}
