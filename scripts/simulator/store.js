'use strict';
// The simulator's state: the request log, the jobs as tasks (and their lifecycle: polled, finished, called back),
// the images they made, the callbacks sent and received, the fault queue (see faults.js), and the counters the
// tests read. One store per simulator; reset() empties it between tests.
const crypto = require('crypto');
const http = require('http');

const { makeImage, makePng, padPng, sha256, EXTENSION } = require('./images');
const { costOf, storedRequest, taskType } = require('./rules');

function isLoopbackUrl(url) {
	try {
		const { hostname, protocol } = new URL(url);
		return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
	} catch {
		return false;
	}
}

/**
 * `config`: the simulator's (read live); `files`: an image map to share with another simulator (another origin);
 * `url()`: the simulator's base URL once it listens (image URLs point there).
 */
function createStore({ config, files, url }) {
	const state = {
		/** Every request but the control endpoints', in order (LoggedRequest in test/harness/simulator.d.ts). */
		requests: [],
		/** Injected faults not used up yet, in order. */
		faults: [],
		tasks: new Map(),
		/** Jobs accepted and billed but never answered by a look-up (config.storeOnlyWithCallback). */
		unstored: new Map(),
		files: files ?? new Map(),
		/** The callbacks the simulator sent. */
		callbacks: [],
		/** What the callback sink (/__sim/sink/...) received. */
		sink: [],
		served: 0,
		inFlight: 0,
		maxInFlight: 0,
		/** Bytes a `hugeBytes` fault actually sent before the client hung up. */
		hugeSent: undefined,
	};

	/** Draws an image (`seed`: model|prompt|index|nonce) and keeps it, served under /files/. */
	function storeImage(format, seed, canvas) {
		const bytes =
			format === 'png'
				? padPng(makePng(seed, canvas.width, canvas.height), config.imagePadBytes)
				: makeImage(format, seed);
		const id = crypto.randomUUID();
		const file = {
			id,
			format,
			bytes,
			sha256: sha256(bytes),
			url: `${url()}/files/${id}.${EXTENSION[format]}`,
			prompt: seed.split('|')[1],
		};
		state.files.set(id, file);
		return file;
	}

	function finishTask(task) {
		if (task.finished_at) return;
		task.finished_at = Date.now() / 1000;
		task.elapsed = task.finished_at - task.created_at;
		return task.callbackUrl ? postCallback(task) : Promise.resolve();
	}

	async function postCallback(task) {
		const body = task.failed
			? { success: false, task_id: task.id, trace_id: task.trace_id, error: task.response.error }
			: { success: true, task_id: task.id, trace_id: task.trace_id, data: task.response };
		const entry = {
			url: task.callbackUrl,
			taskId: task.id,
			body,
			status: undefined,
			error: undefined,
		};
		state.callbacks.push(entry);
		if (!isLoopbackUrl(task.callbackUrl)) {
			entry.error = 'not a loopback URL: the simulator only calls back to this machine';
			return;
		}
		try {
			const padding = config.callbackPadding?.(task) ?? 0;
			const payload = Buffer.from(
				JSON.stringify(padding > 0 ? { ...body, padding: 'A'.repeat(padding) } : body),
			);
			entry.status = await new Promise((resolve, reject) => {
				const req = http.request(
					task.callbackUrl,
					{
						method: 'POST',
						headers: { 'content-type': 'application/json', 'content-length': payload.length },
						timeout: 10000,
						// A connection of its own: a kept-alive one dies when n8n's event loop stalls past its idle timeout.
						agent: false,
					},
					(res) => {
						// What the receiver answered, kept (cut) for tests that need to tell its answers apart.
						const chunks = [];
						res.on('data', (chunk) => chunks.length < 16 && chunks.push(chunk));
						res.on('end', () => {
							entry.answer = Buffer.concat(chunks).toString('utf8').slice(0, 500);
							resolve(res.statusCode);
						});
					},
				);
				req.on('timeout', () => req.destroy(new Error('callback timed out')));
				req.on('error', reject);
				req.end(payload);
			});
		} catch (error) {
			entry.error = error.message;
		}
	}

	function taskView(task) {
		const view = {
			id: task.id,
			trace_id: task.trace_id,
			type: taskType(task.request?.model, task.endpoint),
			request: storedRequest(task.request),
			created_at: task.created_at,
			started_at: task.created_at,
			finished_at: task.finished_at ?? null,
		};
		if (task.finished_at) {
			view.response = task.response;
			view.elapsed = task.elapsed;
			// Only what was made is billed: a failed task costs nothing and carries no cost.
			if (config.recordCost && !task.failed) {
				const images = Array.isArray(task.response?.data) ? task.response.data.length : 0;
				view.cost = costOf(
					String(task.request?.model ?? ''),
					images,
					task.response?.usage,
					config.officialBilling,
				);
			}
		}
		return view;
	}

	function pollTask(task) {
		task.polls++;
		const dueByTime =
			config.taskSeconds > 0 && Date.now() / 1000 - task.created_at >= config.taskSeconds;
		if (!task.never && !task.callbackUrl && (task.polls >= task.pollsToFinish || dueByTime))
			finishTask(task);
		return taskView(task);
	}

	/**
	 * Finishes the held tasks (holdCallbacks) that `which` selects, one after another, each calling back;
	 * resolves with the callbacks' log entries once they were answered.
	 */
	async function releaseCallbacks(which = () => true) {
		const held = [...state.tasks.values()].filter(
			(task) => task.callbackUrl && !task.finished_at && !task.never && which(task),
		);
		const from = state.callbacks.length;
		for (const task of held) await finishTask(task);
		return state.callbacks.slice(from);
	}

	function reset() {
		state.requests.length = 0;
		state.faults.length = 0;
		state.callbacks.length = 0;
		state.sink.length = 0;
		state.maxInFlight = 0;
		state.tasks.clear();
		state.unstored.clear();
		state.files.clear();
	}

	return { state, storeImage, finishTask, taskView, pollTask, releaseCallbacks, reset };
}

module.exports = { createStore };
