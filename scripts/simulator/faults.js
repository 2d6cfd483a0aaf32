'use strict';
// The faults the simulator plays, each declared once: the keys that aim a fault at requests (TRIGGERS, LEDGER),
// and per fault (FAULTS) the key that asks for it, where it acts, the keys it reads, what it does (`does`: the
// documentation) and its one handler (`act`). Faults come from simulator.inject(...) or POST /__sim/faults; a
// fault object may set any declared key (FAULT_KEYS) and nothing else. The routes never read a fault's keys: they
// take the fault that matches a request (takeFault) and hand it to play() (or lookupFault()) at their stage.
const { MIME } = require('./images');
const { dropConnection, send, sendError, sleep } = require('./respond');

/**
 * Where a fault acts, in the order a request meets them. A fault asking for a `billed` or `lookup` fault is left to
 * its route: it never answers at `answer` (and on any other route it does nothing, but is used up all the same).
 */
const STAGES = {
	answer:
		'any authorised POST, before its route: the fault answers instead of AceData (after `latencyMs`)',
	download: 'GET /files/...: the fault answers instead of the image',
	billed:
		'POST /openai/images/... and /v1/images/generations: the job is done and paid, then its answer is spoilt',
	lookup: 'POST /openai/tasks: the records the look-up serves are changed',
};

/** The ids a task request names (id, ids, trace_id): faults can target given tasks. */
function namedIds(body) {
	if (!body || typeof body !== 'object') return [];
	return [body.id, body.trace_id, ...(Array.isArray(body.ids) ? body.ids : [])].filter(Boolean);
}

/** The prompts a request is about: its own, or those of the tasks it looks up, or of the image it downloads. */
function promptsOf(body, tasks) {
	const named = namedIds(body);
	return [
		body?.prompt,
		body?.filePrompt,
		...[...tasks.values()]
			.filter((task) => named.includes(task.id) || named.includes(task.trace_id))
			.map((task) => task.request?.prompt),
	];
}

/**
 * What aims a fault: a request matches when every trigger the fault sets matches it (`request`: the path, the body
 * — for a download, `{ filePrompt }` —, the stored tasks). On a look-up, the records a `lookup` fault changes are
 * those every trigger with a `record` test matches.
 */
const TRIGGERS = [
	{
		key: 'path',
		does: 'requests whose path starts with it',
		request: (path, request) => request.path.startsWith(path),
	},
	{
		key: 'taskIds',
		does: 'requests naming one of these tasks (by id or trace ID, in `id`, `ids` or `trace_id`); look-ups: only these records',
		request: (ids, request, tasks) => {
			const named = namedIds(request.body);
			const known = ids.flatMap((id) => [id, tasks.get(id)?.trace_id]);
			return named.some((id) => known.includes(id));
		},
		record: (ids, task) => ids.includes(task.id),
	},
	{
		key: 'prompt',
		does: "requests whose prompt, looked-up tasks' prompt or downloaded image's prompt contains it; look-ups: only records whose prompt contains it",
		request: (prompt, request, tasks) =>
			promptsOf(request.body, tasks).some((candidate) => String(candidate ?? '').includes(prompt)),
		record: (prompt, task) => String(task.request?.prompt ?? '').includes(prompt),
	},
];

/** How long a fault lasts and what the request log calls it. */
const LEDGER = [
	{ key: 'times', does: 'how many matching requests it answers (1 by default); then it is gone' },
	{
		key: 'name',
		does: "what the request log's `fault` says of the requests it answered (else its `code`, else 'fault')",
	},
];

/** Keys that shape what a fault does: read by the faults that list them in `reads` (`latencyMs`: by the `answer` stage). */
const OPTIONS = [
	{
		key: 'status',
		does: "the HTTP status (`code`: the code's own; `redirect`: 307; `html`: 200; `echoToken`: 400)",
	},
	{ key: 'message', does: "the error's message (AceData's own for the code by default)" },
	{ key: 'retryAfter', does: 'a Retry-After header, in seconds' },
	{ key: 'contentType', does: "`html`'s content type (text/html by default)" },
	{ key: 'hangMs', does: '`accept`: how long the answer is held before it is lost' },
	{ key: 'latencyMs', does: 'how long a fault waits before it answers at `answer`' },
	{
		key: 'declaredLength',
		does: '`cutAfterBytes`: false sends no Content-Length and ends the answer cleanly',
	},
];

const ERROR_READS = ['code', 'status', 'message', 'retryAfter'];

/**
 * The faults, in precedence order: a fault object asking for several acts, at each stage, as the first of them
 * that acts there; an `act` answering undefined declines (the next one acts). `asked`: whether a fault object asks
 * for it (by default: its key is truthy). `act(ctx)`: ctx holds req, res, fault, entry, store and, by stage, `file`
 * (download), `serve(res)` (billed: the real route, answering into `res`), `poll(task)` and `other()` (lookup).
 */
