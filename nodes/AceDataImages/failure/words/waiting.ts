/**
 * The words of waiting for a job: Max Wait, a job AceData does not know, look-ups by trace ID that find another
 * job, a wait stopped or cancelled, and the answers a callback gets. Seconds arrive already formatted.
 */

/** Why a job is looked up by trace ID, when the submission's own failure is not known. */
const lost = (because: string | undefined) => because ?? 'The image request failed';

/** The last failed look-up, said after Max Wait (its text without the full stop). */
export const lastLookUpFailed = (text: string | undefined) =>
	text === undefined ? '' : ` The last look-up failed: ${text.replace(/[.\s]+$/, '')}.`;

export const stillRunning = (taskId: string, seconds: string, lastLookUp: string) =>
	`Task ${taskId} is still running after ${seconds} s (Max Wait).${lastLookUp} It is paid and nothing is lost: fetch its images later with the Task › Get operation and this task ID (do not submit again, it would be billed twice), or raise Max Wait`;

export const notAskedInTime = (
	lostBecause: string | undefined,
	traceId: string | undefined,
	seconds: string,
	lastLookUp: string,
) =>
	`${lost(lostBecause)}. AceData could not be asked about the job (trace ID ${traceId}) within ${seconds} s (Max Wait).${lastLookUp} It may have been accepted and billed: look it up with Task › Get and this trace ID before submitting again`;

export const taskUnknown = (taskId: string, seconds: string) =>
	`AceData has no record of task ${taskId}, ${seconds} s after it accepted it. Do not submit again: look it up later with Task › Get and this task ID, or ask AceData support about it`;

export const traceUnknown = (
	lostBecause: string | undefined,
	traceId: string | undefined,
	seconds: string,
) =>
	`${lost(lostBecause)}. AceData has no record of a job with trace ID ${traceId} ${seconds} s later, so it was most likely not accepted; check the trace ID in the AceData console (or with Task › Get) before submitting again`;

// Why a record found by trace ID is not this submission's job.

export const createdBeforeSent = (createdAt: string, sentAt: string) =>
	`it was created ${createdAt}, before this request was sent (${sentAt})`;
export const otherModel = (model: string, asked: string) =>
	`it is for the model ${model}, not ${asked}`;
export const OTHER_PROMPT = 'its prompt is another one';
export const otherCount = (n: number, asked: number) => `it asked for ${n} images, not ${asked}`;
export const otherFormat = (format: string, asked: string) =>
	`it asked for ${format}, not ${asked}`;
export const SAYS_NOTHING = 'it says neither when it was created nor what it was asked';

export const ambiguousTrace = (
	lostBecause: string | undefined,
	traceId: string | undefined,
	taskIds: string[],
) =>
	`${lost(lostBecause)}. AceData has ${taskIds.length} jobs with trace ID ${traceId} (tasks ${taskIds.join(', ')}), so the node cannot tell which one is this request's and emits none of them. One of them may be this request's and paid: check them with Task › Get before submitting again, and give every submission a Trace ID of its own`;

export const foreignJob = (
	lostBecause: string | undefined,
	traceId: string | undefined,
	taskId: string,
	reason: string,
) =>
	`${lost(lostBecause)}. AceData's job with trace ID ${traceId} (task ${taskId}) is not this request's: ${reason}. This request's job cannot be found by its trace ID: check trace ID ${traceId} in the AceData console before submitting again, and give every submission a Trace ID of its own`;

/** The node stopped its wait for a job (by task ID, else by trace ID). */
export const stoppedWaiting = (taskId: string | undefined, traceId: string | undefined) =>
	`The node stopped while waiting for ${taskId ? `task ${taskId}` : `the job with trace ID ${traceId}`}. Fetch it later with Task › Get (do not submit again, it is paid)`;

export const STOPPED_BEFORE_FINISHED = 'The node stopped before the job finished';
export const STOPPED_BEFORE_SENT = 'The node stopped before this item was sent to AceData';

// Task › Get.

export const taskOrTraceUnknown = (id: string) =>
	`AceData knows no task or trace ID "${id}": check the ID and that the credential is the one that submitted it. AceData purges old tasks after its retention period, so an old task may be gone (its image URLs, if you kept them, are not affected)`;

// Delivery Callback.

export const noCallbackInTime = (taskId: string, seconds: string) =>
	`AceData did not call back for task ${taskId} within Max Wait (${seconds} s)`;

/** What the resume URL answers to a callback. */
export const CALLBACK_NAMES_NO_TASK =
	'This callback names no task this execution is waiting for; nothing was resumed';
export const CALLBACK_LOOKUP_FAILED =
	'Could not look the tasks up at AceData; the execution keeps waiting';
export const CALLBACK_UNHANDLED = 'The callback could not be handled; the execution keeps waiting';
