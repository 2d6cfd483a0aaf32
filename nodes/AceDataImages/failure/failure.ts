/**
 * The one error model. A failure is data: what happened (code, HTTP status, whose words), which job it concerns
 * (task and trace IDs) and whether AceData may have accepted a billed request. Nothing here is a sentence for the
 * user yet: `report.ts` writes the message once, at the end, from the failure and the item's ledger entry.
 */
import * as words from './words';

/**
 * What a job may have cost: nothing (AceData did not accept it), possibly (the answer was lost), or surely (AceData
 * accepted it). Said of a failed billed request and of an item's job alike.
 */
export type Billing = 'none' | 'maybe' | 'paid';

export type FailureKind =
	/** What the user typed (a parameter, the credential): refused before anything was sent. */
	| 'parameter'
	/** AceData's own error answer (its error body). */
	| 'api'
	/** Something between the node and AceData answered (a proxy, a gateway, a redirect, a page that is not JSON). */
	| 'proxy'
	/** The network: nothing came back (timeout, reset, refused). */
	| 'transport'
	/** AceData's answer or record did not fit what the node reads (a wrong type, a missing field). */
	| 'answer'
	/** A finished task that failed at AceData. */
	| 'task'
	/** Waiting ended without the job: Max Wait, a job AceData does not know, a look-up that found another job. */
	| 'wait'
	/** An image that could not be downloaded or is no image. */
	| 'download'
	/** The execution was cancelled or the node stopped its remaining work. */
	| 'cancelled';

export interface FailureData {
	kind: FailureKind;
	/** Machine-readable: AceData's error code, or the node's own (`client_timeout`, `poll_timeout`, ...). */
	code: string;
	/** AceData's message (kind `api`, `task`) or the node's own sentence. Already scrubbed of the token. */
	text: string;
	httpStatus?: number;
	taskId?: string;
	traceId?: string;
	/** For a failed billed request: whether AceData may have accepted (and billed) it. */
	billing?: Billing;
	/** The parameter at fault (kind `parameter`), by its name in the workflow JSON. */
	parameter?: string;
	/** A sentence for the description: what else the user should know (why, where to look). */
	hint?: string;
	/** The text already says what to do about the job it paid for (the report adds no advice of its own). */
	saysWhatToDo?: boolean;
}

/** A failure thrown through the node's own code: it carries its data, never a message to parse. */
export class Failure extends Error {
	constructor(readonly data: FailureData) {
		super(data.text);
		this.name = 'AceDataFailure';
	}
}

/** A parameter refused before anything was sent: no request, no charge. */
export function parameterFailure(parameter: string, text: string, hint?: string): Failure {
	return new Failure({
		kind: 'parameter',
		code: 'invalid_parameter',
		text,
		parameter,
		billing: 'none',
		hint,
	});
}

/** What a value the user's expression resolved to looks like, for a message ("undefined", "an object", `"abc"`). */
export const describeValue = words.describeValue;

/** Any thrown value as a failure: a bug or a library's error becomes a failure of the item, never a crash. */
export function asFailure(error: unknown): Failure {
	if (error instanceof Failure) return error;
	return new Failure({
		kind: 'answer',
		code: 'internal_error',
		text: words.internalError(error instanceof Error ? error.message : undefined),
	});
}

/** A duration as users set it or as it passed: `0.5`, `1.5`, `600`, never rounded to a whole second. */
export function formatSeconds(seconds: number): string {
	return Number.isFinite(seconds) ? String(Number(seconds.toFixed(2))) : String(seconds);
}