const FAULTS = [
	{
		name: 'accept',
		at: ['billed'],
		reads: ['hangMs', 'drop', ...ERROR_READS],
		does: 'does the job (it is paid), then loses the answer: holds it `hangMs`, then cuts the connection (`drop`) or answers the error',
		async act({ req, res, entry, fault, serve }) {
			const swallowed = { writeHead() {}, end() {}, headersSent: false };
			await serve(swallowed);
			entry.accepted = true;
			if (fault.hangMs) await sleep(fault.hangMs);
			if (fault.drop) return dropConnection(req, res);
			if (res.writableEnded || res.destroyed) return 'gone';
			return sendError(res, fault.code ?? 'api_error', fault);
		},
	},
	{
		name: 'patchAnswer',
		at: ['billed'],
		reads: [],
		does: "does the job (it is paid), then answers 200 with what this function makes of AceData's answer (a misbehaving AceData or proxy)",
		async act({ res, entry, fault, serve }) {
			let captured;
			const capture = {
				writeHead() {},
				setHeader() {},
				end(payload) {
					captured = payload;
				},
				headersSent: false,
			};
			await serve(capture);
			entry.accepted = true;
			return send(res, 200, fault.patchAnswer(captured ? JSON.parse(String(captured)) : {}));
		},
	},
	{
		name: 'unknown',
		at: ['lookup'],
		reads: [],
		does: 'look-ups answer as if the targeted tasks were not recorded (`{}`, or missing from a batch)',
		hides: true,
	},
	{
		name: 'wrongRecord',
		at: ['lookup'],
		reads: [],
		does: 'look-ups answer a finished record of another task, with its own images, for each targeted one',
		act: ({ other }) => other(),
	},
	{
		name: 'patchRecord',
		at: ['lookup'],
		reads: [],
		does: 'look-ups serve each targeted record as this function makes it (a misbehaving AceData or proxy)',
		act: ({ fault, poll }, task) => fault.patchRecord(poll(task)),
	},
	{
		name: 'redirect',
		at: ['answer', 'download'],
		reads: ['status'],
		does: 'answers a redirect to this Location (307 unless `status`)',
		act({ res, fault }) {
			res.writeHead(fault.status ?? 307, { location: fault.redirect, 'content-length': 0 });
			res.end();
			return fault.status ?? 307;
		},
	},
	{
		name: 'html',
		at: ['answer', 'download'],
		asked: (value) => value !== undefined,
		reads: ['status', 'contentType'],
		does: "answers this text as the body (a proxy's page), as `contentType`, with `status` (200)",
		act({ res, fault }) {
			const payload = Buffer.from(String(fault.html));
			res.writeHead(fault.status ?? 200, {
				'content-type': fault.contentType ?? 'text/html',
				'content-length': payload.length,
			});
			res.end(payload);
			return fault.status ?? 200;
		},
	},
	{
		name: 'echoToken',
		at: ['answer', 'download'],
		reads: ['status'],
		does: "answers AceData's error shape with the caller's token in code, message and trace ID (a hostile or broken server)",
		act({ req, res, fault }) {
			// The caller's own token everywhere, long enough to tempt a truncation.
			const token = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
			return send(res, fault.status ?? 400, {
				success: false,
				error: { code: token, message: `${'x'.repeat(290)} ${token} rejected` },
				trace_id: token,
			});
		},
	},
	{
		name: 'drop',
		at: ['answer'],
		reads: [],
		does: 'cuts the connection instead of answering (as a proxy or a network drop would)',
		act: ({ req, res }) => dropConnection(req, res),
	},
	{
		name: 'trickleMs',
		at: ['download'],
		reads: [],
		does: 'serves the image one byte every this many ms (declines when there is no such image)',
		async act({ res, fault, file }) {
			if (!file) return undefined;
			res.writeHead(200, {
				'content-type': MIME[file.format],
				'content-length': file.bytes.length,
			});
			for (const byte of file.bytes) {
				await sleep(fault.trickleMs);
				if (res.destroyed) return 'gone';
				res.write(Buffer.from([byte]));
			}
			res.end();
			return 200;
		},
	},
	{
		name: 'cutAfterBytes',
		at: ['download'],
		reads: ['declaredLength'],
		does: 'sends this many bytes of the image, then ends the answer (`declaredLength: false`: no Content-Length, a clean end) or drops the connection (the full length declared)',
		async act({ res, fault, file }) {
			if (!file) return undefined;
			const part = file.bytes.subarray(0, fault.cutAfterBytes);
			if (fault.declaredLength === false) {
				res.writeHead(200, { 'content-type': MIME[file.format] });
				res.end(part);
				return 200;
			}
			res.writeHead(200, {
				'content-type': MIME[file.format],
				'content-length': file.bytes.length,
			});
			res.write(part);
			await sleep(20);
			res.socket?.destroy();
			return 'cut';
		},
	},
	{
		name: 'hugeBytes',
		at: ['download'],
		reads: [],
		does: 'serves a PNG header, then zeros up to this many bytes, with no length given (declines when there is no such image)',
		async act({ res, fault, file, store }) {
			if (!file) return undefined;
			res.writeHead(200, { 'content-type': 'image/png' });
			const chunk = Buffer.alloc(64 * 1024);
			file.bytes.copy(chunk, 0, 0, 16);
			let sent = 0;
			while (sent < fault.hugeBytes && !res.destroyed) {
				const ok = res.write(sent === 0 ? chunk : Buffer.alloc(chunk.length));
				sent += chunk.length;
				if (!ok) {
					await new Promise((resolve) => {
						const done = () => {
							res.off('drain', done);
							res.off('close', done);
							resolve();
						};
						res.on('drain', done);
						res.on('close', done);
					});
				}
			}
			store.state.hugeSent = sent;
			res.end();
			return 200;
		},
	},
	{
		// Last: what a fault that asks for nothing else does.
		name: 'code',
		at: ['answer', 'download'],
		asked: () => true,
		reads: ERROR_READS,
		does: "answers AceData's error for this code (`api_error` by default): its status unless `status`, `message`, a Retry-After of `retryAfter`",
		act: ({ res, fault }) => sendError(res, fault.code ?? 'api_error', fault),
	},
];

