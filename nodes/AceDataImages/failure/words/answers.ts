/**
 * The words of answers and records that do not fit what the node reads, and of the values a message quotes. Each
 * entry takes plain values and returns the words.
 */

/** What a value looks like, for a message ("undefined", "an object", `"abc"`). */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'undefined (an expression that found nothing?)';
	if (value === null) return 'null';
	if (Array.isArray(value)) return `an array (${value.length} entries)`;
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
	return JSON.stringify(value) ?? String(value);
}

/** A bug or a library's error, as the item's failure. */
export const internalError = (message: string | undefined) =>
	`The node hit an internal error (${message || 'an unexpected error'}); please report it`;

// What does not fit in AceData's JSON (`transport/schemas.ts`): the problem, after what AceData sent.

export const NOT_A_TASK_ID = 'is not a task ID';
export const NEITHER_URL_NOR_BASE64 = 'has neither a URL nor base64 data';
/** Where in AceData's JSON the problem is: a field path, or the whole answer. */
export const problemAt = (path: string[]) => (path.length ? `"${path.join('.')}"` : 'the answer');
export const problemSays = (where: string, message: string) => `${where} ${message}`;
export const problemIs = (where: string, value: unknown) => `${where} is ${describeValue(value)}`;
/** A problem of a task's response, its field path under `response`. */
export const inResponse = (problem: string) => problem.replace(/^"/, '"response.');
export const answerIs = (value: unknown) => `the answer is ${describeValue(value)}`;
export const recordIs = (value: unknown) => `the record is ${describeValue(value)}`;
export const NEITHER_IMAGES_NOR_TASK = 'it holds neither images ("data") nor a task ID ("task_id")';
/** A finished task AceData gives no error for and no images. */
export const TASK_WITHOUT_IMAGES = 'the task finished without images';

/** A job named by its task ID, else its trace ID. */
export const jobName = (ids: { taskId?: string; traceId?: string }) =>
	ids.taskId ? `task ${ids.taskId}` : `trace ID ${ids.traceId}`;

export const unreadableSubmitAnswer = (problem: string) =>
	`AceData answered the image request with JSON the node cannot read (${problem})`;

export const invalidRecord = (ids: { taskId?: string; traceId?: string }, problem: string) =>
	`AceData's record of ${jobName(ids)} does not fit what the node reads: ${problem}`;

export const foreignRecord = (ids: { taskId?: string; traceId?: string }, got: string) =>
	`AceData answered the look-up of ${jobName(ids)} with the record of another task (${got}); its images were not used`;

// Images in an answer.

export const NO_IMAGES = 'AceData answered without any image';

/** `position`: from 1. */
export const base64NotAnImage = (position: number) =>
	`Image ${position} of AceData's answer is base64 that does not decode to a PNG, JPEG, WebP or GIF image`;

/** `index`: from 0, as AceData's list counts. */
export const emptyImage = (index: number) =>
	`AceData answered image ${index} with neither a URL nor base64 data`;
