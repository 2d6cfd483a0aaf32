import { z } from 'zod/v3';

import * as words from '../failure/words';
import { costField } from './cost';
import { ID_PATTERN } from '../models/defaults';
import type {
	ErrorBody,
	ImageDatum,
	ImagesAnswer,
	SubmitAnswer,
	TaskRecord,
	TaskResult,
	TokenUsage,
} from './types';

/**
 * The boundary for what AceData (or anything in front of it) sends: every answer, acknowledgement, task record and
 * callback body is parsed here, once, into the typed values of `types.ts`. Strings are coerced (a number becomes its
 * text) or refused, IDs are checked, and the token is scrubbed from every string before anything reads it. A shape
 * that does not fit is a `problem` (a sentence naming the field), never an exception. Schemas are built once.
 */

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Replaces every occurrence of the token so that no message, description or output can carry it. */
export function redact(text: string, secret: string | undefined): string {
	if (!secret || secret.length < 4 || !text.includes(secret)) return text;
	return text.split(secret).join('[redacted]');
}

const MAX_DEPTH = 32;

/** Every string of a JSON value (keys too) with the token replaced; deeper than any real answer is cut off. */
export function scrubDeep(value: unknown, token: string, depth = 0): unknown {
	if (typeof value === 'string') return redact(value, token);
	if (!value || typeof value !== 'object') return value;
	if (depth >= MAX_DEPTH) return undefined;
	if (Array.isArray(value)) return value.map((entry) => scrubDeep(entry, token, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value))
		out[redact(key, token)] = scrubDeep(entry, token, depth + 1);
	return out;
}

const finite = z.number().refine(Number.isFinite);
/** A string, or a number as its text. */
const text = z.union([z.string(), finite.transform(String)]);
/** Metadata that may be dropped when it has the wrong type (it never decides anything). */
function asText(value: unknown): string | undefined {
	if (typeof value === 'string') return value === '' ? undefined : value;
	return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}
const lenientText = z.unknown().transform(asText);
const id = text.refine((value) => ID_PATTERN.test(value), { message: words.NOT_A_TASK_ID });
/** An ID, or undefined: checked directly (a failed zod parse builds an error with a stack, for every stray value). */
function asId(value: unknown): string | undefined {
	const text =
		typeof value === 'string'
			? value
			: typeof value === 'number' && Number.isFinite(value)
				? String(value)
				: undefined;
	return text !== undefined && ID_PATTERN.test(text) ? text : undefined;
}
const lenientId = z.unknown().transform(asId);
const optionalText = z.preprocess(
	(value) => (value === null || value === '' ? undefined : value),
	text.optional(),
);

const usage = z.unknown().transform((value): TokenUsage | undefined => {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const out: TokenUsage = {};
	for (const [key, entry] of Object.entries(value)) {
		if (typeof entry === 'number' && Number.isFinite(entry)) out[key] = entry;
		else if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
			const nested = Object.fromEntries(
				Object.entries(entry).filter(
					([, inner]) => typeof inner === 'number' && Number.isFinite(inner),
				),
			);
			if (Object.keys(nested).length) out[key] = nested as Record<string, number>;
		}
	}
	return Object.keys(out).length ? out : undefined;
});

const datum = z
	.object({ url: optionalText, b64_json: optionalText, revised_prompt: lenientText })
	.refine((entry) => entry.url !== undefined || entry.b64_json !== undefined, {
		message: words.NEITHER_URL_NOR_BASE64,
	})
	.transform(
		(entry): ImageDatum => ({
			url: entry.url,
			b64Json: entry.b64_json,
			revisedPrompt: entry.revised_prompt,
		}),
	);

const imagesAnswer = z
	.object({
		data: z.array(datum),
		model: lenientText,
		usage,
		cost: costField,
		created: z
			.unknown()
			.transform((value) =>
				typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined,
			),
		task_id: lenientId,
		trace_id: lenientId,
	})
	.transform(
		(answer): ImagesAnswer => ({
			images: answer.data,
			model: answer.model,
			usage: answer.usage,
			...answer.cost,
			created: answer.created,
			taskId: answer.task_id,
			traceId: answer.trace_id,
		}),
	);