const FAULT_NAMES = FAULTS.map((kind) => kind.name);
/** Every key a fault object may set. */
const FAULT_KEYS = [
	...new Set([...TRIGGERS, ...LEDGER, ...OPTIONS].map((entry) => entry.key).concat(FAULT_NAMES)),
];

const asks = (kind, fault) =>
	kind.asked ? kind.asked(fault[kind.name]) : Boolean(fault[kind.name]);
/** The faults a fault object asks for that act at `stage`, in precedence order. */
const faultsAt = (stage, fault) =>
	FAULTS.filter((kind) => kind.at.includes(stage) && asks(kind, fault));

/** Refuses what is not a fault object, or one with a key no fault declares (a typo would otherwise do nothing). */
function checkFault(fault) {
	if (!fault || typeof fault !== 'object' || Array.isArray(fault))
		throw new TypeError(`A fault is an object, not ${JSON.stringify(fault)}.`);
	const unknown = Object.keys(fault).filter((key) => !FAULT_KEYS.includes(key));
	if (unknown.length > 0)
		throw new TypeError(
			`Unknown fault key ${unknown.join(', ')}: a fault may set ${FAULT_KEYS.join(', ')} (scripts/simulator/faults.js).`,
		);
	return fault;
}

/** What the request log calls a fault. */
const labelOf = (fault) => fault.name ?? fault.code ?? 'fault';

/** Whether the fault is left to its route (it asks for a `billed` or `lookup` fault) instead of answering at `answer`. */
const leftToRoute = (fault) =>
	faultsAt('billed', fault).length > 0 || faultsAt('lookup', fault).length > 0;

/**
 * Plays a fault at `answer`, `download` or `billed`: the first fault asked for that acts there answers. Resolves
 * with the status (or 'dropped', 'gone'), or undefined when no fault acts there.
 */
async function play(stage, ctx) {
	if (stage === 'answer' && ctx.fault.latencyMs) await sleep(ctx.fault.latencyMs);
	for (const kind of faultsAt(stage, ctx.fault)) {
		const status = await kind.act(ctx);
		if (status !== undefined) return status;
	}
	return undefined;
}

/**
 * The fault a look-up plays (`fault`: the one it took, if any), for the tasks route: `hides(task)` whether a record
 * is answered as not recorded, `view(task, ctx)` the record served (ctx: `poll(task)` the task's own, `other()`
 * another task's).
 */
function lookupFault(fault) {
	const kind = fault ? faultsAt('lookup', fault)[0] : undefined;
	const targeted = (task) =>
		kind !== undefined &&
		TRIGGERS.every(
			(trigger) =>
				!fault[trigger.key] || !trigger.record || trigger.record(fault[trigger.key], task),
		);
	return {
		hides: (task) => Boolean(kind?.hides) && targeted(task),
		view: (task, ctx) =>
			kind?.act && targeted(task) ? kind.act({ ...ctx, fault }, task) : ctx.poll(task),
	};
}

/** The fault queue of a store: faults added in order, each taken by the first requests it matches, `times` times. */
function createFaultQueue(store) {
	const queue = store.state.faults;

	function add(faults) {
		faults.forEach(checkFault);
		queue.push(...faults);
		return queue.length;
	}

	function matches(fault, request) {
		return TRIGGERS.every(
			(trigger) =>
				!fault[trigger.key] || trigger.request(fault[trigger.key], request, store.state.tasks),
		);
	}

	/** The first fault that matches the request (`body`: its JSON; a download's `{ filePrompt }`), used once. */
	function take(path, body) {
		const index = queue.findIndex((fault) => matches(fault, { path, body }));
		if (index < 0) return undefined;
		const fault = queue[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) queue.splice(index, 1);
		return fault;
	}

	return { add, take };
}

module.exports = {
	STAGES,
	TRIGGERS,
	LEDGER,
	OPTIONS,
	FAULTS,
	FAULT_NAMES,
	FAULT_KEYS,
	checkFault,
	labelOf,
	leftToRoute,
	play,
	lookupFault,
	createFaultQueue,
};
