import type { TaskRecord } from '../transport/types';

/**
 * The polling trigger's memory, kept in the workflow's static data (n8n saves it when a poll emits, and it survives
 * restarts): where its window of watched tasks starts, and the finished tasks of that window it has handled. The
 * window starts at the oldest task still running at the last poll (or the last poll itself), so a task that was
 * running is looked at again until it finishes, and a gap while n8n was down is covered by the next poll.
 */
export interface WatchState {
	/** Tasks created from here on (ms since the epoch) are listed by each poll. */
	watchFrom: number;
	/** The finished tasks of the window already handled (emitted or filtered out): task ID → created at (ms). */
	handled: Record<string, number>;
}

/** AceData's clock and n8n's may differ: each window starts this much earlier (a handled task is not emitted again). */
const CLOCK_TOLERANCE_MS = 60_000;
/** A task still running after a day is no longer waited for (AceData's jobs finish or fail within minutes). */
const MAX_WATCH_MS = 24 * 60 * 60 * 1000;
/** The most tasks one poll lists (AceData's pages of 50, the transport's page cap). */
export const MAX_TASKS_PER_POLL = 5000;

/** The saved state, if it has the shape this node writes; anything else (absent, edited, older) starts afresh. */
export function readWatchState(value: unknown): WatchState | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const { watchFrom, handled } = value as { watchFrom?: unknown; handled?: unknown };
	if (typeof watchFrom !== 'number' || !Number.isFinite(watchFrom)) return undefined;
	const kept: Record<string, number> = {};
	if (handled && typeof handled === 'object' && !Array.isArray(handled)) {
		for (const [id, createdAt] of Object.entries(handled as Record<string, unknown>))
			if (typeof createdAt === 'number' && Number.isFinite(createdAt)) kept[id] = createdAt;
	}
	return { watchFrom, handled: kept };
}

/** The first poll's state: from activation, or `lookBackMinutes` earlier. */
export function firstWatch(now: number, lookBackMinutes: number): WatchState {
	return { watchFrom: now - lookBackMinutes * 60_000, handled: {} };
}

/** Where a poll's listing starts (created at or after). */
export function listFrom(state: WatchState): number {
	return state.watchFrom - CLOCK_TOLERANCE_MS;
}

/** The finished tasks of a listing not handled yet, oldest first. */
export function newlyFinished(state: WatchState, records: TaskRecord[]): TaskRecord[] {
	return records
		.filter((record) => record.result !== undefined && !(record.id in state.handled))
		.sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
}

/**
 * The state after a poll that listed `records` (begun at `polledAt`) and handled `handledNow`. `complete`: the
 * listing held every task of the window, and every finished one was handled; otherwise the window does not move.
 */
export function advance(
	state: WatchState,
	polledAt: number,
	records: TaskRecord[],
	handledNow: TaskRecord[],
	complete: boolean,
): WatchState {
	const handled = { ...state.handled };
	for (const record of handledNow) handled[record.id] = record.createdAt ?? polledAt;
	if (!complete) return { watchFrom: state.watchFrom, handled };
	const running = records
		.filter((record) => record.result === undefined)
		.map((record) => record.createdAt ?? polledAt);
	const watchFrom = Math.max(
		Math.min(polledAt, ...running),
		polledAt - MAX_WATCH_MS,
		state.watchFrom,
	);
	// What the next window no longer lists needs no memory.
	const from = watchFrom - CLOCK_TOLERANCE_MS;
	for (const [id, createdAt] of Object.entries(handled)) if (createdAt < from) delete handled[id];
	return { watchFrom, handled };
}
