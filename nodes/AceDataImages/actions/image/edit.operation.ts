import { randomString, type IBinaryData, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { multipartBody, type FilePart, type FileSource } from '../../transport/multipart';
import { pngDimensions, sniffImageType } from '../../helpers/mime';
import { readImageJob } from '../../helpers/parameters';
import { buildImageFields } from '../../helpers/requestBody';
import { checkEditImageSize, validateEditInput, type EditImageInfo, type EditInput } from '../../models/validation';
import { AceDataClient } from '../../transport/client';
import type { Outcome } from '../types';
import { imageProperties } from './shared.description';
import { assertValid, imageSubmission } from './submit';

export const description = imageProperties('edit');

/** Comma- or newline-separated names (binary fields), or an array from an expression; blanks dropped. */
function splitList(value: unknown): string[] {
	const entries = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,\n]/);
	return entries.map((entry) => entry.trim()).filter(Boolean);
}

/**
 * Image URLs: one per line, or an array from an expression. A comma splits a line only where the next URL starts,
 * so a URL that holds commas (signed or transformed image links often do) stays whole.
 */
export function splitUrls(value: unknown): string[] {
	const lines = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/\r?\n/);
	return lines
		.flatMap((line) => line.split(/,\s*(?=https?:\/\/)/i))
		.map((entry) => entry.trim().replace(/,$/, ''))
		.filter(Boolean);
}

interface ReadImage {
	info: EditImageInfo;
	part: FilePart;
}

/** The size n8n recorded for a binary (its `bytes`, or the inline base64's length), without reading it. */
function declaredSize(meta: IBinaryData): number | undefined {
	if (typeof meta.bytes === 'number') return meta.bytes;
	return meta.id || !meta.data ? undefined : Math.floor((meta.data.length * 3) / 4);
}

/** The first bytes of a stored binary (enough to tell its type and PNG dimensions); the stream is closed after. */
async function readHead(stream: AsyncIterable<Buffer> & { destroy(): void }, bytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let read = 0;
	for await (const chunk of stream) {
		chunks.push(chunk);
		read += chunk.length;
		if (read >= bytes) break;
	}
	stream.destroy();
	return Buffer.concat(chunks).subarray(0, bytes);
}

/**
 * A binary field as a multipart file part. Kept in n8n's binary store (it has an id: disk, S3, the database), it is
 * streamed from there when the request is sent, never read whole; kept inline in the item, it is already in memory.
 * An image larger than the model edits is refused from its recorded size, before any of its bytes are read.
 */
async function readBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	partName: string,
	sizeCheck?: (bytes: number) => void,
): Promise<ReadImage> {
	const meta = ctx.helpers.assertBinaryData(itemIndex, property);
	const declared = declaredSize(meta);
	if (declared !== undefined) sizeCheck?.(declared);
	let head: Buffer;
	let source: FileSource & { size: number };
	const id = meta.id;
	if (id) {
		const size = typeof meta.bytes === 'number' ? meta.bytes : (await ctx.helpers.getBinaryMetadata(id)).fileSize;
		if (declared === undefined) sizeCheck?.(size);
		head = await readHead(await ctx.helpers.getBinaryStream(id, 64), 24);
		source = { size, open: async () => await ctx.helpers.getBinaryStream(id) };
	} else {
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		head = bytes.subarray(0, 24);
		source = { size: bytes.length, bytes };
	}
	const type = sniffImageType(head.subarray(0, 16));
	const dimensions = pngDimensions(head);
	const fallbackName = `${property}.${type?.extension ?? 'png'}`;
	return {
		info: { property, bytes: source.size, format: type?.extension === 'jpg' ? 'jpeg' : type?.extension, ...dimensions },
		part: {
			name: partName,
			fileName: meta.fileName || fallbackName,
			// From the bytes: an upstream node's `application/octet-stream` would make AceData refuse the file.
			contentType: type?.mimeType ?? meta.mimeType ?? 'application/octet-stream',
			...source,
		},
	};
}

export async function execute(this: IExecuteFunctions, itemIndex: number, signal?: AbortSignal): Promise<Outcome> {
	const job = readImageJob(this, itemIndex, 'edit');
	const source = this.getNodeParameter('imageSource', itemIndex, 'binary') as 'binary' | 'url';
	const edit: EditInput = { source, images: [], urls: [] };
	const parts: FilePart[] = [];
	const maskProperty = String(job.options.maskBinaryPropertyName ?? '').trim();

	if (source === 'binary') {
		for (const property of splitList(this.getNodeParameter('binaryPropertyNames', itemIndex, 'data'))) {
			const image = await readBinary(this, itemIndex, property, 'image', (bytes) =>
				assertValid(this, job, () => checkEditImageSize(job.input.model, property, bytes)),
			);
			edit.images.push(image.info);
			parts.push(image.part);
		}
		// Several images go as repeated `image[]` parts (AceData's guides, OpenAI's API): a server that keeps the
		// last value of repeated `image` parts would use one of them and bill it.
		if (parts.length > 1) for (const part of parts) part.name = 'image[]';
		if (maskProperty) {
			const mask = await readBinary(this, itemIndex, maskProperty, 'mask');
			edit.mask = mask.info;
			parts.push(mask.part);
		}
	} else {
		edit.urls = splitUrls(this.getNodeParameter('imageUrls', itemIndex, ''));
		if (maskProperty) edit.mask = { property: maskProperty, bytes: 0 };
	}
	assertValid(this, job, () => validateEditInput(job.input.model, edit));

	const client = await AceDataClient.create(this, itemIndex, job.timeoutSeconds, signal);
	const fields = buildImageFields(job.input, job.delivery);
	if (source === 'url') {
		const body: IDataObject = { ...fields, image: edit.urls.length === 1 ? edit.urls[0] : edit.urls };
		return imageSubmission(this, client, job, 'edits', body);
	}
	const body = multipartBody(fields, parts, `----AceDataImages${randomString(24)}`);
	return imageSubmission(this, client, job, 'edits', body, { 'content-type': body.contentType, 'content-length': body.length });
}
