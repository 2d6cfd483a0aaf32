import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { Failure, describeValue, parameterFailure } from '../failure/failure';
import {
	CALLBACK_ITEM_TAG,
	CALLBACK_WEBHOOK_PATH,
	DEFAULT_BINARY_PROPERTY,
	DEFAULT_MAX_DOWNLOAD_MB,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	DEFAULT_TASK_LIMIT,
	DELIVERIES,
	HTTP_URL,
	ID_PATTERN,
	MAX_CONCURRENCY,
	MAX_DOWNLOAD_MB,
	MAX_IMAGES_CAP,
	MAX_SECONDS,
	MAX_TASK_LIMIT,
	MAX_TRACE_ID_LENGTH,
	MIN_MAX_WAIT_SECONDS,
	MIN_SECONDS,
	labelOf,
	type Delivery,
} from '../models/defaults';
import type { EditUrl, ImageRequestInput } from '../models/validation';
import { MAX_HEAD_BYTES, inspectImage } from './mime';
import type { OutputLayout, OutputOptions } from './output';

/**
 * The boundary for what users type. Every parameter arrives through n8n's expressions and can be anything
 * (`undefined` from `{{ $json.missing }}`, an object, an array, a boolean, NaN): each is read here, once per item,
 * into a typed job, or refused naming the parameter and what it resolved to. Nothing past this file reads a raw
 * parameter.
 */

/** How long to wait for asynchronous tasks. */
export interface WaitSettings {
	intervalSeconds: number;
	maxWaitSeconds: number;
}

/** Where an edit's input images come from. */
export type EditSources =
	| { source: 'binary'; properties: string[]; maskProperty?: string }
	| { source: 'url'; urls: EditUrl[]; maskProperty?: string };

/** Everything one input item asks of an image operation. */
export interface ImageJob {
	itemIndex: number;
	input: ImageRequestInput;
	delivery: Delivery;
	output: OutputOptions;
	wait: WaitSettings;
	timeoutSeconds?: number;
	/** Edit only. */
	edit?: EditSources;
	/** The user set the Trace ID (otherwise the node made one up for this try). */
	traceIdGiven: boolean;
}

/** Task › Get. */
export interface TaskJob {
	itemIndex: number;
	idOrTrace: string;
	output: OutputOptions;
	timeoutSeconds?: number;
}

/** Task › Get Many: which tasks, how many, and whether to download finished tasks' images. */
export interface TaskListJob {
	itemIndex: number;
	/** Times in ms since the epoch. */
	filter: { taskIds?: string[]; traceIds?: string[]; createdAfter?: number; createdBefore?: number };
	limit: number;
	downloadImages: boolean;
	output: OutputOptions;
	timeoutSeconds?: number;
}

/** Node-level settings (read from the first item). */
export interface NodeSettings {
	resource: string;
	operation: string;
}

const refuse = (parameter: string, expected: string, value: unknown): Failure =>
	parameterFailure(parameter, `Parameter "${labelOf(parameter)}" must be ${expected} (got ${describeValue(value)})`);

const isUnset = (value: unknown) => value === undefined || value === null || value === '';

/** Reads a parameter; an expression n8n cannot evaluate is a refusal naming the parameter, not a crash. */
function raw(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback?: unknown): unknown {
	try {
		return ctx.getNodeParameter(name, itemIndex, fallback as never) as unknown;
	} catch (error) {
		const reason = (error as Error)?.message ?? 'the expression failed';
		throw parameterFailure(name, `Parameter "${labelOf(name)}" could not be read: ${reason}`);
	}
}

/** Text: a string, or a number as its text; anything else (undefined, null, an object, an array, a boolean) is refused. */
export function requiredText(parameter: string, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw refuse(parameter, 'text', value);
}

/** Optional text, trimmed: unset (undefined, null, empty) → undefined; a number → its text; other types refused. */
export function optionalText(parameter: string, value: unknown): string | undefined {
	if (isUnset(value)) return undefined;
	const text = requiredText(parameter, value).trim();
	return text === '' ? undefined : text;
}

/** One of `values`, or the default when unset; anything else is refused listing the values. */
export function oneOf<T extends string>(parameter: string, value: unknown, values: readonly T[], fallback: T): T {
	if (isUnset(value)) return fallback;
	if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
	throw refuse(parameter, `one of ${values.join(', ')}`, value);
}

export function optionalBoolean(parameter: string, value: unknown, fallback: boolean): boolean {
	if (isUnset(value)) return fallback;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw refuse(parameter, 'true or false', value);
}

