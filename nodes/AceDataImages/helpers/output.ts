import type { Readable } from '../transport/stream';

import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AceDataClient } from '../transport/client';
import type { ImageDatum, ImagesAnswer } from '../transport/types';
import { buildFileName } from './fileName';
import { resolveImageType, type ImageType } from './mime';

export type OutputLayout = 'itemPerImage' | 'singleItem';

export interface OutputOptions {
	binaryPropertyName: string;
	outputLayout: OutputLayout;
	downloadImages: boolean;
	fileName?: string;
	/** The format asked for: the fallback type when the bytes do not tell. */
	outputFormat?: string;
}

/** What the emitted metadata says about the request the images answer. */
export interface ImageContext {
	itemIndex: number;
	model: string;
	prompt: string;
	taskId?: string;
	traceId?: string;
}

interface EmittedImage {
	json: IDataObject;
	binary?: IBinaryData;
}

/** Reads the first chunk of a stream and puts it back, so the type can be sniffed before the bytes are stored. */
async function peekHead(stream: Readable): Promise<Uint8Array> {
	return await new Promise<Uint8Array>((resolve, reject) => {
		const finish = (head: Uint8Array) => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
			resolve(head);
		};
		const onReadable = () => {
			const chunk = stream.read() as Buffer | null;
			if (chunk === null) return;
			stream.unshift(chunk);
			finish(chunk.subarray(0, 16));
		};
		const onEnd = () => finish(new Uint8Array(0));
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

function metadata(datum: ImageDatum, answer: ImagesAnswer, context: ImageContext, index: number): IDataObject {
	const json: IDataObject = { index, model: answer.model ?? context.model, prompt: context.prompt };
	if (datum.revised_prompt) json.revisedPrompt = datum.revised_prompt;
	if (datum.url) json.url = datum.url;
	const taskId = context.taskId ?? answer.task_id;
	const traceId = context.traceId ?? answer.trace_id;
	if (taskId) json.taskId = taskId;
	if (traceId) json.traceId = traceId;
	if (answer.usage) json.usage = answer.usage;
	if (answer.created) json.created = answer.created;
	return json;
}

async function emitImage(
	ctx: IExecuteFunctions,
	client: AceDataClient,
	datum: ImageDatum,
	answer: ImagesAnswer,
	context: ImageContext,
	output: OutputOptions,
	index: number,
): Promise<EmittedImage> {
	const json = metadata(datum, answer, context, index);
	const name = (type: ImageType) =>
		buildFileName(output.fileName, {
			prompt: context.prompt,
			model: String(json.model),
			index,
			itemIndex: context.itemIndex,
			taskId: json.taskId as string | undefined,
			extension: type.extension,
		});

	if (datum.b64_json) {
		const bytes = Buffer.from(datum.b64_json, 'base64');
		const type = resolveImageType(bytes.subarray(0, 16), output.outputFormat);
		const binary = await ctx.helpers.prepareBinaryData(bytes, name(type), type.mimeType);
		return { json, binary };
	}
	if (datum.url) {
		if (!output.downloadImages) return { json };
		const download = await client.download(datum.url);
		const head = await peekHead(download.stream);
		const type = resolveImageType(head, output.outputFormat, download.contentType);
		const binary = await ctx.helpers.prepareBinaryData(download.stream, name(type), type.mimeType);
		return { json, binary };
	}
	throw client.apiError({ code: 'empty_image', apiMessage: `AceData answered image ${index} with neither a URL nor base64 data` });
}

/** Turns one answer into n8n items: one per image (default) or one per input item. */
export async function answerToItems(
	ctx: IExecuteFunctions,
	client: AceDataClient,
	answer: ImagesAnswer,
	context: ImageContext,
	output: OutputOptions,
): Promise<INodeExecutionData[]> {
	const data = Array.isArray(answer.data) ? answer.data : [];
	if (data.length === 0) {
		throw client.apiError({
			code: 'no_images',
			apiMessage: 'AceData answered without any image',
			traceId: context.traceId ?? answer.trace_id,
			taskId: context.taskId ?? answer.task_id,
		});
	}
	const images: EmittedImage[] = [];
	for (let index = 0; index < data.length; index++) {
		images.push(await emitImage(ctx, client, data[index], answer, context, output, index));
	}
	const pairedItem = { item: context.itemIndex };
	const property = output.binaryPropertyName || 'data';

	if (output.outputLayout === 'singleItem') {
		const binary: Record<string, IBinaryData> = {};
		images.forEach((image, index) => {
			if (image.binary) binary[`${property}_${index}`] = image.binary;
		});
		const first = images[0].json;
		const json: IDataObject = { model: first.model, prompt: context.prompt };
		if (first.taskId) json.taskId = first.taskId;
		if (first.traceId) json.traceId = first.traceId;
		json.images = images.map((image) => image.json);
		return [{ json, ...(Object.keys(binary).length ? { binary } : {}), pairedItem }];
	}
	return images.map((image) => ({
		json: image.json,
		...(image.binary ? { binary: { [property]: image.binary } } : {}),
		pairedItem,
	}));
}
