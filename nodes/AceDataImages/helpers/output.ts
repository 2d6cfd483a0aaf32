import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import * as words from '../failure/words';
import type { AceDataClient, NodeContext } from '../transport/client';
import type { ImageDatum, ImagesAnswer } from '../transport/types';
import { buildFileName } from './fileName';
import { storeBase64, storeDownload } from './imageFile';
import type { Dimensions, ImageType } from './mime';

export type OutputLayout = 'itemPerImage' | 'singleItem';

export interface OutputOptions {
	binaryPropertyName: string;
	outputLayout: OutputLayout;
	downloadImages: boolean;
	fileName?: string;
	/** A hosted image larger than this is refused. */
	maxDownloadBytes: number;
}

/** What the emitted metadata says about the request the images answer. */
export interface ImageContext {
	itemIndex: number;
	model: string;
	prompt: string;
	taskId?: string;
	traceId?: string;
	/** How many images were asked for (Number of Images), when known. */
	imagesRequested?: number;
	/** Task › Get: the task record's `type` (`images`, `images_generations`, `images_edits`, ...). */
	taskType?: string;
	/** What the user should know about this item's images, decided before the request (an unpromised mask). */
	notices?: string[];
	/** An earlier try of the node (Retry On Fail, a retried execution) paid for the job; this one found it. */
	fromEarlierTry?: boolean;
}

interface EmittedImage {
	json: IDataObject;
	binary?: IBinaryData;
	dimensions?: Dimensions;
}

/** An amount as AceData counts it, without float noise (0.1 + 0.2). */
export const roundAmount = (amount: number) => Math.round(amount * 1e6) / 1e6;

/**
 * Image `index`'s share of a job's `total` among `count` images, in whole units of `unit` (a millionth of a credit,
 * one token): the remainder goes to the first images, so the shares add up exactly to the total.
 */
function shareOf(total: number, index: number, count: number, unit: number): number {
	const units = Math.round(total / unit);
	const base = Math.floor(units / count);
	return (base + (index < units - base * count ? 1 : 0)) * unit;
}

/**
 * One image's share of its job's cost and tokens: AceData bills per image made, so the shares of a job's images add
 * up to its cost and usage, and summing them over a run's items gives what the run cost. (Single Item: the whole.)
 */
function costShare(answer: ImagesAnswer, index: number): IDataObject | undefined {
	if (!answer.cost) return undefined;
	const count = Math.max(1, answer.images.length);
	return {
		amount: roundAmount(shareOf(answer.cost.amount, index, count, 1e-6)),
		currency: answer.cost.currency,
	};
}

function usageShare(answer: ImagesAnswer, index: number): IDataObject | undefined {
	if (!answer.usage) return undefined;
	const count = Math.max(1, answer.images.length);
	const share = (value: number) => shareOf(value, index, count, 1);
	const usage: IDataObject = {};
	for (const [key, value] of Object.entries(answer.usage)) {
		usage[key] =
			typeof value === 'number'
				? share(value)
				: Object.fromEntries(
						Object.entries(value).map(([inner, number]) => [inner, share(number)]),
					);
	}
	return usage;
}

/** The image's JSON. Every field of the answer was parsed and scrubbed of the token at the transport. */
function metadata(
	datum: ImageDatum,
	answer: ImagesAnswer,
	context: ImageContext,
	index: number,
): IDataObject {
	const json: IDataObject = { index, model: answer.model ?? context.model, prompt: context.prompt };
	if (datum.revisedPrompt) json.revisedPrompt = datum.revisedPrompt;
	if (datum.url) json.url = datum.url;
	const taskId = context.taskId ?? answer.taskId;
	const traceId = context.traceId ?? answer.traceId;
	if (taskId) json.taskId = taskId;
	if (traceId) json.traceId = traceId;
	const usage = usageShare(answer, index);
	if (usage) json.usage = usage;
	const cost = costShare(answer, index);
	if (cost) json.cost = cost;
	if (answer.created) json.created = answer.created;
	if (context.taskType) json.type = context.taskType;
	if (context.fromEarlierTry) json.fromEarlierTry = true;
	return json;
}

async function emitImage(
	ctx: NodeContext,
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

	if (datum.b64Json)
		return { json, ...(await storeBase64(ctx, client, datum.b64Json, index, name)) };
	if (datum.url) {
		if (!output.downloadImages) return { json };
		return {
			json,
			...(await storeDownload(ctx, client, datum.url, output.maxDownloadBytes, name)),
		};
	}
	throw client.failure({
		kind: 'answer',
		code: 'empty_image',
		text: words.emptyImage(index),
	});
}

