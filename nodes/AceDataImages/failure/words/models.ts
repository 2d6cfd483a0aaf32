import { quantity, type Quantity } from './parameters';

/**
 * The words of what a model does not accept (`models/validation.ts`): each is what follows `Parameter "Label"`.
 * `model` is the model's ID.
 */

export const notAcceptedBy = (model: string) => `is not accepted by ${model}`;
export const valueNotAccepted = (value: string, model: string, allowed: readonly string[]) =>
	`"${value}" is not accepted by ${model}; allowed: ${allowed.join(', ')}`;

export const notANumber = (min: number, max: number) => `must be a number from ${min} to ${max}`;
export const notWhole = (min: number, max: number) =>
	`must be a whole number from ${min} to ${max}`;
export const outOfRange = (what: Quantity, min: number, max: number) =>
	`must be ${quantity(what)} from ${min} to ${max}`;

export const REQUIRED_FOR_CUSTOM = 'is required when the model is Custom Model ID';
export const REQUIRED = 'is required';
export const promptTooLong = (model: string, max: number) =>
	`is too long for ${model}: at most ${max} characters`;
export const oneImageOnly = (model: string) =>
	`must be 1 for ${model}: it makes one image per request`;
export const CALLBACK_URL_NOT_HTTP = 'must be an http(s) URL without spaces';
export const tooLongAtMost = (max: number) => `is too long: at most ${max} characters`;
export const COMPRESSION_NEEDS_JPEG_OR_WEBP =
	'only applies to jpeg or webp output: set Output Format to jpeg or webp, or remove it';
export const TRANSPARENT_NEEDS_ALPHA = 'transparent needs an Output Format with alpha: png or webp';
export const base64OneImage = (model: string) =>
	`b64_json is answered for one image only by ${model}: set Number of Images to 1, or use url`;

// Sizes: why one is refused (after the size itself).

export const sizeNotAccepted = (size: string, model: string, problem: string) =>
	`"${size}" is not accepted by ${model}: ${problem}`;
export const sizesAllowed = (sizes: string) => `allowed: ${sizes}`;
export const SIZE_FORMAT = 'use auto or WIDTHxHEIGHT with positive whole numbers, e.g. 1024x1024';
export const sidesMultipleOf = (multiple: number) => `both sides must be multiples of ${multiple}`;
export const longSideAtMost = (max: number) => `the long side must be at most ${max}`;
/** Pixel counts already formatted (`1,048,576`). */
export const pixelsBetween = (min: string, max: string, pixels: string) =>
	`the image must have ${min} to ${max} pixels (this one has ${pixels})`;
export const aspectAtMost = (max: number) => `the aspect ratio must be at most ${max}:1`;

// Edits: the input images and the mask. Sizes in MB arrive formatted.

export const imageTooLarge = (property: string, megabytes: string, model: string, limit: number) =>
	`"${property}" is ${megabytes} MB; ${model} accepts at most ${limit} MB per image`;
export const cannotEdit = (model: string) =>
	`${model} cannot edit images; choose one of the models in the list`;
export const NEEDS_AN_IMAGE = 'needs at least one image';
export const tooManyImages = (count: number, model: string, max: number) =>
	`lists ${count} images; ${model} edits at most ${max}`;

/** `position`: the data: URL's place among the Image URLs, from 1. */
const dataUrl = (position: number) => `holds a data: URL (image ${position})`;
export const dataUrlNotAnImage = (position: number) =>
	`${dataUrl(position)} that is not a PNG, JPEG or WebP image`;
export const dataUrlOtherType = (position: number, declared: string, format: string) =>
	`${dataUrl(position)} that says image/${declared} but holds a ${format.toUpperCase()} image`;
export const dataUrlTooLarge = (
	position: number,
	megabytes: string,
	model: string,
	limit: number,
) => `${dataUrl(position)} of ${megabytes} MB; ${model} accepts at most ${limit} MB per image`;
export const dataUrlNotSquarePng = (position: number, model: string) =>
	`${dataUrl(position)} that is not a square PNG, as ${model} needs`;

export const fileNotAnImage = (property: string) =>
	`"${property}" is not a PNG, JPEG, WebP or GIF image`;
export const fileNotSquarePng = (property: string, model: string) =>
	`"${property}" must be a square PNG for ${model}`;
export const MASK_NEEDS_BINARY = 'works only with images from binary fields';
export const maskNotPng = (property: string) =>
	`"${property}" must be a PNG (with an alpha channel)`;
export const maskOtherSize = (
	property: string,
	mask: { width?: number; height?: number },
	first: { width?: number; height?: number },
) =>
	`"${property}" is ${mask.width}x${mask.height}; it must be the size of the first image (${first.width}x${first.height})`;
