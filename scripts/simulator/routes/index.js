'use strict';
// The router: every request is read whole, logged (but the control endpoints'), checked for the token, offered to
// the fault queue, then answered by its route. A fault left to no route (see faults.js) answers at `answer`, before
// the route runs.
const { sendError } = require('../respond');
const { labelOf, leftToRoute, play } = require('../faults');
const { createChatRoutes } = require('./chat');
const { createControlRoutes } = require('./control');
const { createFileRoutes } = require('./files');
const { BILLED_PATHS, createImageRoutes } = require('./images');
const { createModelRoutes } = require('./models');
const { createTaskRoutes } = require('./tasks');

/** `sim`: { config, store, faults, reset, stop } of the simulator. */
function createRouter(sim) {
	const { config, store, faults } = sim;
	const control = createControlRoutes(sim);
	const files = createFileRoutes(sim);
	const models = createModelRoutes(sim);
	const images = createImageRoutes(sim);
	const tasks = createTaskRoutes(sim, images);
	const chat = createChatRoutes(sim);

	/** GET routes (`token`: the route needs it). Any other GET is answered `no_api`. */
	const GET_ROUTES = [
		{ matches: files.matches, route: files.route },
		{ matches: (path) => path === '/openai/models', token: true, route: models.route },
	];
	/** POST routes, all with the token, after the fault queue. Any other POST is answered `no_api`. */
	const POST_ROUTES = [
		{ matches: (path) => BILLED_PATHS.includes(path), route: images.route },
		{ matches: (path) => path === '/openai/tasks', route: tasks.route },
		{ matches: (path) => path === '/v1/chat/completions' && chat.enabled(), route: chat.route },
	];

	function checkAuth(req) {
		const header = req.headers.authorization;
		if (!header) return 'no_token';
		const token = header.replace(/^Bearer\s+/i, '');
		if (token === 'expired-token') return 'token_expired';
		return token === config.token ? undefined : 'invalid_token';
	}

	/** Adds the request to the log; the simulator stops by itself after `config.maxRequests`. */
	function logRequest(req, res, path, raw) {
		const entry = {
			seq: store.state.requests.length + 1,
			method: req.method,
			path,
			headers: { ...req.headers },
			bytes: raw.length,
			at: Date.now(),
		};
		store.state.requests.push(entry);
		// When the answer's last byte was handed over (tests compare events, not durations): before any client can
		// have read it, as this runs in the same turn as the last write.
		const end = res.end.bind(res);
		res.end = (...args) => {
			entry.doneAt ??= Date.now();
			return end(...args);
		};
		store.state.served++;
		if (store.state.served >= config.maxRequests) setImmediate(() => sim.stop());
		return entry;
	}

	/** Answers a logged request; resolves with its status (or 'dropped', 'gone'). */
	async function answer(req, res, entry, path, raw) {
		const get =
			req.method === 'GET' ? GET_ROUTES.find((candidate) => candidate.matches(path)) : undefined;
		if (get) {
			const authProblem = get.token ? checkAuth(req) : undefined;
			if (authProblem) return sendError(res, authProblem);
			return get.route({ req, res, entry, path, raw });
		}
		if (req.method !== 'POST') return sendError(res, 'no_api');
		const authProblem = checkAuth(req);
		if (authProblem) return sendError(res, authProblem);
		let json;
		if (!/multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
			try {
				json = JSON.parse(raw.toString('utf8') || '{}');
			} catch {
				return sendError(res, 'bad_request', { message: 'The body is not valid JSON.' });
			}
			entry.body = json;
		}
		const fault = faults.take(path, json);
		if (fault) entry.fault = labelOf(fault);
		if (fault && !leftToRoute(fault)) return play('answer', { req, res, entry, fault, store });
		const post = POST_ROUTES.find((candidate) => candidate.matches(path));
		return post
			? post.route({ req, res, entry, path, raw, json, fault })
			: sendError(res, 'no_api');
	}

	async function handle(req, res) {
		const chunks = [];
		for await (const part of req) chunks.push(part);
		const raw = Buffer.concat(chunks);
		const path = req.url.split('?')[0];
		if (path.startsWith('/__sim/')) return control.route({ req, res, path, raw });
		const entry = logRequest(req, res, path, raw);
		entry.status = await answer(req, res, entry, path, raw);
		return entry.status;
	}

	return { handle };
}

module.exports = { createRouter };