/**
 * What the user should know about an item's images: the notices decided before the request, and fewer images than
 * asked (AceData returns and bills only the images it made). Not an error: the images that came are emitted.
 */
function imageNotices(context: ImageContext, returned: number, answer: ImagesAnswer): string[] {
	const notices = [...(context.notices ?? [])];
	const asked = context.imagesRequested;
	if (asked !== undefined && returned < asked) {
		notices.push(words.fewerImages(returned, asked));
	}
	if (answer.costUnreadable) notices.push(words.costUnreadable(answer.costUnreadable));
	return notices;
}

/** What an AI Agent (which sees only the JSON) can tell a person of an image's file: that it exists, and what it is. */
function describeFile(image: EmittedImage, field: string): void {
	if (!image.binary) return;
	image.json.fileName = image.binary.fileName;
	image.json.mimeType = image.binary.mimeType;
	if (image.binary.fileSize) image.json.fileSize = image.binary.fileSize;
	// The real pixels, from the bytes: AceData does not promise the asked size (under its 1K tier it differs).
	if (image.dimensions) {
		image.json.width = image.dimensions.width;
		image.json.height = image.dimensions.height;
	}
	image.json.file = words.attachedFile(field, image.binary, image.dimensions);
}

/** Output Layout "Single Item": the job as one item, its images as `data_0`, `data_1`, ..., their metadata in `images`. */
function singleItem(
	images: EmittedImage[],
	answer: ImagesAnswer,
	context: ImageContext,
	property: string,
	counts: IDataObject,
): INodeExecutionData {
	const binary: Record<string, IBinaryData> = {};
	images.forEach((image, index) => {
		if (image.binary) binary[`${property}_${index}`] = image.binary;
	});
	const first = images[0].json;
	const json: IDataObject = { model: first.model, prompt: context.prompt };
	if (first.taskId) json.taskId = first.taskId;
	if (first.traceId) json.traceId = first.traceId;
	if (first.type) json.type = first.type;
	if (context.fromEarlierTry) json.fromEarlierTry = true;
	// The item is the job: its whole token count and cost (the sum of its images' shares).
	if (answer.usage) json.usage = answer.usage;
	if (answer.cost) json.cost = { amount: answer.cost.amount, currency: answer.cost.currency };
	Object.assign(json, counts);
	json.images = images.map((image) => image.json);
	return {
		json,
		...(Object.keys(binary).length ? { binary } : {}),
		pairedItem: { item: context.itemIndex },
	};
}

/** Turns one answer into n8n items: one per image (default) or one per input item. */
export async function answerToItems(
	ctx: NodeContext,
	client: AceDataClient,
	answer: ImagesAnswer,
	context: ImageContext,
	output: OutputOptions,
): Promise<INodeExecutionData[]> {
	const data = answer.images;
	if (data.length === 0) {
		throw client.failure({
			kind: 'answer',
			code: 'no_images',
			text: words.NO_IMAGES,
			traceId: context.traceId ?? answer.traceId,
			taskId: context.taskId ?? answer.taskId,
		});
	}
	const images: EmittedImage[] = [];
	for (let index = 0; index < data.length; index++) {
		images.push(await emitImage(ctx, client, data[index], answer, context, output, index));
	}
	const pairedItem = { item: context.itemIndex };
	const property = output.binaryPropertyName || 'data';
	images.forEach((image, index) =>
		describeFile(image, output.outputLayout === 'singleItem' ? `${property}_${index}` : property),
	);
	// How many came of how many asked, on each input item's images; a notice when fewer came, or a mask may be ignored.
	const counts: IDataObject = {};
	if (context.imagesRequested !== undefined) counts.imagesRequested = context.imagesRequested;
	counts.imagesReturned = images.length;
	const notices = imageNotices(context, images.length, answer);
	if (notices.length) counts.notice = notices.join(' ');

	if (output.outputLayout === 'singleItem')
		return [singleItem(images, answer, context, property, counts)];
	return images.map((image) => ({
		json: { ...image.json, ...counts },
		...(image.binary ? { binary: { [property]: image.binary } } : {}),
		pairedItem,
	}));
}