/** Seconds or milliseconds since the epoch, or a date string → ms; anything else → undefined. */
/** The latest time a record may carry (ms): a date JavaScript can write (year 275760 is the limit), well within it. */
const LATEST_MS = Date.UTC(9999, 11, 31);

function toMs(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
		const ms = value < 1e11 ? value * 1000 : value;
		return ms <= LATEST_MS ? ms : undefined;
	}
	if (typeof value === 'string' && value.trim() !== '') {
		const number = Number(value);
		if (Number.isFinite(number)) return toMs(number);
		const date = Date.parse(value);
		return Number.isNaN(date) || date <= 0 || date > LATEST_MS ? undefined : date;
	}
	return undefined;
}

const request = z.unknown().transform((value) => {
	const record =
		value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: {};
	const read = (key: string) => asText(record[key]);
	// `n` as a count of images, when the record kept one that reads as such (a multipart edit's is text).
	const n = Number(record.n);
	const count = Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
	return {
		model: read('model'),
		prompt: read('prompt'),
		outputFormat: read('output_format'),
		n: count,
	};
});

/** `finished_at`: unset (running) or a time; `false`, an object or an array do not fit. */
const finishedAt = z.union([z.null(), z.undefined(), z.string(), finite]);

const taskRecord = z.object({
	id,
	trace_id: lenientId,
	type: lenientText,
	request,
	created_at: z.unknown().transform(toMs),
	finished_at: finishedAt,
	response: z.unknown(),
	cost: costField,
});

function issueText(error: z.ZodError, root: unknown): string {
	const issue = error.issues[0];
	let value: unknown = root;
	for (const key of issue.path)
		value =
			value && typeof value === 'object'
				? (value as Record<string | number, unknown>)[key]
				: undefined;
	const where = words.problemAt(issue.path.map(String));
	return issue.code === 'custom'
		? words.problemSays(where, issue.message)
		: words.problemIs(where, value);
}

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): Parsed<T> {
	const result = schema.safeParse(value);
	return result.success
		? { ok: true, value: result.data }
		: { ok: false, problem: issueText(result.error, value) };
}

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The images of an answer or of a finished task's response. */
function parseImagesAnswer(value: unknown): Parsed<ImagesAnswer> {
	return parse(imagesAnswer, value);
}

/**
 * A billed submission's 200 answer: the images, or an accepted task (`task_id` without images). A body with
 * neither is a problem: whether AceData accepted the job cannot be told from it.
 */
export function parseSubmitAnswer(value: unknown): Parsed<SubmitAnswer> {
	if (!isObject(value)) return { ok: false, problem: words.answerIs(value) };
	if (value.data !== undefined) {
		const answer = parseImagesAnswer(value);
		return answer.ok ? { ok: true, value: { kind: 'images', answer: answer.value } } : answer;
	}
	const taskId = asId(value.task_id);
	if (taskId)
		return { ok: true, value: { kind: 'accepted', taskId, traceId: asId(value.trace_id) } };
	return { ok: false, problem: words.NEITHER_IMAGES_NOR_TASK };
}

/** A finished task's response: its images, or AceData's error (a failed task). */
function taskResult(response: unknown): Parsed<TaskResult> {
	if (!isObject(response))
		return {
			ok: true,
			value: { kind: 'failed', code: 'task_failed', message: words.TASK_WITHOUT_IMAGES },
		};
	if ((response.error !== undefined && response.error !== null) || response.success === false) {
		const error = isObject(response.error) ? response.error : {};
		return {
			ok: true,
			value: {
				kind: 'failed',
				code: asText(error.code) ?? 'task_failed',
				message: asText(error.message) ?? words.TASK_WITHOUT_IMAGES,
			},
		};
	}
	const answer = parseImagesAnswer(response);
	if (!answer.ok) return { ok: false, problem: words.inResponse(answer.problem) };
	return { ok: true, value: { kind: 'images', answer: answer.value } };
}

