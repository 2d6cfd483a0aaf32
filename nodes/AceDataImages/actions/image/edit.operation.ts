import { randomString, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';

import { parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import type { FileIdentity } from '../../helpers/fingerprint';
import { inspectImage } from '../../helpers/mime';
import { readImageJob } from '../../helpers/parameters';
import { masksPromised } from '../../models/modelRules';
import {
	checkEditImageSize,
	validateEditInput,
	type EditImageInfo,
	type EditInput,
} from '../../models/validation';
import { multipartBody, type FilePart, type FileSource } from '../../transport/multipart';
import type { Prepared } from '../../execution/types';
import type { RunSettings } from '../types';
import { assertValid, fieldsFor, imageRequest } from './request';
import { imageProperties } from './shared.description';

export const description = imageProperties('edit');

interface ReadImage {
	info: EditImageInfo;
	part: FilePart;
	/** What identifies the file across n8n's re-runs of the node (its id in n8n's binary store, or its bytes). */
	identity: FileIdentity;
}

/** The size n8n recorded for a binary (its `bytes`, or the inline base64's length), without reading it. */
function declaredSize(meta: IBinaryData): number | undefined {
	if (typeof meta.bytes === 'number') return meta.bytes;
	return meta.id || !meta.data ? undefined : Math.floor((meta.data.length * 3) / 4);
}

/** The first bytes of a stored binary (enough to tell its type and PNG dimensions); the stream is closed after. */
async function readHead(
	stream: AsyncIterable<Buffer> & { destroy(): void },
	bytes: number,
): Promise<Buffer> {
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
	let meta: IBinaryData;
	try {
		meta = ctx.helpers.assertBinaryData(itemIndex, property);
	} catch (error) {
		throw parameterFailure(
			'binaryPropertyNames',
			(error as Error)?.message ?? words.noBinaryField(property),
		);
	}
	const declared = declaredSize(meta);
	if (declared !== undefined) sizeCheck?.(declared);
	let head: Buffer;
	let source: FileSource & { size: number };
	const id = meta.id;
	if (id) {
		const size =
			typeof meta.bytes === 'number'
				? meta.bytes
				: (await ctx.helpers.getBinaryMetadata(id)).fileSize;
		if (declared === undefined) sizeCheck?.(size);
		head = await readHead(await ctx.helpers.getBinaryStream(id, 64), 24);
		source = { size, open: async () => await ctx.helpers.getBinaryStream(id) };
	} else {
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
		head = bytes.subarray(0, 24);
		source = { size: bytes.length, bytes };
	}
	const { type, dimensions } = inspectImage(head);
	const fallbackName = `${property}.${type?.extension ?? 'png'}`;
	const identity: FileIdentity = {
		name: partName,
		contentType: meta.mimeType ?? '',
		size: source.size,
		...('bytes' in source ? { bytes: source.bytes } : { binaryId: id as string }),
	};
	return {
		identity,
		info: {
			property,
			bytes: source.size,
			format: type?.extension === 'jpg' ? 'jpeg' : type?.extension,
			...dimensions,
		},
		part: {
			name: partName,
			fileName: meta.fileName || fallbackName,
			// From the bytes: an upstream node's `application/octet-stream` would make AceData refuse the file.
			contentType: type?.mimeType ?? meta.mimeType ?? 'application/octet-stream',
			...source,
		},
	};
}

/**
 * A mask on a model where AceData does not promise to apply it: the edit goes ahead (saved workflows keep working,
 * and it may act), and the item says so, because the edit is billed either way.
 */
function maskNotice(modelId: string): string {
	return words.maskMayBeIgnored(modelId);
}

export async function prepare(
	this: IExecuteFunctions,
	itemIndex: number,
	_signal: AbortSignal,
	run: RunSettings,
): Promise<Prepared> {
	const job = readImageJob(this, itemIndex, 'edit', run.traceSeed);
	const sources = job.edit ?? { source: 'binary' as const, properties: [] };
	const fields = fieldsFor(job, run.rulesOf);
	const edit: EditInput = { source: sources.source, images: [], urls: [] };
	const parts: FilePart[] = [];
	const identities: FileIdentity[] = [];
	const model = job.input.model;

	if (sources.source === 'binary') {
		for (const property of sources.properties) {
			const image = await readBinary(this, itemIndex, property, 'image', (bytes) =>
				assertValid(() => checkEditImageSize(model, property, bytes)),
			);
			edit.images.push(image.info);
			parts.push(image.part);
			identities.push(image.identity);
		}
		// Several images go as repeated `image[]` parts (AceData's guides, OpenAI's API): a server that keeps the
		// last value of repeated `image` parts would use one of them and bill it.
		if (parts.length > 1) for (const part of parts) part.name = 'image[]';
		if (sources.maskProperty) {
			const mask = await readBinary(this, itemIndex, sources.maskProperty, 'mask');
			edit.mask = mask.info;
			parts.push(mask.part);
			identities.push(mask.identity);
		}
	} else {
		edit.urls = sources.urls;
		if (sources.maskProperty) edit.mask = { property: sources.maskProperty, bytes: 0 };
	}
	assertValid(() => validateEditInput(model, edit));

	if (sources.source === 'url') {
		const urls = edit.urls.map((entry) => entry.url);
		const body = { ...fields, image: urls.length === 1 ? urls[0] : urls };
		return { kind: 'request', request: await imageRequest(job, 'edits', body, { fields: body }) };
	}
	const body = multipartBody(fields, parts, `----AceDataImages${randomString(24)}`);
	const notices =
		edit.mask && !masksPromised(job.input.modelId) ? [maskNotice(job.input.modelId)] : [];
	return {
		kind: 'request',
		request: await imageRequest(job, 'edits', body, {
			fields,
			files: identities,
			headers: { 'content-type': body.contentType, 'content-length': body.length },
			notices,
		}),
	};
}
