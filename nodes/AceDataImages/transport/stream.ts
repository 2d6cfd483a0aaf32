import type { IExecuteFunctions } from 'n8n-workflow';

/** The readable stream type n8n's binary helpers accept, without importing Node's `stream` module. */
export type Readable = Exclude<
	Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
	Buffer
>;

/**
 * Ends `stream` with `tooLarge()` once more than `maxBytes` have passed through it. Nodes may not import Node's
 * `stream` module (no Transform), so the stream's own `push` is wrapped: every byte a Readable delivers goes
 * through it, whoever reads it later (n8n's binary store streams it to disk, S3 or the database).
 */
export function capStream(
	stream: Readable,
	maxBytes: number,
	alreadyRead: number,
	tooLarge: () => Error,
): void {
	const target = stream as Readable & { push(chunk: unknown, encoding?: string): boolean };
	const push = target.push.bind(target);
	let total = alreadyRead;
	target.push = (chunk: unknown, encoding?: string) => {
		if (chunk && typeof (chunk as { length?: unknown }).length === 'number') {
			total += (chunk as { length: number }).length;
			if (total > maxBytes) {
				stream.destroy(tooLarge());
				return false;
			}
		}
		return push(chunk, encoding);
	};
}

/** What passed through a stream: its byte count and last bytes (read once the stream has ended). */
export interface StreamTail {
	total: number;
	tail: Buffer;
}

/** Keeps count of the bytes a stream delivers after `alreadyRead`, and its last `keep` bytes, as capStream does. */
export function watchTail(stream: Readable, alreadyRead: Buffer, keep: number): StreamTail {
	const target = stream as Readable & { push(chunk: unknown, encoding?: string): boolean };
	const push = target.push.bind(target);
	const seen: StreamTail = { total: alreadyRead.length, tail: alreadyRead.subarray(-keep) };
	target.push = (chunk: unknown, encoding?: string) => {
		if (Buffer.isBuffer(chunk)) {
			seen.total += chunk.length;
			seen.tail = Buffer.concat([seen.tail, chunk.subarray(-keep)]).subarray(-keep);
		}
		return push(chunk, encoding);
	};
	return seen;
}