export type RecordParse =
	| { kind: 'none' }
	| { kind: 'record'; record: TaskRecord }
	| { kind: 'invalid'; id?: string; problem: string };

/**
 * One task record. `{}` (and an empty or absent body) is AceData's "no such task"; a record without an `id`, with a
 * `finished_at` that is no time, or a finished response that does not fit is `invalid` (with the `id` when it has one).
 */
export function parseTaskRecord(value: unknown): RecordParse {
	if (
		value === undefined ||
		value === null ||
		value === '' ||
		(isObject(value) && Object.keys(value).length === 0)
	)
		return { kind: 'none' };
	if (!isObject(value)) return { kind: 'invalid', problem: words.recordIs(value) };
	const known = asId(value.id);
	const parsed = parse(taskRecord, value);
	if (!parsed.ok) return { kind: 'invalid', id: known, problem: parsed.problem };
	const raw = parsed.value;
	const finished =
		raw.finished_at !== undefined && raw.finished_at !== null && raw.finished_at !== '';
	const record: TaskRecord = {
		id: raw.id,
		traceId: raw.trace_id,
		type: raw.type,
		request: raw.request,
		createdAt: raw.created_at,
	};
	if (finished) {
		const result = taskResult(raw.response);
		if (!result.ok) return { kind: 'invalid', id: raw.id, problem: result.problem };
		record.result = result.value;
		record.finishedAt = toMs(raw.finished_at);
		Object.assign(record, raw.cost);
		// The record's cost is the job's: its images carry it wherever they are emitted from.
		const answer = result.value.kind === 'images' ? result.value.answer : undefined;
		if (answer && !answer.cost && !answer.costUnreadable) Object.assign(answer, raw.cost);
	}
	return { kind: 'record', record };
}

/** A `retrieve_batch` page: its records (each parsed on its own) and AceData's total count. */
export function parseTaskBatch(value: unknown): { records: RecordParse[]; count?: number } {
	const body = isObject(value) ? value : {};
	const items = Array.isArray(body.items) ? body.items : [];
	const count =
		typeof body.count === 'number' && Number.isFinite(body.count) && body.count >= 0
			? body.count
			: undefined;
	return { records: items.map(parseTaskRecord), count };
}

/** AceData's error fields when the body is its error JSON; `text` is any other body, cut for a quote. */
export function parseErrorBody(value: unknown): ErrorBody {
	if (!isObject(value)) {
		const quoted = typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
		return {
			refused: false,
			text: quoted ? (quoted.length > 200 ? `${quoted.slice(0, 200)}…` : quoted) : undefined,
		};
	}
	const error = isObject(value.error) ? value.error : {};
	const cut = (entry: string | undefined) =>
		entry && entry.length > 500 ? `${entry.slice(0, 500)}…` : entry;
	return {
		code: asText(error.code),
		message: cut(asText(error.message) ?? asText(value.message)),
		traceId: asId(value.trace_id),
		refused: value.success === false,
	};
}

/**
 * The task a callback names: the only thing the node reads from a callback's body (its images come from a look-up),
 * and whether it is the node's own look-again after parking (`acedata_recheck`).
 */
export function parseCallbackBody(value: unknown): { taskId?: string; recheck: boolean } {
	if (!isObject(value)) return { recheck: false };
	return { taskId: asId(value.task_id), recheck: value.acedata_recheck === true };
}

/** The model IDs of `GET /openai/models` (a list, or `{ data: [...] }`). */
export function parseModelList(value: unknown): string[] {
	const entries = Array.isArray(value)
		? value
		: isObject(value) && Array.isArray(value.data)
			? value.data
			: [];
	return entries
		.map((entry) => (isObject(entry) ? asId(entry.id) : undefined))
		.filter((entry): entry is string => !!entry);
}
