'use strict';
// /__sim/*: the simulator's own endpoints (not logged, no token): its request log, callbacks and tasks, a callback
// sink, reset, faults and config.
const { send } = require('../respond');

/** `reset`: the simulator's (empties the store). */
function createControlRoutes({ config, store, faults, reset }) {
	const { state } = store;

	function route({ req, res, path, raw }) {
		if (path === '/__sim/requests') return send(res, 200, state.requests);
		if (path === '/__sim/callbacks') return send(res, 200, state.callbacks);
		if (path === '/__sim/tasks')
			return send(res, 200, [...state.tasks.values()].map(store.taskView));
		// A stand-in receiver for callbacks in tests that have no n8n webhook: records what it is sent.
		if (path.startsWith('/__sim/sink')) {
			if (req.method === 'POST')
				state.sink.push({ path, body: raw.length ? JSON.parse(raw.toString('utf8')) : null });
			return send(res, 200, req.method === 'POST' ? { ok: true } : state.sink);
		}
		if (path === '/__sim/reset') {
			reset();
			return send(res, 200, { ok: true });
		}
		const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
		if (path === '/__sim/faults') {
			let count;
			try {
				count = faults.add(Array.isArray(body) ? body : [body]);
			} catch (error) {
				return send(res, 400, { error: { code: 'bad_request', message: error.message } });
			}
			return send(res, 200, { ok: true, faults: count });
		}
		if (path === '/__sim/config') {
			Object.assign(config, body);
			return send(res, 200, { ok: true });
		}
		return send(res, 404, { error: { code: 'no_api', message: 'No such control endpoint.' } });
	}

	return { route };
}

module.exports = { createControlRoutes };
