/** Runs `work` for indexes 0..count-1, at most `limit` at a time. */
export async function runPool(
	count: number,
	limit: number,
	work: (index: number) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count) await work(next++);
	};
	await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** What an item's work tells the schedule: its request is prepared (start the next), its place is free. */
export interface PipelineSignals {
	ready: () => void;
	release: () => void;
}

const noop = () => {};

/**
 * Like runPool, but items are started one after another: the next item is prepared only once the previous one's
 * request is (`ready()`). Preparing an item is CPU work on n8n's one thread (parameters, expressions, credentials);
 * started all at once, every item would be prepared before the first request left. An item holds one of the `limit`
 * places until it calls `release()` (its billed request answered) or ends: downloading its images does not keep
 * the next item's request waiting. No item starts once `stopped()` is true.
 */
export async function runPipeline(
	count: number,
	limit: number,
	work: (index: number, signals: PipelineSignals) => Promise<void>,
	stopped: () => boolean,
): Promise<void> {
	const slots = new Set<Promise<void>>();
	const tasks: Array<Promise<void>> = [];
	for (let index = 0; index < count; index++) {
		while (slots.size >= limit) await Promise.race(slots);
		if (stopped()) break;
		const signals: PipelineSignals = { ready: noop, release: noop };
		const prepared = new Promise<void>((resolve) => (signals.ready = resolve));
		const released = new Promise<void>((resolve) => (signals.release = resolve));
		const task = work(index, signals);
		tasks.push(task);
		const slot: Promise<void> = Promise.race([released, task.then(noop, noop)]).then(() => {
			slots.delete(slot);
		});
		slots.add(slot);
		await Promise.race([prepared, task]);
	}
	await Promise.all(tasks);
}
