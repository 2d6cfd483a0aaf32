import type { IDataObject } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import * as words from '../failure/words';
import { post, type CallOptions } from './http';
import { parseTaskBatch, parseTaskRecord, type RecordParse } from './schemas';
import type { Session } from './session';
import type { TaskRecord } from './types';

/**
 * Task look-ups, all free (`POST /openai/tasks`): one task by ID or by trace ID (`retrieve`), and listings
 * (`retrieve_batch`) paged with `offset`/`limit`. A record is checked against what was asked before anyone reads it.
 */

/** Task › Get Many asks for this many records a page (AceData documents no maximum; its default is 12). */
const LIST_PAGE_SIZE = 50;
/**
 * retrieve_batch pages beyond this many are not followed: 1,000 tasks (Get Many's most) in pages of 12, twice over. A
 * listing also stops when a page brings nothing new (a server that ignores `offset` answers the same page again).
 */
const MAX_LIST_PAGES = 170;

/** Which tasks Task › Get Many lists; every set field must match (times in ms since the epoch). */
export interface TaskFilter {
	taskIds?: string[];
	traceIds?: string[];
	createdAfter?: number;
	createdBefore?: number;
}

type TaskIds = { taskId?: string; traceId?: string };

/** The records a listing has kept so far: each task once, in AceData's order, up to `limit`. */
interface Listing {
	records: Array<TaskRecord | Failure>;
	/** Records that do not match what was asked (another ID, trace ID or time): AceData or a proxy ignored the filter. */
	dropped: number;
	/** Records that came again (out of order, overlapping pages): not dropped, only counted once. */
	repeated: number;
	seen: Set<string>;
	limit: number;
	/** The task IDs asked for, when the filter names some. */
	ids?: Set<string>;
	matches: (record: TaskRecord) => boolean;
}

/** Null when AceData does not know the id (it answers `{}`); a record of another task is refused. */
export async function retrieveTask(
	session: Session,
	taskId: string,
	call?: CallOptions,
): Promise<TaskRecord | null> {
	const parsed = parseTaskRecord(
		await post(session, '/openai/tasks', { action: 'retrieve', id: taskId }, 'transient', call),
	);
	const record = recordOrThrow(session, parsed, { taskId });
	if (record && record.id !== taskId) throw foreignRecord(session, record.id, { taskId });
	return record;
}

/** The job submitted with this trace ID, or null when AceData has no record of it. */
export async function retrieveByTrace(
	session: Session,
	traceId: string,
	call?: CallOptions,
): Promise<TaskRecord | null> {
	const parsed = parseTaskRecord(
		await post(
			session,
			'/openai/tasks',
			{ action: 'retrieve', trace_id: traceId },
			'transient',
			call,
		),
	);
	const record = recordOrThrow(session, parsed, { traceId });
	if (record && record.traceId !== traceId) throw foreignRecord(session, record.id, { traceId });
	return record;
}

/**
 * Many tasks by ID. One `retrieve_batch` (AceData answers 12 records unless `limit` is sent, so it is), its further
 * pages followed while records are missing, whatever the page size, with or without a `count`. A task the listing did
 * not bring is asked for by itself before it counts as unknown (absent from the map). Records for ids not asked for
 * are dropped; a record that does not fit is a failure of its own task only.
 */
export async function retrieveTasks(
	session: Session,
	taskIds: string[],
	call?: CallOptions,
): Promise<Map<string, TaskRecord | Failure>> {
	const { records } = await listTasks(session, { taskIds }, taskIds.length, call, taskIds.length);
	return new Map(
		records.map((entry) => [
			entry instanceof Failure ? (entry.data.taskId as string) : entry.id,
			entry,
		]),
	);
}

/** A listing's records, and how complete it is. */
export interface TaskListing {
	records: Array<TaskRecord | Failure>;
	dropped: number;
	/** Whether AceData may have more tasks for the filter than were listed (the limit or the page cap stopped it). */
	more: boolean;
	/** How many tasks AceData says the filter selects, when it says (`count`). */
	total?: number;
}

/**
 * The tasks a filter selects (`retrieve_batch` with `ids`, `trace_ids`, `created_at_min`/`max`), paged with
 * `offset`/`limit` until `limit` records are in or AceData's `count` is reached. Records that do not match the
 * filter (AceData or a proxy ignoring it) are dropped; a record that does not fit is returned as its failure.
 */
