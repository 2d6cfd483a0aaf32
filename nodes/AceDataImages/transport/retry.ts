import { sleep, type IDataObject } from 'n8n-workflow';

/**
 * When a call is tried again and how long the node waits first: the retry policies, `Retry-After`, the backoff, and
 * the one wait every pause of the node uses (it ends early when the run is cancelled or the node stops).
 */

/** Billed submissions are retried only where AceData did not accept them; free calls on any transient failure. */
export type RetryPolicy = 'notAccepted' | 'transient';

export const MAX_RETRIES = 3;
const BACKOFF_BASE_MS = 500;
const MAX_RETRY_WAIT_MS = 60_000;
/** Waits check for cancellation this often. */
const ABORT_CHECK_MS = 100;

/** Pauses, ending early (without error) as soon as `signal` aborts. The one wait every pause of the node uses. */
export async function abortableWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
	const until = Date.now() + ms;
	while (Date.now() < until && !signal?.aborted) {
		await sleep(Math.min(ABORT_CHECK_MS, until - Date.now()));
	}
}

/** The seconds a `Retry-After` header asks for (number or HTTP date), or undefined. */
export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const raw = headers?.['retry-after'];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = String(raw);
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Whether an answer with this HTTP status may be asked again: 429 always, a 5xx only for a free call. */
export function isRetryable(status: number, policy: RetryPolicy): boolean {
	if (status === 429) return true;
	return policy === 'transient' && status >= 500;
}

/**
 * The pause before the retry that follows attempt `attempt` (from 0): what `Retry-After` asked, else 0.5 s doubling
 * each time; never more than a minute, and over as soon as `signal` aborts.
 */
export async function backoff(
	attempt: number,
	askedMs: number | undefined,
	signal: AbortSignal | undefined,
): Promise<void> {
	const wait = askedMs ?? BACKOFF_BASE_MS * 2 ** attempt;
	await abortableWait(Math.min(wait, MAX_RETRY_WAIT_MS), signal);
}
