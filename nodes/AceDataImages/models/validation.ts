import { z } from 'zod/v3';

import * as words from '../failure/words';
import { HTTP_URL, PARAMETER_LABELS } from './defaults';
import {
	ENUM_OPTIONS,
	describeSize,
	getModelRule,
	type EnumOption,
	type ModelRule,
} from './modelRules';

export { PARAMETER_LABELS } from './defaults';

/** What the user asked for, as read from the node's parameters (before any check). */
export interface ImageRequestInput {
	operation: 'generate' | 'edit';
	/** The Model field: a model ID, or `custom`. */
	model: string;
	/** The model id sent on the wire: the table's id, or the custom model id. */
	modelId: string;
	prompt: string;
	n: number;
	size?: string;
	quality?: string;
	style?: string;
	background?: string;
	moderation?: string;
	outputFormat?: string;
	outputCompression?: number;
	partialImages?: number;
	responseFormat?: string;
	inputFidelity?: string;
	callbackUrl?: string;
	traceId?: string;
}

/** What the checks need to know of an input image (edit from binary). */
export interface EditImageInfo {
	/** Where the user put it: the binary property name. */
	property: string;
	bytes: number;
	/** From the bytes: 'png' | 'jpeg' | 'webp' | 'gif' | undefined. */
	format?: string;
	width?: number;
	height?: number;
}

/** An image an edit takes by URL: http(s), or a base64 data: URL (read from its head and length, never decoded whole). */
export interface EditUrl {
	url: string;
	inline?: {
		/** The type the data: URL declares: 'png' | 'jpeg' | 'webp'. */
		declared: string;
		/** Decoded size. */
		bytes: number;
		/** From the bytes. */
		format?: string;
		width?: number;
		height?: number;
	};
}

/** The inputs of an edit, checked against the model's edit rule. */
export interface EditInput {
	source: 'binary' | 'url';
	images: EditImageInfo[];
	urls: EditUrl[];
	mask?: EditImageInfo;
}

export class ImageRequestValidationError extends Error {
	constructor(
		readonly parameter: string,
		message: string,
	) {
		super(message);
		this.name = 'ImageRequestValidationError';
	}
}

/** WIDTHxHEIGHT in plain digits, no leading zeros (AceData would not read `01024x1024` as 1024). */
const SIZE_PATTERN = /^([1-9]\d*)x([1-9]\d*)$/;

/** Why a size is refused, or null when the model accepts it. */
export function sizeProblem(rule: ModelRule, size: string): string | null {
	const spec = rule.size;
	if (spec.kind === 'list')
		return spec.values.includes(size) ? null : words.sizesAllowed(describeSize(spec));
	if (size === 'auto' || (spec.kind === 'free' && size === '')) return null;
	const match = SIZE_PATTERN.exec(size);
	if (!match) return words.SIZE_FORMAT;
	if (spec.kind === 'free') return null;
	const width = Number(match[1]);
	const height = Number(match[2]);
	const long = Math.max(width, height);
	const pixels = width * height;
	const number = (value: number) => value.toLocaleString('en-US');
	if (width % spec.multipleOf !== 0 || height % spec.multipleOf !== 0)
		return words.sidesMultipleOf(spec.multipleOf);
	if (long > spec.maxSide) return words.longSideAtMost(spec.maxSide);
	if (pixels < spec.minPixels || pixels > spec.maxPixels) {
		return words.pixelsBetween(number(spec.minPixels), number(spec.maxPixels), number(pixels));
	}
	if (long > spec.maxAspect * Math.min(width, height)) return words.aspectAtMost(spec.maxAspect);
	return null;
}

/** Characters as people (and AceData) count them: code points, so an emoji or a CJK character is one. */
function characterCount(text: string): number {
	return Array.from(text).length;
}

function enumField(rule: ModelRule, option: EnumOption) {
	const allowed = rule[option];
	return z
		.string()
		.optional()
		.superRefine((value, ctx) => {
			if (value === undefined) return;
			if (!allowed) {
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: words.notAcceptedBy(rule.id) });
			} else if (!allowed.includes(value)) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					message: words.valueNotAccepted(value, rule.id, allowed),
				});
			}
		});
}

function integer(min: number, max: number, what: words.Quantity) {
	return z
		.number({ invalid_type_error: words.notANumber(min, max) })
		.int(words.notWhole(min, max))
		.min(min, words.outOfRange(what, min, max))
		.max(max, words.outOfRange(what, min, max));
}

function schemaFor(rule: ModelRule) {
	const enums = Object.fromEntries(
		ENUM_OPTIONS.map((option) => [option, enumField(rule, option)]),
	) as {
		[K in EnumOption]: ReturnType<typeof enumField>;
	};
	return z
		.object({
			...enums,
			modelId: z.string().trim().min(1, words.REQUIRED_FOR_CUSTOM),
			prompt: z
				.string()
				.trim()
				.min(1, words.REQUIRED)
				// Counted in characters as AceData counts them (an emoji is one), not in UTF-16 units.
				.refine((value) => characterCount(value) <= rule.promptMaxLength, {
					message: words.promptTooLong(rule.id, rule.promptMaxLength),
				}),
			n:
				rule.maxImages === 1
					? z.literal(1, {
							errorMap: () => ({
								message: words.oneImageOnly(rule.id),
							}),
						})
					: integer(1, rule.maxImages, 'wholeNumber'),
			size: z
				.string()
				.optional()
				.superRefine((value, ctx) => {
					if (value === undefined) return;
					const problem = sizeProblem(rule, value);
					if (problem)
						ctx.addIssue({
							code: z.ZodIssueCode.custom,
							message: words.sizeNotAccepted(value, rule.id, problem),
						});
				}),
			outputCompression: integer(0, 100, 'percentage').optional(),
			partialImages: integer(0, 3, 'wholeNumber').optional(),
			inputFidelity: z.enum(['high', 'low']).optional(),
			callbackUrl: z
				.string()
				.optional()
				.refine(
					(value) => value === undefined || HTTP_URL.test(value),
					words.CALLBACK_URL_NOT_HTTP,
				),
			traceId: z.string().max(200, words.tooLongAtMost(200)).optional(),
		})
		.superRefine((input, ctx) => crossFieldIssues(rule, input, ctx));
}

