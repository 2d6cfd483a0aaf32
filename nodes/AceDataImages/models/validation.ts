import { z } from 'zod/v3';

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
		return spec.values.includes(size) ? null : `allowed: ${describeSize(spec)}`;
	if (size === 'auto' || (spec.kind === 'free' && size === '')) return null;
	const match = SIZE_PATTERN.exec(size);
	if (!match) return 'use auto or WIDTHxHEIGHT with positive whole numbers, e.g. 1024x1024';
	if (spec.kind === 'free') return null;
	const width = Number(match[1]);
	const height = Number(match[2]);
	const long = Math.max(width, height);
	const pixels = width * height;
	const number = (value: number) => value.toLocaleString('en-US');
	if (width % spec.multipleOf !== 0 || height % spec.multipleOf !== 0)
		return `both sides must be multiples of ${spec.multipleOf}`;
	if (long > spec.maxSide) return `the long side must be at most ${spec.maxSide}`;
	if (pixels < spec.minPixels || pixels > spec.maxPixels) {
		return `the image must have ${number(spec.minPixels)} to ${number(spec.maxPixels)} pixels (this one has ${number(pixels)})`;
	}
	if (long > spec.maxAspect * Math.min(width, height))
		return `the aspect ratio must be at most ${spec.maxAspect}:1`;
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
				ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is not accepted by ${rule.id}` });
			} else if (!allowed.includes(value)) {
				ctx.addIssue({
					code: z.ZodIssueCode.custom,
					message: `"${value}" is not accepted by ${rule.id}; allowed: ${allowed.join(', ')}`,
				});
			}
		});
}

function integer(min: number, max: number, what: string) {
	return z
		.number({ invalid_type_error: `must be a number from ${min} to ${max}` })
		.int(`must be a whole number from ${min} to ${max}`)
		.min(min, `must be ${what} from ${min} to ${max}`)
		.max(max, `must be ${what} from ${min} to ${max}`);
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
			modelId: z.string().trim().min(1, 'is required when the model is Custom Model ID'),
			prompt: z
				.string()
				.trim()
				.min(1, 'is required')
				// Counted in characters as AceData counts them (an emoji is one), not in UTF-16 units.
				.refine((value) => characterCount(value) <= rule.promptMaxLength, {
					message: `is too long for ${rule.id}: at most ${rule.promptMaxLength} characters`,
				}),
			n:
				rule.maxImages === 1
					? z.literal(1, {
							errorMap: () => ({
								message: `must be 1 for ${rule.id}: it makes one image per request`,
							}),
						})
					: integer(1, rule.maxImages, 'a whole number'),
			size: z
				.string()
				.optional()
				.superRefine((value, ctx) => {
					if (value === undefined) return;
					const problem = sizeProblem(rule, value);
					if (problem)
						ctx.addIssue({
							code: z.ZodIssueCode.custom,
							message: `"${value}" is not accepted by ${rule.id}: ${problem}`,
						});
				}),
			outputCompression: integer(0, 100, 'a percentage').optional(),
			partialImages: integer(0, 3, 'a whole number').optional(),
			inputFidelity: z.enum(['high', 'low']).optional(),
			callbackUrl: z
				.string()
				.optional()
				.refine(
					(value) => value === undefined || HTTP_URL.test(value),
					'must be an http(s) URL without spaces',
				),
			traceId: z.string().max(200, 'is too long: at most 200 characters').optional(),
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
			message: `is not accepted by ${rule.id}`,
		});
	} else if (input.outputCompression !== undefined && format !== 'jpeg' && format !== 'webp') {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['outputCompression'],
			message:
				'only applies to jpeg or webp output: set Output Format to jpeg or webp, or remove it',
		});
	}
	if (input.background === 'transparent' && format === 'jpeg') {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['background'],
			message: 'transparent needs an Output Format with alpha: png or webp',
		});
	}
	if (input.responseFormat === 'b64_json' && rule.base64SingleImage && input.n !== 1) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['responseFormat'],
			message: `b64_json is answered for one image only by ${rule.id}: set Number of Images to 1, or use url`,
		});
	}
	if (input.partialImages !== undefined && !rule.partialImages) {
		ctx.addIssue({
			code: z.ZodIssueCode.custom,
			path: ['partialImages'],
			message: `is not accepted by ${rule.id}`,
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
	throw new ImageRequestValidationError(parameter, `Parameter "${label}" ${issue.message}`);
}

function refuse(parameter: string, message: string): never {
	throw new ImageRequestValidationError(
		parameter,
		`Parameter "${PARAMETER_LABELS[parameter] ?? parameter}" ${message}`,
	);
}

const MB = 1024 * 1024;

/** Refuses an input image larger than the model edits; called with the size n8n recorded, before reading it. */
export function checkEditImageSize(model: string, property: string, bytes: number): void {
	const limit = getModelRule(model).edit?.maxImageBytes;
	if (limit !== undefined && bytes > limit) {
		refuse(
			'binaryPropertyNames',
			`"${property}" is ${(bytes / MB).toFixed(1)} MB; ${model} accepts at most ${limit / MB} MB per image`,
		);
	}
}

/** Refuses, before anything is sent or billed, input images the model cannot edit. */
export function validateEditInput(model: string, edit: EditInput): void {
	const rule = getModelRule(model);
	const limits = rule.edit;
	if (!limits) refuse('model', `${model} cannot edit images; choose one of the models in the list`);
	const count = edit.source === 'binary' ? edit.images.length : edit.urls.length;
	const parameter = edit.source === 'binary' ? 'binaryPropertyNames' : 'imageUrls';
	if (count === 0) refuse(parameter, 'needs at least one image');
	if (count > limits.maxImages) {
		refuse(parameter, `lists ${count} images; ${model} edits at most ${limits.maxImages}`);
	}
	edit.urls.forEach(({ inline }, index) => {
		if (!inline) return;
		const which = `holds a data: URL (image ${index + 1})`;
		if (!inline.format) refuse('imageUrls', `${which} that is not a PNG, JPEG or WebP image`);
		if (inline.format !== inline.declared)
			refuse(
				'imageUrls',
				`${which} that says image/${inline.declared} but holds a ${inline.format.toUpperCase()} image`,
			);
		if (limits.maxImageBytes < inline.bytes) {
			refuse(
				'imageUrls',
				`${which} of ${(inline.bytes / MB).toFixed(1)} MB; ${model} accepts at most ${limits.maxImageBytes / MB} MB per image`,
			);
		}
		if (limits.squarePngOnly && (inline.format !== 'png' || inline.width !== inline.height))
			refuse('imageUrls', `${which} that is not a square PNG, as ${model} needs`);
	});
	for (const image of edit.images) {
		checkEditImageSize(model, image.property, image.bytes);
		if (!image.format)
			refuse('binaryPropertyNames', `"${image.property}" is not a PNG, JPEG, WebP or GIF image`);
		if (limits.squarePngOnly && (image.format !== 'png' || image.width !== image.height)) {
			refuse('binaryPropertyNames', `"${image.property}" must be a square PNG for ${model}`);
		}
	}
	if (edit.mask) {
		if (edit.source !== 'binary')
			refuse('maskBinaryPropertyName', 'works only with images from binary fields');
		if (!limits.mask) refuse('maskBinaryPropertyName', `is not accepted by ${model}`);
		if (edit.mask.format !== 'png')
			refuse(
				'maskBinaryPropertyName',
				`"${edit.mask.property}" must be a PNG (with an alpha channel)`,
			);
		const first = edit.images[0];
		if (
			first?.width &&
			edit.mask.width &&
			(first.width !== edit.mask.width || first.height !== edit.mask.height)
		) {
			refuse(
				'maskBinaryPropertyName',
				`"${edit.mask.property}" is ${edit.mask.width}x${edit.mask.height}; it must be the size of the first image (${first.width}x${first.height})`,
			);
		}
	}
}
