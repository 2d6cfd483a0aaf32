import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { Failure, describeValue, parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import { MAX_SECONDS, MIN_SECONDS, labelOf } from '../../models/defaults';

/**
 * Reading and coercing one raw value: whatever an expression resolved to becomes text, a number, a choice, a boolean
 * or a list, or is refused naming the parameter and what it resolved to.
 */

/** The refusal of a value: names the parameter, what it must be and what it resolved to. */
export const refuse = (parameter: string, expected: string, value: unknown): Failure =>
	parameterFailure(parameter, words.mustBe(labelOf(parameter), expected, describeValue(value)));

/** Unset: undefined, null or empty text. */
export const isUnset = (value: unknown) => value === undefined || value === null || value === '';

/** Reads a parameter; an expression n8n cannot evaluate is a refusal naming the parameter, not a crash. */
export function readParameter(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
	fallback?: unknown,
): unknown {
	try {
		return ctx.getNodeParameter(name, itemIndex, fallback as never) as unknown;
	} catch (error) {
		throw parameterFailure(name, words.couldNotRead(labelOf(name), (error as Error)?.message));
	}
}

/** The options collection: an object, or nothing. */
export function readOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const value = readParameter(ctx, 'options', itemIndex, {});
	if (isUnset(value)) return {};
	if (typeof value !== 'object' || Array.isArray(value))
		throw refuse('options', words.OPTIONS_COLLECTION, value);
	return value as IDataObject;
}

/** Text: a string, or a number as its text; anything else (undefined, null, an object, an array, a boolean) is refused. */
export function requiredText(parameter: string, value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	throw refuse(parameter, words.TEXT, value);
}

/** Optional text, trimmed: unset (undefined, null, empty) → undefined; a number → its text; other types refused. */
export function optionalText(parameter: string, value: unknown): string | undefined {
	if (isUnset(value)) return undefined;
	const text = requiredText(parameter, value).trim();
	return text === '' ? undefined : text;
}

/** One of `values`, or the default when unset; anything else is refused listing the values. */
export function oneOf<T extends string>(
	parameter: string,
	value: unknown,
	values: readonly T[],
	fallback: T,
): T {
	if (isUnset(value)) return fallback;
	if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
	throw refuse(parameter, words.oneOf(values), value);
}

/** A boolean, or the text `true` / `false`; unset → the default; anything else refused. */
export function optionalBoolean(parameter: string, value: unknown, fallback: boolean): boolean {
	if (isUnset(value)) return fallback;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw refuse(parameter, words.TRUE_OR_FALSE, value);
}

interface NumberRule {
	min: number;
	max: number;
	/** Whole numbers only. */
	integer?: boolean;
	/** `min` itself is not allowed ("above 0"). */
	exclusiveMin?: boolean;
	/** What the number counts, for the message: "a number of seconds", "a whole number". */
	what: words.Quantity;
}

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A number in its range: a number or a numeric string; unset → undefined; anything else refused alike. */
export function optionalNumber(
	parameter: string,
	value: unknown,
	rule: NumberRule,
): number | undefined {
	if (isUnset(value)) return undefined;
	let number = Number.NaN;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string' && NUMBER_TEXT.test(value.trim()))
		number = Number(value.trim());
	const inRange =
		Number.isFinite(number) &&
		(rule.exclusiveMin ? number > rule.min : number >= rule.min) &&
		number <= rule.max &&
		(!rule.integer || Number.isInteger(number));
	if (!inRange)
		throw refuse(
			parameter,
			words.numberRange(rule.what, rule.min, rule.max, rule.exclusiveMin),
			value,
		);
	return number;
}

const SECONDS: NumberRule = {
	min: 0,
	max: MAX_SECONDS,
	exclusiveMin: true,
	what: 'seconds',
};

/** Seconds above 0, at least `min` (shorter cannot reach AceData and back, or gives up before looking). */
export function optionalSeconds(
	parameter: string,
	value: unknown,
	min = MIN_SECONDS,
): number | undefined {
	const number = optionalNumber(parameter, value, SECONDS);
	if (number !== undefined && number < min) {
		throw parameterFailure(
			parameter,
			words.atLeastSeconds(labelOf(parameter), min, describeValue(value)),
		);
	}
	return number;
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
	const lines = Array.isArray(value)
		? value.map((entry) => requiredText(parameter, entry))
		: requiredText(parameter, value).split(/\r?\n/);
	return lines
		.flatMap((line) => line.split(/,\s*(?=https?:\/\/|data:)/i))
		.map((entry) => entry.trim().replace(/,$/, ''))
		.filter(Boolean);
}