interface NumberRule {
	min: number;
	max: number;
	/** Whole numbers only. */
	integer?: boolean;
	/** `min` itself is not allowed ("above 0"). */
	exclusiveMin?: boolean;
	/** What the number counts, for the message: "a number of seconds", "a whole number". */
	what: string;
}

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function rangeText(rule: NumberRule): string {
	return `${rule.what} ${rule.exclusiveMin ? `above ${rule.min}` : `from ${rule.min}`} ${rule.exclusiveMin ? 'and at most' : 'to'} ${rule.max}`;
}

/** A number in its range: a number or a numeric string; unset → undefined; anything else refused alike. */
export function optionalNumber(parameter: string, value: unknown, rule: NumberRule): number | undefined {
	if (isUnset(value)) return undefined;
	let number = Number.NaN;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) number = Number(value.trim());
	const inRange =
		Number.isFinite(number) &&
		(rule.exclusiveMin ? number > rule.min : number >= rule.min) &&
		number <= rule.max &&
		(!rule.integer || Number.isInteger(number));
	if (!inRange) throw refuse(parameter, rangeText(rule), value);
	return number;
}

const SECONDS: NumberRule = { min: 0, max: MAX_SECONDS, exclusiveMin: true, what: 'a number of seconds' };

/** Seconds above 0, at least `min` (shorter cannot reach AceData and back, or gives up before looking). */
function seconds(parameter: string, value: unknown, min = MIN_SECONDS): number | undefined {
	const number = optionalNumber(parameter, value, SECONDS);
	if (number !== undefined && number < min) {
		throw parameterFailure(parameter, `Parameter "${labelOf(parameter)}" must be at least ${min} seconds (got ${describeValue(value)})`);
	}
	return number;
}

/** The options collection: an object, or nothing. */
function optionsOf(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const value = raw(ctx, 'options', itemIndex, {});
	if (isUnset(value)) return {};
	if (typeof value !== 'object' || Array.isArray(value)) throw refuse('options', 'a collection of options', value);
	return value as IDataObject;
}

/** A trace ID for a billed request the user gave none for: how AceData can be asked about it if the answer is lost. */
export function newTraceId(): string {
	return crypto.randomUUID();
}

/** Comma- or newline-separated names (binary fields), or an array from an expression; blanks dropped. */
export function splitList(parameter: string, value: unknown): string[] {
	if (isUnset(value)) return [];
	const entries = Array.isArray(value) ? value : requiredText(parameter, value).split(/[,\n]/);
	return entries.map((entry) => requiredText(parameter, entry).trim()).filter(Boolean);
}

/**
 * Image URLs: one per line, or an array from an expression. A comma splits a line only where the next URL starts,
 * so a URL that holds commas (signed or transformed image links, and every data: URL) stays whole.
 */
export function splitUrls(parameter: string, value: unknown): string[] {
	if (isUnset(value)) return [];
	const lines = Array.isArray(value) ? value.map((entry) => requiredText(parameter, entry)) : requiredText(parameter, value).split(/\r?\n/);
	return lines
		.flatMap((line) => line.split(/,\s*(?=https?:\/\/|data:)/i))
		.map((entry) => entry.trim().replace(/,$/, ''))
		.filter(Boolean);
}

/** The base64 data: URLs AceData's JSON edits take besides http(s) URLs (2026). */
const DATA_URL = /^data:image\/(png|jpeg|webp);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A long value cut for a message (a data: URL can hold megabytes). */
const quoteStart = (value: string) => (value.length > 60 ? `${value.slice(0, 60)}…` : value);

/**
 * One entry of Image URLs: an http(s) URL, or a base64 `data:image/png|jpeg|webp` URL, whose size (from the base64's
 * length), type and pixels (from its first bytes) are read here, so it is checked without being decoded whole.
 */
export function imageUrl(parameter: string, value: string): EditUrl {
	if (HTTP_URL.test(value)) return { url: value };
	const match = DATA_URL.exec(value);
	const refuseUrl = (problem: string) => parameterFailure(parameter, `Parameter "${labelOf(parameter)}" ${problem}`);
	if (!match) {
		throw refuseUrl(`must hold http(s) URLs without spaces or data:image/png|jpeg|webp;base64 URLs: "${quoteStart(value)}" is neither`);
	}
	const payload = value.slice(match[0].length);
	if (payload.length === 0 || payload.length % 4 === 1 || !BASE64.test(payload)) {
		throw refuseUrl(`holds a data: URL whose base64 is not valid: "${quoteStart(value)}"`);
	}
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	const bytes = Math.floor((payload.length * 3) / 4) - padding;
	const head = Buffer.from(payload.slice(0, 4 * Math.ceil(MAX_HEAD_BYTES / 3)), 'base64');
	const { type, dimensions } = inspectImage(head);
	const format = type?.extension === 'jpg' ? 'jpeg' : type?.extension;
	return { url: value, inline: { declared: match[1].toLowerCase(), bytes, format, ...dimensions } };
}

