/**
 * The words of refusals before anything is sent: a parameter, the credential's Base URL, the callback URL, the
 * inputs of Task › Get and Get Many. `label` is the parameter's label as the editor shows it.
 */

/** What comes of it: the description of every refusal that says nothing else. */
export const NOTHING_BILLED = 'Nothing was sent to AceData and nothing was billed.';
export const NOTHING_LOOKED_UP = 'Nothing was looked up.';

/** A refusal naming the parameter: `Parameter "Label" …`. */
export const parameterSays = (label: string, problem: string) => `Parameter "${label}" ${problem}`;

/** `got`: `describeValue` of what the expression resolved to. */
export const mustBe = (label: string, expected: string, got: string) =>
	parameterSays(label, `must be ${expected} (got ${got})`);

export const couldNotRead = (label: string, reason: string | undefined) =>
	parameterSays(label, `could not be read: ${reason ?? 'the expression failed'}`);

export const atLeastSeconds = (label: string, min: number, got: string) =>
	parameterSays(label, `must be at least ${min} seconds (got ${got})`);

// What a value must be (after "must be").

export const OPTIONS_COLLECTION = 'a collection of options';
export const TEXT = 'text';
export const TRUE_OR_FALSE = 'true or false';
export const oneOf = (values: readonly string[]) => `one of ${values.join(', ')}`;

/** What a number counts, by its kind. */
const QUANTITY = {
	wholeNumber: 'a whole number',
	percentage: 'a percentage',
	seconds: 'a number of seconds',
	megabytes: 'a number of MB',
	minutes: 'a number of minutes',
} as const;
export type Quantity = keyof typeof QUANTITY;
export const quantity = (what: Quantity) => QUANTITY[what];

export const numberRange = (what: Quantity, min: number, max: number, exclusiveMin?: boolean) =>
	`${QUANTITY[what]} ${exclusiveMin ? `above ${min}` : `from ${min}`} ${exclusiveMin ? 'and at most' : 'to'} ${max}`;

export const ID_LIST = 'task or trace IDs (no spaces, at most 200 characters each)';
export const EXISTING_DATE = 'a date that exists (2026-02-30 or month 13 do not)';
export const zonedDate = (timeZone: string) =>
	`a date with its zone (e.g. 2026-12-01T10:00:00Z): the workflow's time zone "${timeZone}" is unknown, so a date without one cannot be read (fix it in the workflow's settings)`;
export const DATE_AND_TIME =
	'a date and time (e.g. 2026-12-01T10:00:00, or {{ $now.minus({ hours: 1 }) }})';

// Image URLs.

/** A long value cut for a message (a data: URL can hold megabytes). */
const quoteStart = (value: string) => (value.length > 60 ? `${value.slice(0, 60)}…` : value);
export const notAnImageUrl = (value: string) =>
	`must hold http(s) URLs without spaces or data:image/png|jpeg|webp;base64 URLs: "${quoteStart(value)}" is neither`;
export const badBase64 = (value: string) =>
	`holds a data: URL whose base64 is not valid: "${quoteStart(value)}"`;

// Image jobs and node settings.

export const callbackUrlMustBeEmpty = (label: string) =>
	parameterSays(label, `must be empty with delivery "Wait for AceData's Callback"`);
export const CALLBACK_URL_SET_BY_NODE =
	"The node sets the callback to this execution's own resume URL. Nothing was sent to AceData and nothing was billed.";
export const traceIdTooLong = (label: string, max: number) =>
	parameterSays(label, `is too long: at most ${max} characters`);

/** `expression`: what the user wrote, when the option is an expression. */
export const maxImagesInvalid = (
	label: string,
	max: number,
	got: string,
	expression: string | undefined,
) =>
	parameterSays(
		label,
		`must be a whole number from 1 to ${max} (got ${got}${expression !== undefined ? ` from ${expression}` : ''})`,
	);
export const MAX_IMAGES_INVALID_HINT =
	'Nothing was sent to AceData and nothing was billed. Remove the option for no cap, or make its expression give a number for every run.';

export const operationNotSupported = (operation: string, resource: string) =>
	`The operation "${operation}" of "${resource}" is not supported`;

export const noBinaryField = (property: string) =>
	`No binary field "${property}" on the input item`;

// Task › Get and Get Many.

export const required = (label: string) => parameterSays(label, 'is required');
export const GET_MANY_NEEDS_FILTER =
	'Task › Get Many needs Task IDs, Trace IDs, or a time (Created After / Created Before): AceData lists tasks only by them';
export const createdBeforeTooEarly = (label: string) =>
	parameterSays(label, 'must not be before Created After');

// The credential's Base URL.

export const BASE_URL_HINT =
	'Nothing was sent to AceData and nothing was billed. Fix the Base URL of the AceData Cloud API credential.';
export const BASE_URL_NOT_TEXT = 'The Base URL of the AceData Cloud API credential must be text';
export const baseUrlNotAUrl = (raw: string, example: string) =>
	`The Base URL of the AceData Cloud API credential ("${raw.slice(0, 100)}") is not a URL: it must start with https:// (e.g. ${example})`;
export const baseUrlProtocol = (protocol: string) =>
	`The Base URL of the AceData Cloud API credential must start with https:// (it starts with ${protocol}//)`;
export const BASE_URL_NO_HOST = 'The Base URL of the AceData Cloud API credential has no host';
export const BASE_URL_QUERY =
	'The Base URL of the AceData Cloud API credential must not have a query (?…) or fragment (#…)';
export const BASE_URL_USER =
	'The Base URL of the AceData Cloud API credential must not hold a user name or password';

// Delivery Callback.

export const NO_RESUME_URL =
	'n8n did not give this execution a resume URL, so AceData could not call back';
export const NO_RESUME_URL_HINT =
	'Nothing was sent to AceData and nothing was billed. Use Poll Until Done instead.';
export const callbackUnreachable = (host: string) =>
	`AceData cannot call back to this n8n: its address ${host} is private or local`;
export const CALLBACK_UNREACHABLE_HINT =
	"Nothing was sent to AceData and nothing was billed. Set n8n's WEBHOOK_URL to an address AceData can reach (your public domain or a tunnel; in queue mode on every worker too, which makes the resume URL), or use Poll Until Done.";
