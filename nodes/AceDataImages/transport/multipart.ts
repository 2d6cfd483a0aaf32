import type { IDataObject } from 'n8n-workflow';

import * as words from '../failure/words';
import type { Readable } from './stream';

/** One file of a multipart body: its bytes in memory, or a stream of them from n8n's binary store. */
export type FilePart = {
	name: string;
	fileName: string;
	contentType: string;
	/** Exact byte count (n8n's record of the binary): the body's Content-Length is known before sending. */
	size: number;
} & FileSource;

/** Where a part's bytes come from: memory, or a fresh stream each time (a resent request reads them again). */
export type FileSource = { bytes: Buffer } | { open: () => Promise<Readable> };

interface OpenedStream {
	index: number;
	stream: Readable;
}

/**
 * A multipart/form-data request body that can be sent more than once (a request refused with 429 is resent):
 * `open()` makes it anew each time. Files kept in n8n's binary store are streamed from it, never held whole.
 */
export interface MultipartBody {
	contentType: string;
	length: number;
	open(): Promise<Buffer | Readable>;
}

/** `Readable.from`, reached through a stream n8n handed over: nodes may not import Node's `stream` module. */
type ReadableFrom = (source: AsyncIterable<Buffer>) => Readable;

export function isMultipartBody(body: unknown): body is MultipartBody {
	return typeof (body as MultipartBody | undefined)?.open === 'function';
}

/** The bytes around the files: the fields, each file's part header, the line ending after it, the closing line. */
interface Framing {
	head: Buffer[];
	fileHeads: Buffer[];
	crlf: Buffer;
	tail: Buffer;
}

/** The framing for these fields and files, with this boundary. */
function frame(fields: IDataObject, files: FilePart[], boundary: string): Framing {
	const quote = (text: string) => text.replace(/["\r\n]/g, '_');
	const head: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined || value === null) continue;
		head.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${String(value)}\r\n`,
			),
		);
	}
	const fileHeads = files.map((file) =>
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
		),
	);
	return { head, fileHeads, crlf: Buffer.from('\r\n'), tail: Buffer.from(`--${boundary}--\r\n`) };
}

/** The body's bytes in order; a stored file is streamed from n8n's store (`first`, when already opened). */
async function* chunks(
	framing: Framing,
	files: FilePart[],
	first?: OpenedStream,
): AsyncGenerator<Buffer> {
	const { head, fileHeads, crlf, tail } = framing;
	yield* head;
	for (const [index, file] of files.entries()) {
		yield fileHeads[index];
		if ('bytes' in file) {
			yield file.bytes;
		} else {
			const stream = first?.index === index ? first.stream : await file.open();
			let read = 0;
			for await (const chunk of stream as AsyncIterable<Buffer>) {
				read += chunk.length;
				yield chunk;
			}
			// The Content-Length was promised from n8n's record: a store that disagrees must not send a torn body.
			if (read !== file.size)
				throw new Error(words.storedImageSizeMismatch(file.fileName, read, file.size));
		}
		yield crlf;
	}
	yield tail;
}

/** The first stored file's stream, opened now: it is also what reaches `Readable.from`. */
async function openFirstStream(files: FilePart[]): Promise<OpenedStream | undefined> {
	for (const [index, file] of files.entries())
		if ('open' in file) return { index, stream: await file.open() };
	return undefined;
}

/** Fields go as text; every file part carries its own file name and content type. */
export function multipartBody(
	fields: IDataObject,
	files: FilePart[],
	boundary: string,
): MultipartBody {
	const framing = frame(fields, files, boundary);
	const { head, fileHeads, crlf, tail } = framing;
	const length =
		head.reduce((sum, chunk) => sum + chunk.length, 0) +
		files.reduce((sum, file, index) => sum + fileHeads[index].length + file.size + crlf.length, 0) +
		tail.length;
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length,
		async open() {
			const first = await openFirstStream(files);
			const body = chunks(framing, files, first);
			const streams = first?.stream.constructor as { from?: ReadableFrom } | undefined;
			if (typeof streams?.from === 'function') return streams.from(body);
			// Every file in memory (or a store whose stream offers no `from`, none known): one Buffer.
			const gathered: Buffer[] = [];
			for await (const chunk of body) gathered.push(chunk);
			return Buffer.concat(gathered);
		},
	};
}
