'use strict';
// A local stand-in for AceData Cloud's OpenAI-compatible images API, for tests, the end-to-end suite, the
// demo and the benchmarks. Loopback only; it stops by itself after maxLifetimeMs or maxRequests.
//
// The parts: config.js (the settings), rules.js (what AceData publishes: what a request may ask, errors, costs),
// store.js (request log, tasks, images, callbacks), faults.js (the fault registry), routes/ (one module per
// endpoint family, routes/index.js the router), respond.js (answer shapes), images.js and multipart.js (bytes).
const http = require('http');

const { DEFAULTS } = require('./config');
const { createFaultQueue } = require('./faults');
const { sendError } = require('./respond');
const { createRouter } = require('./routes');
const { createStore } = require('./store');

function createSimulator(options = {}) {
	const config = { ...DEFAULTS, ...options };
	let server;
	let baseUrl;
	let lifetimeTimer;
	const store = createStore({ config, files: options.files, url: () => baseUrl });
	const faults = createFaultQueue(store);
	const { state } = store;
	const reset = () => store.reset();
	const router = createRouter({ config, store, faults, reset, stop: () => stop() });

	async function start() {
		server = http.createServer((req, res) => {
			router.handle(req, res).catch((error) => {
				if (!res.headersSent)
					sendError(res, 'api_error', { message: `simulator failure: ${error.message}` });
			});
		});
		await new Promise((resolve) => server.listen(config.port, config.host, resolve));
		baseUrl = `http://${config.host}:${server.address().port}`;
		lifetimeTimer = setTimeout(() => stop(), config.maxLifetimeMs);
		lifetimeTimer.unref();
		return baseUrl;
	}

	async function stop() {
		clearTimeout(lifetimeTimer);
		if (!server?.listening) return;
		server.closeAllConnections?.();
		await new Promise((resolve) => server.close(() => resolve()));
	}

	return {
		start,
		stop,
		reset,
		config,
		get url() {
			return baseUrl;
		},
		get requests() {
			return state.requests;
		},
		/**
		 * Finishes the held tasks (holdCallbacks) that `which` selects, one after another, each calling back;
		 * resolves with the callbacks' log entries once they were answered.
		 */
		releaseCallbacks: store.releaseCallbacks,
		get callbacks() {
			return state.callbacks;
		},
		/** The stored tasks by ID, as the task routes read them (tests backdate `created_at`, in seconds). */
		get tasks() {
			return state.tasks;
		},
		/** Finishes a stored task now, as its job would (a held callback task calls back). */
		finishTask(id) {
			const task = state.tasks.get(id);
			return task && !task.finished_at ? store.finishTask(task) : undefined;
		},
		/** The most billed requests answered at the same time since the last reset. */
		get maxInFlight() {
			return state.maxInFlight;
		},
		/** What the callback sink (/__sim/sink/...) received. */
		get sink() {
			return state.sink;
		},
		/** Adds faults (declared in faults.js; a key no fault declares throws): { path?, code, status?, times?, ... }. */
		inject(...added) {
			faults.add(added);
		},
		/** The stored images: pass as `files` to a second simulator (another origin) to serve the same ones. */
		get files() {
			return state.files;
		},
		/** Bytes a `hugeBytes` fault actually sent before the client hung up. */
		get hugeSent() {
			return state.hugeSent ?? 0;
		},
		/** The bytes the simulator sent for an image id. */
		imageBytes(id) {
			return state.files.get(id)?.bytes;
		},
		/** The bytes of every image the billed requests produced, in order. */
		sentImages() {
			return this.billed().flatMap((entry) =>
				(entry.images ?? []).map((image) => state.files.get(image.id)?.bytes),
			);
		},
		/** Requests to the billed endpoints. */
		billed() {
			return state.requests.filter(
				(entry) =>
					entry.path.startsWith('/openai/images/') || entry.path === '/v1/images/generations',
			);
		},
	};
}

module.exports = { createSimulator };