export async function listTasks(
	session: Session,
	filter: TaskFilter,
	limit: number,
	call?: CallOptions,
	pageSize = LIST_PAGE_SIZE,
): Promise<TaskListing> {
	const body = batchBody(filter);
	const ids = filter.taskIds?.length ? new Set(filter.taskIds) : undefined;
	const listing: Listing = {
		records: [],
		dropped: 0,
		repeated: 0,
		seen: new Set(),
		limit,
		ids,
		matches: filterMatcher(filter, ids),
	};
	let offset = 0;
	let total: number | undefined;
	let exhausted = false;
	for (
		let page = 0;
		page < MAX_LIST_PAGES && listing.records.length < limit && !exhausted;
		page++
	) {
		const size = Math.min(pageSize, limit - listing.records.length);
		const { records, count } = parseTaskBatch(
			await post(session, '/openai/tasks', { ...body, offset, limit: size }, 'transient', call),
		);
		const before = listing.seen.size + listing.dropped;
		keepPage(session, listing, records);
		// A page's place in AceData's list is what it holds once each: a record repeated on it takes no place.
		offset += new Set(
			records.map((entry) =>
				entry.kind === 'record' ? entry.record.id : entry.kind === 'invalid' ? entry.id : undefined,
			),
		).size;
		total = count ?? total;
		// The end: an empty page, AceData's count reached, every asked ID in, or a page with nothing new (the same page
		// again: `offset` ignored). A page shorter than asked is not the end: a server may cap its pages.
		exhausted =
			records.length === 0 ||
			(count !== undefined && offset >= count) ||
			(ids !== undefined && [...ids].every((id) => listing.seen.has(id))) ||
			listing.seen.size + listing.dropped === before;
	}
	if (ids) await askMissingOneByOne(session, listing, call);
	const more = !exhausted && (total === undefined || offset < total);
	return { records: listing.records, dropped: listing.dropped, more, total };
}

/** A task asked for by ID that the pages did not bring is asked for by itself before it counts as unknown. */
async function askMissingOneByOne(
	session: Session,
	listing: Listing,
	call: CallOptions | undefined,
): Promise<void> {
	for (const taskId of listing.ids ?? []) {
		if (listing.seen.has(taskId) || listing.records.length >= listing.limit) continue;
		// A record that does not fit, or another task's, is this task's failure; a failed request fails the look-up.
		const found: unknown = await retrieveTask(session, taskId, call).catch(
			(error: unknown) => error,
		);
		if (found instanceof Failure && found.data.kind !== 'answer') throw found;
		if (!(found instanceof Failure) && found instanceof Error) throw found;
		if (found === null || (!(found instanceof Failure) && !listing.matches(found as TaskRecord)))
			continue;
		listing.seen.add(taskId);
		listing.records.push(found as TaskRecord | Failure);
	}
}

/** The `retrieve_batch` request for a filter, without its page (`offset`, `limit`). */
function batchBody(filter: TaskFilter): IDataObject {
	const body: IDataObject = { action: 'retrieve_batch' };
	if (filter.taskIds?.length) body.ids = filter.taskIds;
	if (filter.traceIds?.length) body.trace_ids = filter.traceIds;
	if (filter.createdAfter !== undefined) body.created_at_min = filter.createdAfter / 1000;
	if (filter.createdBefore !== undefined) body.created_at_max = filter.createdBefore / 1000;
	return body;
}

/** Whether a record is one the filter selects: the node checks what AceData (or a proxy) may have ignored. */
function filterMatcher(
	filter: TaskFilter,
	ids: Set<string> | undefined,
): (record: TaskRecord) => boolean {
	const traces = filter.traceIds?.length ? new Set(filter.traceIds) : undefined;
	return (record) =>
		(!ids || ids.has(record.id)) &&
		(!traces || (record.traceId !== undefined && traces.has(record.traceId))) &&
		(filter.createdAfter === undefined ||
			(record.createdAt !== undefined && record.createdAt >= filter.createdAfter)) &&
		(filter.createdBefore === undefined ||
			(record.createdAt !== undefined && record.createdAt <= filter.createdBefore));
}

/** Adds a page's entries to the listing: new records the filter selects, records that do not fit as failures. */
function keepPage(session: Session, listing: Listing, entries: RecordParse[]): void {
	const { records, seen, ids } = listing;
	for (const entry of entries) {
		if (records.length >= listing.limit) break;
		const id =
			entry.kind === 'record' ? entry.record.id : entry.kind === 'invalid' ? entry.id : undefined;
		if (id !== undefined && seen.has(id)) {
			listing.repeated++;
			continue;
		}
		if (entry.kind === 'record' && listing.matches(entry.record)) {
			seen.add(entry.record.id);
			records.push(entry.record);
		} else if (entry.kind === 'invalid' && entry.id && (!ids || ids.has(entry.id))) {
			seen.add(entry.id);
			records.push(invalidRecord(session, entry.problem, { taskId: entry.id }));
		} else if (entry.kind !== 'none') listing.dropped++;
	}
}

function recordOrThrow(session: Session, parsed: RecordParse, ids: TaskIds): TaskRecord | null {
	if (parsed.kind === 'none') return null;
	if (parsed.kind === 'invalid')
		throw invalidRecord(session, parsed.problem, { ...ids, taskId: ids.taskId ?? parsed.id });
	return parsed.record;
}

function invalidRecord(session: Session, problem: string, ids: TaskIds): Failure {
	return session.failure({
		kind: 'answer',
		code: 'invalid_record',
		text: words.invalidRecord(ids, problem),
		...ids,
	});
}

/** `ids`: what was asked (a task ID, or a trace ID); `got`: the task whose record came. */
function foreignRecord(session: Session, got: string, ids: TaskIds): Failure {
	return session.failure({
		kind: 'answer',
		code: 'wrong_record',
		text: words.foreignRecord(ids, got),
		...ids,
	});
}