export function readOutputOptions(options: IDataObject): OutputOptions {
	const maxDownloadMb =
		optionalNumber('maxDownloadMb', options.maxDownloadMb, { min: 1, max: MAX_DOWNLOAD_MB, what: 'a number of MB' }) ?? DEFAULT_MAX_DOWNLOAD_MB;
	return {
		binaryPropertyName: optionalText('binaryPropertyName', options.binaryPropertyName) ?? DEFAULT_BINARY_PROPERTY,
		outputLayout: oneOf<OutputLayout>('outputLayout', options.outputLayout, ['itemPerImage', 'singleItem'], 'itemPerImage'),
		downloadImages: optionalBoolean('downloadImages', options.downloadImages, true),
		fileName: optionalText('fileName', options.fileName),
		outputFormat: optionalText('outputFormat', options.outputFormat),
		maxDownloadBytes: Math.round(maxDownloadMb * 1024 * 1024),
	};
}

export function readWaitSettings(options: IDataObject): WaitSettings {
	const intervalSeconds = seconds('pollInterval', options.pollInterval) ?? DEFAULT_POLL_INTERVAL_SECONDS;
	const maxWaitSeconds = seconds('maxWait', options.maxWait, MIN_MAX_WAIT_SECONDS) ?? DEFAULT_MAX_WAIT_SECONDS;
	return { intervalSeconds, maxWaitSeconds };
}

/** Node-level settings: read once, from the first item, before any item runs. */
export function readNodeSettings(ctx: IExecuteFunctions): NodeSettings {
	const resource = oneOf('resource', raw(ctx, 'resource', 0, 'image'), ['image', 'task'], 'image');
	const operation = requiredText('operation', raw(ctx, 'operation', 0, resource === 'task' ? 'get' : 'generate'));
	return { resource, operation };
}

/** Concurrency: a node-level option, read from the first item. */
export function readConcurrency(ctx: IExecuteFunctions): number {
	const options = optionsOf(ctx, 0);
	return optionalNumber('concurrency', options.concurrency, { min: 1, max: MAX_CONCURRENCY, integer: true, what: 'a whole number' }) ?? 1;
}

/** Max Images per Run: a node-level option, read from the first item; undefined: no cap. */
export function readImageCap(ctx: IExecuteFunctions): number | undefined {
	const options = optionsOf(ctx, 0);
	const value = options.maxImagesPerRun;
	const rule = { min: 1, max: MAX_IMAGES_CAP, integer: true, what: 'a whole number' };
	if (!isUnset(value)) return optionalNumber('maxImagesPerRun', value, rule);
	// Fails closed: only an option the user did not add means "no cap"; one that resolved to nothing is an error.
	const written = (ctx.getNode().parameters?.options as IDataObject | undefined)?.maxImagesPerRun;
	if (written === undefined && !Object.prototype.hasOwnProperty.call(options, 'maxImagesPerRun')) return undefined;
	throw parameterFailure(
		'maxImagesPerRun',
		`Parameter "${labelOf('maxImagesPerRun')}" must be a whole number from 1 to ${MAX_IMAGES_CAP} (got ${describeValue(value)}${typeof written === 'string' ? ` from ${written.trim()}` : ''})`,
		'Nothing was sent to AceData and nothing was billed. Remove the option for no cap, or make its expression give a number for every run.',
	);
}

/** How many images an item asks for (Number of Images), or undefined when it cannot be read (the item fails on its own). */
export function readImageCount(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	try {
		return optionalNumber('n', raw(ctx, 'n', itemIndex, 1), { min: 1, max: 10, integer: true, what: 'a whole number' }) ?? 1;
	} catch {
		return undefined;
	}
}

/**
 * This item's callback URL for Delivery Callback: the execution's resume URL (unguessable, signed by n8n) with the
 * node's own webhook path, tagged with the item. The path means only this node's webhook can be resumed by it.
 */
