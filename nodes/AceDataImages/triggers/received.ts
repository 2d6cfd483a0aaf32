import type { IDataObject } from 'n8n-workflow';

/**
 * Which tasks a callback trigger has received, so each starts its workflow once. Two memories, because n8n saves a
 * workflow's static data whole, last writer wins: two callbacks handled at once (or a polling trigger's save in the
 * same workflow) can drop each other's entries. The process keeps its own memory (claimed before the look-up, so a
 * repeat that comes meanwhile starts nothing), and every call writes it back into the static data, which carries it
 * across restarts.
 */

/** Where the static data keeps them. */
const SEEN_KEY = 'acedataSeenTasks';
/** How many received task IDs are remembered per workflow (the oldest are forgotten first). */
const MAX_SEEN_TASKS = 2000;

/** This process's memory: workflow → task IDs, oldest first. */
const RECEIVED = new Map<string, Set<string>>();

function seenList(staticData: IDataObject): string[] {
	const value = staticData[SEEN_KEY];
	return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

function memoryOf(workflowId: string): Set<string> {
	let memory = RECEIVED.get(workflowId);
	if (!memory) {
		memory = new Set();
		RECEIVED.set(workflowId, memory);
	}
	return memory;
}

/** Writes this process's memory into the static data (merged, bounded), so that n8n's next save carries it. */
function persist(staticData: IDataObject, memory: Set<string>): void {
	const merged = new Set([...seenList(staticData), ...memory]);
	staticData[SEEN_KEY] = [...merged].slice(-MAX_SEEN_TASKS);
}

/**
 * Claims a task for this callback: false when it was received before (in the static data or in this process), true
 * when this call is the one to handle it. Either way the static data gets this process's memory.
 */
export function claim(staticData: IDataObject, workflowId: string, taskId: string): boolean {
	const memory = memoryOf(workflowId);
	const known = memory.has(taskId) || seenList(staticData).includes(taskId);
	if (!known) {
		memory.add(taskId);
		while (memory.size > MAX_SEEN_TASKS) memory.delete(memory.values().next().value as string);
	}
	persist(staticData, memory);
	return !known;
}

/** The call started nothing and AceData may call again (still running, unknown, not looked up): forgotten. */
export function release(staticData: IDataObject, workflowId: string, taskId: string): void {
	memoryOf(workflowId).delete(taskId);
	staticData[SEEN_KEY] = seenList(staticData).filter((id) => id !== taskId);
}
