import type { IBinaryData } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import * as words from '../failure/words';
import type { AceDataClient, NodeContext } from '../transport/client';
import { transportCode } from '../transport/errors';
import { watchTail, type Readable } from '../transport/stream';
import {
	MAX_HEAD_BYTES,
	TAIL_BYTES,
	endsComplete,
	inspectImage,
	type Dimensions,
	type ImageType,
} from './mime';

/** An image stored in n8n's binary store, with its size in pixels when its header says. */
export interface StoredImage {
	binary: IBinaryData;
	dimensions?: Dimensions;
}

/** The file name for an image of a type (its extension from the bytes). */
type NameFor = (type: ImageType) => string;

/** Base64 from AceData's answer, stored if its bytes are an image. */
export async function storeBase64(
	ctx: NodeContext,
	client: AceDataClient,
	b64Json: string,
	index: number,
	name: NameFor,
): Promise<StoredImage> {
	const bytes = Buffer.from(b64Json, 'base64');
	const { type, dimensions } = inspectImage(bytes.subarray(0, MAX_HEAD_BYTES));
	if (!type) {
		throw client.failure({
			kind: 'download',
			code: 'not_an_image',
			text: words.base64NotAnImage(index + 1),
		});
	}
	// Cut short (AceData's records truncate base64; a proxy may too): no whole image, whatever its header says.
	if (!endsComplete(type, bytes, bytes.subarray(-TAIL_BYTES), bytes.length)) {
		throw client.failure({
			kind: 'download',
			code: 'incomplete_image',
			text: words.base64Incomplete(index + 1, bytes.length),
		});
	}
	const binary = await ctx.helpers.prepareBinaryData(bytes, name(type), type.mimeType);
	return { binary, dimensions };
}

/**
 * A hosted image, streamed into n8n's binary store: stored only if its bytes are an image (whatever the host says
 * its type is), and only if the file is whole.
 */
export async function storeDownload(
	ctx: NodeContext,
	client: AceDataClient,
	url: string,
	maxDownloadBytes: number,
	name: NameFor,
): Promise<StoredImage> {
	// Whatever the host says its content type is, the file is stored only if its bytes are an image.
	const download = await client.download(url, maxDownloadBytes);
	// Errors while streaming are reported as the node's reason when it cut the download (size, deadline, stop), or
	// as a broken download naming the host, never as the stream's own words.
	const reason = (error: unknown) =>
		download.failure() ?? brokenDownload(client, download.host, error);
	const { head, ended } = await peekHead(download.stream).catch((error: unknown) => {
		throw reason(error);
	});
	const { type, dimensions, needsMore } = inspectImage(head);
	if (ended && (needsMore || (download.length !== undefined && head.length < download.length))) {
		throw brokenDownload(
			client,
			download.host,
			undefined,
			words.endedEarly(head.length, download.length),
		);
	}
	if (!type) {
		download.stream.destroy?.();
		throw client.failure({
			kind: 'download',
			code: 'not_an_image',
			text: client.scrub(
				words.notAnImageFile(download.host, download.contentType, describeHead(head)),
			),
		});
	}
	const seen = ended
		? { total: head.length, tail: head }
		: watchTail(download.stream, head, TAIL_BYTES);
	const binary = await ctx.helpers
		.prepareBinaryData(ended ? head : download.stream, name(type), type.mimeType)
		.catch((error: unknown) => {
			throw reason(error);
		});
	// A body that ended cleanly but short (no declared length to hold it to) is no whole image.
	if (!endsComplete(type, head, seen.tail.subarray(-TAIL_BYTES), seen.total))
		throw brokenDownload(
			client,
			download.host,
			undefined,
			words.endedEarly(seen.total, download.length),
		);
	return { binary, dimensions };
}

/**
 * Reads the first bytes of a stream (however it is chunked) as far as its type and size in pixels need, and puts
 * them back, so the file is checked before it is stored.
 */
async function peekHead(stream: Readable): Promise<{ head: Buffer; ended: boolean }> {
	const chunks: Buffer[] = [];
	let length = 0;
	return await new Promise<{ head: Buffer; ended: boolean }>((resolve, reject) => {
		const finish = (ended: boolean) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
			const head = Buffer.concat(chunks);
			// A stream that ended takes nothing back: the head is the whole file.
			if (head.length > 0 && !ended) stream.unshift(head);
			resolve({ head, ended });
		};
		const onEnd = () => finish(true);
		const onReadable = () => {
			for (
				let chunk = stream.read() as Buffer | null;
				chunk !== null;
				chunk = stream.read() as Buffer | null
			) {
				chunks.push(chunk);
				length += chunk.length;
				if (!inspectImage(chunks.length === 1 ? chunk : Buffer.concat(chunks, length)).needsMore)
					return finish(false);
			}
		};
		const onError = (error: Error) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			reject(error);
		};
		stream.on('readable', onReadable);
		stream.once('end', onEnd);
		stream.once('error', onError);
	});
}

/** A download that broke off (the connection dropped, the host closed early): a failure naming the host, never a stream error's words. */
function brokenDownload(
	client: AceDataClient,
	host: string,
	error: unknown,
	why?: string,
): Failure {
	if (error instanceof Failure) return error;
	const reason = why ?? words.connectionDroppedMidImage(transportCode(error));
	return client.failure({
		kind: 'download',
		code: 'download_failed',
		text: words.couldNotDownloadPaid(host, reason),
	});
}

/** What the first bytes look like, for an error about a file that is no image (an HTML page, JSON, ...). */
function describeHead(head: Uint8Array): string {
	const text = Buffer.from(head.subarray(0, 16))
		.toString('latin1')
		.replace(/[^\x20-\x7e]/g, '.')
		.trim();
	return words.fileStart(text);
}