/** What one field allows depends on another (Output Compression on the format, transparency, base64 with n). */
function crossFieldIssues(
	rule: ModelRule,
	input: {
		outputFormat?: string;
		outputCompression?: number;
		background?: string;
		responseFormat?: string;
		n: number;
		partialImages?: number;
	},
	ctx: z.RefinementCtx,
): void {
	const format = input.outputFormat;
	if (input.outputCompression !== undefined && !rule.outputCompression) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['outputCompression'],
			message: words.notAcceptedBy(rule.id),
		});
	} else if (input.outputCompression !== undefined && format !== 'jpeg' && format !== 'webp') {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['outputCompression'],
			message: words.COMPRESSION_NEEDS_JPEG_OR_WEBP,
		});
	}
	if (input.background === 'transparent' && format === 'jpeg') {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['background'],
			message: words.TRANSPARENT_NEEDS_ALPHA,
		});
	}
	if (input.responseFormat === 'b64_json' && rule.base64SingleImage && input.n !== 1) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['responseFormat'],
			message: words.base64OneImage(rule.id),
		});
	}
	if (input.partialImages !== undefined && !rule.partialImages) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['partialImages'],
			message: words.notAcceptedBy(rule.id),
		});
	}
}

/** Each model's schema, built once (a schema is costly to build and the same for every item). */
const SCHEMAS = new Map<ModelRule, ReturnType<typeof schemaFor>>();

/** Refuses, before anything is sent or billed, a request the chosen model does not accept. */
export function validateImageRequest(input: ImageRequestInput): void {
	const rule = getModelRule(input.model);
	let schema = SCHEMAS.get(rule);
	if (!schema) SCHEMAS.set(rule, (schema = schemaFor(rule)));
	const result = schema.safeParse(input);
	if (result.success) return;
	const issue = result.error.issues[0];
	const key = String(issue.path[0] ?? 'prompt');
	const parameter = key === 'modelId' ? 'customModel' : key;
	const label = PARAMETER_LABELS[parameter] ?? parameter;
	throw new ImageRequestValidationError(parameter, words.parameterSays(label, issue.message));
}

function refuse(parameter: string, message: string): never {
	throw new ImageRequestValidationError(
		parameter,
		words.parameterSays(PARAMETER_LABELS[parameter] ?? parameter, message),
	);
}

const MB = 1024 * 1024;

/** Refuses an input image larger than the model edits; called with the size n8n recorded, before reading it. */
export function checkEditImageSize(model: string, property: string, bytes: number): void {
	const limit = getModelRule(model).edit?.maxImageBytes;
	if (limit !== undefined && bytes > limit) {
		refuse(
			'binaryPropertyNames',
			words.imageTooLarge(property, (bytes / MB).toFixed(1), model, limit / MB),
		);
	}
}

/** Refuses, before anything is sent or billed, input images the model cannot edit. */
export function validateEditInput(model: string, edit: EditInput): void {
	const rule = getModelRule(model);
	const limits = rule.edit;
	if (!limits) refuse('model', words.cannotEdit(model));
	const count = edit.source === 'binary' ? edit.images.length : edit.urls.length;
	const parameter = edit.source === 'binary' ? 'binaryPropertyNames' : 'imageUrls';
	if (count === 0) refuse(parameter, words.NEEDS_AN_IMAGE);
	if (count > limits.maxImages)
		refuse(parameter, words.tooManyImages(count, model, limits.maxImages));
	edit.urls.forEach(({ inline }, index) => {
		if (!inline) return;
		const position = index + 1;
		if (!inline.format) refuse('imageUrls', words.dataUrlNotAnImage(position));
		if (inline.format !== inline.declared)
			refuse('imageUrls', words.dataUrlOtherType(position, inline.declared, inline.format));
		if (limits.maxImageBytes < inline.bytes) {
			refuse(
				'imageUrls',
				words.dataUrlTooLarge(
					position,
					(inline.bytes / MB).toFixed(1),
					model,
					limits.maxImageBytes / MB,
				),
			);
		}
		if (limits.squarePngOnly && (inline.format !== 'png' || inline.width !== inline.height))
			refuse('imageUrls', words.dataUrlNotSquarePng(position, model));
	});
	for (const image of edit.images) {
		checkEditImageSize(model, image.property, image.bytes);
		if (!image.format) refuse('binaryPropertyNames', words.fileNotAnImage(image.property));
		if (limits.squarePngOnly && (image.format !== 'png' || image.width !== image.height)) {
			refuse('binaryPropertyNames', words.fileNotSquarePng(image.property, model));
		}
	}
	if (edit.mask) {
		if (edit.source !== 'binary') refuse('maskBinaryPropertyName', words.MASK_NEEDS_BINARY);
		if (!limits.mask) refuse('maskBinaryPropertyName', words.notAcceptedBy(model));
		if (edit.mask.format !== 'png')
			refuse('maskBinaryPropertyName', words.maskNotPng(edit.mask.property));
		const first = edit.images[0];
		if (
			first?.width &&
			edit.mask.width &&
			(first.width !== edit.mask.width || first.height !== edit.mask.height)
		) {
			refuse('maskBinaryPropertyName', words.maskOtherSize(edit.mask.property, edit.mask, first));
		}
	}
}