export function callbackUrlFor(ctx: IExecuteFunctions, itemIndex: number): string {
	let resumeUrl: unknown;
	try {
		resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex);
	} catch {
		resumeUrl = undefined;
	}
	let url: URL | undefined;
	try {
		url = typeof resumeUrl === 'string' && /^https?:\/\//i.test(resumeUrl) ? new URL(resumeUrl) : undefined;
	} catch {
		url = undefined;
	}
	if (!url) {
		throw parameterFailure(
			'delivery',
			'n8n did not give this execution a resume URL, so AceData could not call back',
			'Nothing was sent to AceData and nothing was billed. Use Poll Until Done instead.',
		);
	}
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${CALLBACK_WEBHOOK_PATH}`;
	url.searchParams.set(CALLBACK_ITEM_TAG, String(itemIndex));
	return url.toString();
}

/** Everything one input item asks of an image operation, read once, before any check or request. */
export function readImageJob(ctx: IExecuteFunctions, itemIndex: number, operation: 'generate' | 'edit'): ImageJob {
	const model = requiredText('model', raw(ctx, 'model', itemIndex)).trim();
	const customModel = model === 'custom' ? (optionalText('customModel', raw(ctx, 'customModel', itemIndex, '')) ?? '') : '';
	const options = optionsOf(ctx, itemIndex);
	const delivery = oneOf<Delivery>('delivery', raw(ctx, 'delivery', itemIndex, 'wait'), DELIVERIES, 'wait');
	const userCallbackUrl = optionalText('callbackUrl', options.callbackUrl);
	if (delivery === 'callback' && userCallbackUrl) {
		throw parameterFailure(
			'callbackUrl',
			`Parameter "${labelOf('callbackUrl')}" must be empty with delivery "Wait for AceData's Callback"`,
			"The node sets the callback to this execution's own resume URL. Nothing was sent to AceData and nothing was billed.",
		);
	}
	const traceId = optionalText('traceId', options.traceId);
	if (traceId !== undefined && traceId.length > MAX_TRACE_ID_LENGTH) {
		throw parameterFailure('traceId', `Parameter "${labelOf('traceId')}" is too long: at most ${MAX_TRACE_ID_LENGTH} characters`);
	}
	const n = optionalNumber('n', raw(ctx, 'n', itemIndex, 1), { min: 1, max: 10, integer: true, what: 'a whole number' }) ?? 1;
	const input: ImageRequestInput = {
		operation,
		model,
		modelId: model === 'custom' ? customModel : model,
		prompt: requiredText('prompt', raw(ctx, 'prompt', itemIndex, '')),
		n,
		size: optionalText('size', raw(ctx, 'size', itemIndex, '')),
		quality: optionalText('quality', options.quality),
		style: optionalText('style', options.style),
		background: optionalText('background', options.background),
		moderation: optionalText('moderation', options.moderation),
		outputFormat: optionalText('outputFormat', options.outputFormat),
		outputCompression: optionalNumber('outputCompression', options.outputCompression, { min: 0, max: 100, integer: true, what: 'a percentage' }),
		partialImages: optionalNumber('partialImages', options.partialImages, { min: 0, max: 3, integer: true, what: 'a whole number' }),
		responseFormat: optionalText('responseFormat', options.responseFormat),
		inputFidelity: operation === 'edit' ? optionalText('inputFidelity', options.inputFidelity) : undefined,
		callbackUrl: delivery === 'callback' ? callbackUrlFor(ctx, itemIndex) : userCallbackUrl,
		traceId: traceId ?? newTraceId(),
	};
	const job: ImageJob = {
		itemIndex,
		input,
		delivery,
		output: readOutputOptions(options),
		wait: readWaitSettings(options),
		timeoutSeconds: seconds('timeout', options.timeout),
		traceIdGiven: traceId !== undefined,
	};
	if (operation === 'edit') job.edit = readEditSources(ctx, itemIndex, options);
	return job;
}

function readEditSources(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject): EditSources {
	const source = oneOf('imageSource', raw(ctx, 'imageSource', itemIndex, 'binary'), ['binary', 'url'], 'binary');
	const maskProperty = optionalText('maskBinaryPropertyName', options.maskBinaryPropertyName);
	if (source === 'url') {
		const urls = splitUrls('imageUrls', raw(ctx, 'imageUrls', itemIndex, '')).map((url) => imageUrl('imageUrls', url));
		return { source, urls, maskProperty };
	}
	return { source, properties: splitList('binaryPropertyNames', raw(ctx, 'binaryPropertyNames', itemIndex, DEFAULT_BINARY_PROPERTY)), maskProperty };
}

/** The offset of a time zone from UTC at an instant, in ms (what Intl says the wall clock there reads). */
function zoneOffset(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(ms));
	const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - Math.floor(ms / 1000) * 1000;
}

const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * A point in time from n8n's date picker (`2026-12-01T10:00:00`, read in the workflow's time zone), an ISO string
 * with a zone, a Date or Luxon DateTime from an expression (`{{ $now.minus({ hours: 1 }) }}`), or epoch seconds or
 * milliseconds; unset → undefined. Anything else is refused.
 */
function optionalTime(parameter: string, value: unknown, timeZone: string): number | undefined {
	if (isUnset(value)) return undefined;
	let ms: number | undefined;
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) ms = value < 1e11 ? value * 1000 : value;
	else if (value instanceof Date) ms = value.getTime();
	else if (value && typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		ms = Number((value as { toMillis: () => unknown }).toMillis());
	} else if (typeof value === 'string') {
		const text = value.trim();
		const zoneless = ZONELESS.exec(text);
		if (zoneless) {
			const [year, month, day, hour, minute, second] = zoneless.slice(1, 7).map((part) => Number(part ?? 0));
			const millisecond = zoneless[7] ? Number(zoneless[7].padEnd(3, '0')) : 0;
			const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
			let zone = 'UTC';
			try {
				new Intl.DateTimeFormat('en-US', { timeZone });
				zone = timeZone;
			} catch {
				zone = 'UTC';
			}
			// The wall-clock time in the workflow's zone: corrected by the zone's offset at that moment.
			const first = wall - zoneOffset(wall, zone);
			ms = wall - zoneOffset(first, zone);
		} else if (/^\d+(\.\d+)?$/.test(text)) return optionalTime(parameter, Number(text), timeZone);
		else ms = Date.parse(text);
	}
	if (ms === undefined || !Number.isFinite(ms) || ms <= 0) throw refuse(parameter, 'a date and time (e.g. 2026-12-01T10:00:00, or {{ $now.minus({ hours: 1 }) }})', value);
	return ms;
}

/** Task IDs or trace IDs: comma- or newline-separated, or an array from an expression; each checked. */
function idList(parameter: string, value: unknown): string[] | undefined {
	const ids = splitList(parameter, value);
	for (const id of ids) {
		if (!ID_PATTERN.test(id)) throw refuse(parameter, 'task or trace IDs (no spaces, at most 200 characters each)', id);
	}
	return ids.length ? [...new Set(ids)] : undefined;
}

/** Task › Get Many: the filter, the limit and the output options, read once. */
export function readTaskListJob(ctx: IExecuteFunctions, itemIndex: number): TaskListJob {
	const timeZone = typeof ctx.getTimezone === 'function' ? ctx.getTimezone() : 'UTC';
	const filter = {
		taskIds: idList('taskIds', raw(ctx, 'taskIds', itemIndex, '')),
		traceIds: idList('traceIds', raw(ctx, 'traceIds', itemIndex, '')),
		createdAfter: optionalTime('createdAfter', raw(ctx, 'createdAfter', itemIndex, ''), timeZone),
		createdBefore: optionalTime('createdBefore', raw(ctx, 'createdBefore', itemIndex, ''), timeZone),
	};
	if (!filter.taskIds && !filter.traceIds && filter.createdAfter === undefined && filter.createdBefore === undefined) {
		throw parameterFailure(
			'taskIds',
			'Task › Get Many needs Task IDs, Trace IDs, or a time (Created After / Created Before): AceData lists tasks only by them',
			'Nothing was looked up.',
		);
	}
	if (filter.createdAfter !== undefined && filter.createdBefore !== undefined && filter.createdAfter > filter.createdBefore) {
		throw parameterFailure('createdBefore', `Parameter "${labelOf('createdBefore')}" must not be before Created After`, 'Nothing was looked up.');
	}
	const options = optionsOf(ctx, itemIndex);
	const limit =
		optionalNumber('limit', raw(ctx, 'limit', itemIndex, DEFAULT_TASK_LIMIT), { min: 1, max: MAX_TASK_LIMIT, integer: true, what: 'a whole number' }) ??
		DEFAULT_TASK_LIMIT;
	return {
		itemIndex,
		filter,
		limit,
		downloadImages: optionalBoolean('downloadImages', raw(ctx, 'downloadImages', itemIndex, false), false),
		output: { ...readOutputOptions(options), downloadImages: true },
		timeoutSeconds: seconds('timeout', options.timeout),
	};
}

/** Task › Get: the task (or trace) ID and the output options. */
export function readTaskJob(ctx: IExecuteFunctions, itemIndex: number): TaskJob {
	const idOrTrace = optionalText('taskId', raw(ctx, 'taskId', itemIndex, ''));
	if (!idOrTrace) throw parameterFailure('taskId', `Parameter "${labelOf('taskId')}" is required`, 'Nothing was looked up.');
	const options = optionsOf(ctx, itemIndex);
	return { itemIndex, idOrTrace, output: readOutputOptions(options), timeoutSeconds: seconds('timeout', options.timeout) };
}
