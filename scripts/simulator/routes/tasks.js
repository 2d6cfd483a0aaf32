'use strict';
// POST /openai/tasks: look-ups of the stored jobs, one (`retrieve`, by id or trace ID) or a page (`retrieve_batch`,
// filtered). Each look-up polls the tasks it serves (a task finishes on its Nth poll); a `lookup` fault changes
// what is served.
const crypto = require('crypto');

const { taskType } = require('../rules');
const { send, sendError } = require('../respond');
const { lookupFault } = require('../faults');

/** `buildAnswer`: the images route's (another task's record carries real images). */
function createTaskRoutes({ config, store }, { buildAnswer }) {
	const { state, pollTask } = store;

	/** A finished record of some other task, with its own images: what a careless client would emit. */
	function otherRecord() {
		const id = `other-${crypto.randomUUID()}`;
		const { answer } = buildAnswer(
			{ model: 'gpt-image-1', prompt: 'another task', response_format: 'url' },
			{},
		);
		const now = Date.now() / 1000;
		return {
			id,
			trace_id: id,
			type: 'images',
			request: {},
			created_at: now,
			started_at: now,
			finished_at: now,
			response: { success: true, task_id: id, ...answer },
		};
	}

	/**
	 * One page of a listing, in the shape `config.pageShape` plays (all within what AceData documents, none the way
	 * its spec reads best): `standard` (`limit` and `offset` honoured, `count` given), `noCount` (no `count`),
	 * `ignoresOffset` (always the first page), `ignoresLimit` (12 records whatever `limit` says), `shuffled` (the page's
	 * records out of order, the first one repeated). `batchMaxLimit` caps every page (a server's own cap).
	 */
	function page(all, body, view) {
		const shape = config.pageShape ?? 'standard';
		const offset = shape === 'ignoresOffset' ? 0 : Math.max(0, Number(body.offset ?? 0));
		// AceData pages: 12 records unless `limit` says otherwise.
		const asked = shape === 'ignoresLimit' ? 12 : Math.max(0, Number(body.limit ?? 12));
		const limit = Math.min(asked, config.batchMaxLimit || Number.POSITIVE_INFINITY);
		let items = all.slice(offset, offset + limit).map(view);
		if (shape === 'shuffled' && items.length > 1)
			items = [...items.slice(1).reverse(), items[0], items[0]];
		return shape === 'noCount' ? { items } : { items, count: all.length };
	}

	function route({ res, json, fault }) {
		const body = json ?? {};
		// A record past the retention period is purged: AceData answers as for a task it never had.
		const purged = (task) =>
			config.retentionSeconds > 0 && Date.now() / 1000 - task.created_at > config.retentionSeconds;
		// The look-up fault, if the request took one: `unknown` hides records, `wrongRecord` or `patchRecord` remakes them.
		const played = lookupFault(fault);
		const hide = (task) => purged(task) || played.hides(task);
		const view = (task) => played.view(task, { poll: pollTask, other: otherRecord });
		if (body.action === 'retrieve') {
			const task = body.trace_id
				? [...state.tasks.values()].find((candidate) => candidate.trace_id === body.trace_id)
				: state.tasks.get(body.id);
			return send(res, 200, task && !hide(task) ? view(task) : {});
		}
		if (body.action === 'retrieve_batch') {
			// Filters combine: ids (in their order), trace_ids, type, created_at_min/max (seconds); none: no records.
			const list = (value) => (Array.isArray(value) && value.length > 0 ? value : undefined);
			const ids = list(body.ids);
			const traces = list(body.trace_ids);
			const seconds = (value) =>
				value === undefined || value === null || value === '' ? undefined : Number(value);
			const [min, max] = [seconds(body.created_at_min), seconds(body.created_at_max)];
			const filtered = ids || traces || min !== undefined || max !== undefined;
			const pool = ids
				? ids.map((id) => state.tasks.get(id))
				: filtered
					? [...state.tasks.values()].sort((a, b) => b.created_at - a.created_at)
					: [];
			const all = pool.filter(
				(task) =>
					task &&
					!hide(task) &&
					(!traces || traces.includes(task.trace_id)) &&
					(body.type === undefined || taskType(task.request?.model, task.endpoint) === body.type) &&
					(min === undefined || task.created_at >= min) &&
					(max === undefined || task.created_at <= max),
			);
			return send(res, 200, page(all, body, view));
		}
		return sendError(res, 'bad_request', { message: 'Unknown action.' });
	}

	return { route };
}

module.exports = { createTaskRoutes };
