'use strict';
// A local stand-in for AceData Cloud's OpenAI-compatible images API, for tests, the end-to-end suite, the
// demo and the benchmarks. Loopback only; it stops by itself after maxLifetimeMs or maxRequests.
const crypto = require('crypto');
const http = require('http');

const { makeImage, makePng, padPng, pngSize, sha256, MIME, EXTENSION } = require('./images');
const CONTRACT = require('./contract.json');
const { parseMultipart } = require('./multipart');

/** Every error code of ACEDATA-API.md with the HTTP status AceData answers it with. */
const ERROR_STATUS = {
	bad_request: 400,
	no_token: 400,
	api_not_implemented: 400,
	token_mismatched: 400,
	invalid_token: 401,
	token_expired: 401,
	used_up: 403,
	forbidden: 403,
	disabled: 403,
	no_api: 404,
	too_many_requests: 429,
	rate_limited: 429,
	api_error: 500,
	timeout: 504,
};

const ERROR_MESSAGE = {
	bad_request: 'The request is invalid.',
	no_token: 'No token provided.',
	api_not_implemented: 'This API is not implemented.',
	token_mismatched: 'The token does not match this API.',
	invalid_token: 'The token is invalid.',
	token_expired: 'The token has expired.',
	used_up: 'Your balance is used up, please recharge.',
	forbidden: 'The prompt was rejected by moderation.',
	disabled: 'The application is disabled.',
	no_api: 'No such API.',
	too_many_requests: 'Too many requests, please slow down.',
	rate_limited: 'Rate limited.',
	api_error: 'The upstream API failed.',
	timeout: 'The upstream API timed out.',
};

const DEFAULTS = {
	host: '127.0.0.1',
	port: 0,
	token: 'sim-token',
	latencyMs: 0,
	/** How GPT image models answer when no response_format is asked: 'url' (newest guides) or 'b64_json' (an older page). */
	gptImageAnswer: 'url',
	/** Only jobs with a callback URL are stored as tasks (the tasks guide), instead of every job (AceData's clients). */
	storeOnlyWithCallback: false,
	/** Repeated multipart `image` parts: 'last' keeps the last one (as a form parser does), 'all' keeps them all. */
	repeatedImagePart: 'last',
	/** Synchronous answers in the older shape: only `created` and `data` (no success, task_id, trace_id). */
	legacySyncAnswer: false,
	/** Nano Banana and `n`: 'honoured' (1 to 10 images, each billed: the 2026 generation guide) or 'ignored' (one image: older guides). */
	nanoBananaN: 'honoured',
	/** How the `:official` lines bill: 'tokens' (answers carry `usage`: the newer APIs guide) or 'image' (per image, no `usage`: the generation guide). */
	officialBilling: 'tokens',
	/** DALL·E 2 as AceData's documents have it since 2026-07-27: unlisted and refused (its CLI and MCP server still offer it). */
	dallE2Retired: false,
	/** Task records older than this many seconds are purged (a look-up answers `{}`); 0 keeps them. */
	retentionSeconds: 0,
	/** The most records one retrieve_batch page holds, whatever `limit` asks (0: as asked). */
	batchMaxLimit: 0,
	/** Finished records carry `cost: { amount, currency: 'credit' }` (AceData's own clients read it; not yet seen live here). */
	recordCost: true,
	/** Model IDs `GET /openai/models` lists beyond the contract's (a newer model the node does not know). */
	extraModels: [],
	/** A task finishes on the Nth poll that sees it... */
	taskPolls: 2,
	/** ...or this long after submission, whichever comes first (0: polls only). */
	taskSeconds: 0,
	/** Delay before a callback is POSTed (the task finishes then). */
	callbackDelayMs: 100,
	/** Tasks with a callback URL do not finish by themselves: releaseCallbacks() finishes them (and calls back). */
	holdCallbacks: false,
	maxLifetimeMs: 30 * 60 * 1000,
	maxRequests: 20000,
	/** The short side of generated PNGs, in pixels (kept small: tests compare bytes, not pictures); the long side follows the asked shape. */
	imageSide: 32,
	/** Generated PNGs grown to at least this many bytes (0: as drawn); the benchmark's big images. */
	imagePadBytes: 0,
};

function directives(prompt) {
	const found = {};
	for (const match of String(prompt ?? '').matchAll(/\[\[(\w+)(?::([^\]]*))?\]\]/g)) found[match[1]] = match[2] ?? true;
	return found;
}

const C = CONTRACT.data;
const family = (model) =>
	model.startsWith('nano-banana') ? 'nano-banana' : /^gpt-image-2/.test(model) ? 'grid' : model.startsWith('gpt-image') ? 'gpt-image' : model;

function gridProblem(size) {
	if (size === 'auto' || size === '') return null;
	const match = /^([1-9]\d*)x([1-9]\d*)$/.exec(size);
	if (!match) return 'size must be auto or WIDTHxHEIGHT';
	const [w, h] = [Number(match[1]), Number(match[2])];
	const g = C.grid;
	const ok = w % g.multipleOf === 0 && h % g.multipleOf === 0 && Math.max(w, h) <= g.maxSide && w * h >= g.minPixels && w * h <= g.maxPixels && Math.max(w, h) <= g.maxAspect * Math.min(w, h);
	return ok ? null : `size ${size} is not accepted`;
}

/** Base64 `data:` URLs a JSON edit's `image` takes besides http(s) URLs (Roadmap 2026-06-29). */
const DATA_URL = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/;
const MAGIC = { png: [0x89, 0x50, 0x4e, 0x47], jpeg: [0xff, 0xd8, 0xff], webp: [0x52, 0x49, 0x46, 0x46] };

/** The bytes of a `data:` URL (undefined for anything else). */
function dataUrlBytes(value) {
	const match = DATA_URL.exec(typeof value === 'string' ? value : '');
	return match ? { format: match[1], bytes: Buffer.from(match[2], 'base64') } : undefined;
}

/** What AceData refuses in a JSON edit's `image`: one URL or up to 16, each http(s) or a data: URL of an image. */
function jsonImageProblem(image) {
	const list = Array.isArray(image) ? image : [image];
	if (list.length > C.editMaxImages) return `at most ${C.editMaxImages} images`;
	for (const entry of list) {
		if (typeof entry === 'string' && /^https?:\/\//i.test(entry)) continue;
		const data = dataUrlBytes(entry);
		if (!data) return 'image must be an http(s) URL or a data:image/png|jpeg|webp;base64 URL';
		if (!MAGIC[data.format].every((byte, index) => data.bytes[index] === byte)) return `image is not the ${data.format} its data: URL says`;
		if (data.bytes.length > C.editMaxImageBytes) return `image is larger than ${C.editMaxImageBytes / 1024 / 1024} MB`;
	}
	return null;
}

/**
 * What AceData refuses in an image request, per the contract (null: accepted). `config.extraModels`: listed models
 * without rules here. `multipart`: the edit came as a form (its images are files, not URLs).
 */
function requestProblem(body, endpoint, config, multipart) {
	const model = String(body.model ?? '');
	if ((config.extraModels ?? []).includes(model)) return String(body.prompt ?? '').trim() ? null : 'prompt is required';
	if (!C.models.includes(model)) return `model ${model || '(none)'} is not supported`;
	if (model === 'dall-e-2' && config.dallE2Retired) return 'model dall-e-2 is retired';
	const kind = family(model);
	const prompt = String(body.prompt ?? '');
	if (!prompt.trim()) return 'prompt is required';
	const limit = C.promptMaxLength[model] ?? C.promptMaxLength.default;
	if (Array.from(prompt).length > limit) return `prompt is longer than ${limit} characters`;
	if (endpoint === 'edits' && !multipart && body.image !== undefined) {
		const problem = jsonImageProblem(body.image);
		if (problem) return problem;
	}
	const n = body.n === undefined ? 1 : Number(body.n);
	// Nano Banana honours only model, prompt, size and (the 2026 guides) n; everything else is ignored.
	const maxN = kind === 'nano-banana' ? (config.nanoBananaN === 'honoured' ? C.maxImages : Infinity) : model === 'dall-e-3' ? 1 : C.maxImages;
	if (kind === 'nano-banana' && config.nanoBananaN === 'ignored') return null;
	if (!Number.isInteger(n) || n < 1 || n > maxN) return `n ${body.n} is not accepted by ${model}`;
	if (kind === 'nano-banana') return null;
	if (body.size !== undefined) {
		const problem = kind === 'grid' ? gridProblem(String(body.size)) : (C.sizes[model] ?? []).includes(body.size) ? null : `size ${body.size} is not accepted by ${model}`;
		if (problem) return problem;
	}
	const gpt = kind === 'grid' || kind === 'gpt-image';
	if (body.quality !== undefined && !(C.quality[gpt ? 'gpt-image' : model] ?? []).includes(body.quality)) return `quality ${body.quality} is not accepted by ${model}`;
	if (body.style !== undefined && model !== 'dall-e-3') return `style is not accepted by ${model}`;
	for (const key of ['background', 'moderation', 'output_format', 'output_compression']) {
		if (body[key] !== undefined && !gpt) return `${key} is not accepted by ${model}`;
	}
	if (body.response_format === 'b64_json' && gpt && n !== 1) return 'b64_json is answered for one image only';
	if (endpoint === 'edits' && Array.isArray(body.image) && body.image.length > C.editMaxImages) return `at most ${C.editMaxImages} images`;
	return null;
}

/**
 * The shape of the images a request gets: the asked WxH, Nano Banana's mapped ratio, for an edit without a size (or
 * `auto`) the first input image's (Roadmap 2026-06-08, 2026-07-26), else square. Never the asked pixels: AceData's
 * are not exact under the 1K tier, and the simulator draws small pictures of the same shape.
 */
function canvasFor(body, endpoint, firstInput, side) {
	const model = String(body.model ?? '');
	const size = body.size === undefined || body.size === '' ? undefined : String(body.size);
	let ratio = [1, 1];
	const match = /^([1-9]\d*)x([1-9]\d*)$/.exec(size ?? '');
	if (model.startsWith('nano-banana') && size !== undefined) {
		ratio = { '16:9': [16, 9], '9:16': [9, 16] }[C.nanoBananaAspects[size]] ?? [1, 1];
	} else if (match) ratio = [Number(match[1]), Number(match[2])];
	else if (endpoint === 'edits' && (size === undefined || size === 'auto') && firstInput) ratio = [firstInput.width, firstInput.height];
	const short = Math.min(...ratio);
	const scale = (value) => Math.max(1, Math.min(side * 4, Math.round((value / short) * side)));
	return { width: scale(ratio[0]), height: scale(ratio[1]) };
}

/**
 * What a finished job cost, in credits: the published per-image prices (Nano Banana), a stand-in price for the
 * others (AceData publishes none here), twice it on `:official` billed per image, or by tokens on `:official`.
 */
function costOf(model, images, usage, officialBilling) {
	const prices = C.pricePerImage;
	const official = /:official$/.test(model);
	if (official && officialBilling === 'tokens' && usage) return { amount: Math.round(usage.total_tokens * prices.perToken * 1e6) / 1e6, currency: 'credit' };
	const price = prices[model] ?? prices.standIn;
	return { amount: Math.round(price * images * (official ? 2 : 1) * 1e6) / 1e6, currency: 'credit' };
}

/** The record's `type` (2026-06-27): `images` for the gpt-image-2 series, else by endpoint. */
function taskType(model, endpoint) {
	if (/^gpt-image-2/.test(String(model ?? ''))) return 'images';
	return endpoint === 'edits' ? 'images_edits' : 'images_generations';
}

/** The request as a task record keeps it: base64 fields over 1,000 characters are truncated. */
function storedRequest(body) {
	const cut = (value) => (typeof value === 'string' && value.startsWith('data:') && value.length > 1000 ? value.slice(0, 1000) : value);
	return Object.fromEntries(Object.entries(body ?? {}).map(([key, value]) => [key, Array.isArray(value) ? value.map(cut) : cut(value)]));
}

function isLoopbackUrl(url) {
	try {
		const { hostname, protocol } = new URL(url);
		return protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
	} catch {
		return false;
	}
}

function createSimulator(options = {}) {
	const config = { ...DEFAULTS, ...options };
	const state = { requests: [], faults: [], tasks: new Map(), unstored: new Map(), files: options.files ?? new Map(), callbacks: [], sink: [], served: 0, inFlight: 0, maxInFlight: 0 };
	let server;
	let baseUrl;
	let lifetimeTimer;

	// unref: a fault that holds an answer must not keep the process (a jest worker) alive after its test.
	const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

	function send(res, status, body, headers = {}) {
		const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
		res.writeHead(status, {
			'content-type': Buffer.isBuffer(body) ? headers['content-type'] : 'application/json',
			'content-length': payload.length,
			...headers,
		});
		res.end(payload);
		return status;
	}

	function sendError(res, code, extra = {}) {
		const traceId = crypto.randomUUID();
		const headers = {};
		if (extra.retryAfter !== undefined) headers['retry-after'] = String(extra.retryAfter);
		return send(
			res,
			extra.status ?? ERROR_STATUS[code] ?? 400,
			{ success: false, error: { code, message: extra.message ?? ERROR_MESSAGE[code] ?? code }, trace_id: traceId },
			headers,
		);
	}

	/** The ids a task request names (id, ids, trace_id): faults can target given tasks. */
	function namedIds(body) {
		if (!body || typeof body !== 'object') return [];
		return [body.id, body.trace_id, ...(Array.isArray(body.ids) ? body.ids : [])].filter(Boolean);
	}

	function faultMatches(fault, path, body) {
		if (fault.path && !path.startsWith(fault.path)) return false;
		if (fault.taskIds) {
			const named = namedIds(body);
			const ids = fault.taskIds.flatMap((id) => [id, state.tasks.get(id)?.trace_id]);
			if (!named.some((id) => ids.includes(id))) return false;
		}
		if (fault.prompt && !promptsOf(body).some((prompt) => String(prompt ?? '').includes(fault.prompt))) return false;
		return true;
	}

	/** The prompts a request is about: its own, or those of the tasks it looks up, or of the image it downloads. */
	function promptsOf(body) {
		const tasks = [...state.tasks.values()];
		const named = namedIds(body);
		return [body?.prompt, body?.filePrompt, ...tasks.filter((task) => named.includes(task.id) || named.includes(task.trace_id)).map((task) => task.request?.prompt)];
	}

	/** The first fault that matches: by path, by task (`taskIds`), by prompt (`prompt`: of the request, its tasks or its image). */
	function takeFault(path, body) {
		const index = state.faults.findIndex((fault) => faultMatches(fault, path, body));
		if (index < 0) return undefined;
		const fault = state.faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) state.faults.splice(index, 1);
		return fault;
	}

	function checkAuth(req) {
		const header = req.headers.authorization;
		if (!header) return 'no_token';
		const token = header.replace(/^Bearer\s+/i, '');
		if (token === 'expired-token') return 'token_expired';
		return token === config.token ? undefined : 'invalid_token';
	}

	function storeImage(format, seed, canvas) {
		const bytes = format === 'png' ? padPng(makePng(seed, canvas.width, canvas.height), config.imagePadBytes) : makeImage(format, seed);
		const id = crypto.randomUUID();
		const file = { id, format, bytes, sha256: sha256(bytes), url: `${baseUrl}/files/${id}.${EXTENSION[format]}`, prompt: seed.split('|')[1] };
		state.files.set(id, file);
		return file;
	}

	/**
	 * The answer a successful generation or edit gets: real image bytes as URLs or base64. `canvas`: the images' shape.
	 * `[[returns:N]]` in the prompt: only N images came out (AceData returns and bills only the successful ones).
	 */
	function buildAnswer(body, found, canvas = { width: config.imageSide, height: config.imageSide }) {
		const model = String(body.model ?? 'dall-e-2');
		const isNano = model.startsWith('nano-banana');
		// Nano Banana answers URLs only; it makes n images (the 2026 guides) or one whatever n says (older guides).
		const made = isNano && config.nanoBananaN === 'ignored' ? 1 : Math.max(1, Number(body.n ?? 1));
		const count = found.returns !== undefined ? Math.max(0, Math.min(made, Number(found.returns))) : made;
		const format = ['png', 'jpeg', 'webp'].includes(body.output_format) ? body.output_format : 'png';
		const isGptImage = model.startsWith('gpt-image');
		const mode = isNano
			? 'url'
			: (body.response_format ??
				(found.respond === 'url' || found.respond === 'b64_json' ? found.respond : undefined) ??
				(isGptImage ? config.gptImageAnswer : 'url'));
		const files = [];
		const data = [];
		for (let index = 0; index < count; index++) {
			const file = storeImage(format, `${model}|${body.prompt}|${index}|${crypto.randomUUID()}`, canvas);
			files.push(file);
			const datum = mode === 'b64_json' ? { b64_json: file.bytes.toString('base64') } : { url: file.url };
			if (model === 'dall-e-3') datum.revised_prompt = `${body.prompt} (revised by the simulator)`;
			data.push(datum);
		}
		const answer = { created: isNano ? 0 : Math.floor(Date.now() / 1000), data };
		// Token counts, except on an `:official` line billed per image (the generation guide's side).
		if (isGptImage && !(model.endsWith(':official') && config.officialBilling === 'image')) {
			const input = Math.ceil(String(body.prompt).length / 4);
			answer.usage = { input_tokens: input, output_tokens: 1056 * count, total_tokens: input + 1056 * count };
		}
		return { answer, files, mode };
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
		const entry = { url: task.callbackUrl, taskId: task.id, body, status: undefined, error: undefined };
		state.callbacks.push(entry);
		if (!isLoopbackUrl(task.callbackUrl)) {
			entry.error = 'not a loopback URL: the simulator only calls back to this machine';
			return;
		}
		try {
			const payload = Buffer.from(JSON.stringify(body));
			entry.status = await new Promise((resolve, reject) => {
				const req = http.request(
					task.callbackUrl,
					{ method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length }, timeout: 10000 },
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
				view.cost = costOf(String(task.request?.model ?? ''), images, task.response?.usage, config.officialBilling);
			}
		}
		return view;
	}

	function pollTask(task) {
		task.polls++;
		const dueByTime = config.taskSeconds > 0 && Date.now() / 1000 - task.created_at >= config.taskSeconds;
		if (!task.never && !task.callbackUrl && (task.polls >= task.pollsToFinish || dueByTime)) finishTask(task);
		return taskView(task);
	}

	async function handleImages(req, res, entry, endpoint, raw) {
		let body;
		let firstInput;
		const multipart = endpoint === 'edits' && /multipart\/form-data/i.test(req.headers['content-type'] ?? '');
		if (multipart) {
			const parts = parseMultipart(raw, req.headers['content-type']);
			firstInput = pngSize(parts.find((part) => part.filename !== undefined && (part.name === 'image' || part.name === 'image[]'))?.data);
			// A mask acts on the `:official` lines (the newest edit guide); elsewhere AceData promises nothing: logged as ignored.
			if (parts.some((part) => part.name === 'mask')) entry.maskHonoured = /:official$/.test(String(parts.find((part) => part.name === 'model')?.value ?? ''));
			entry.parts = parts.map(({ data, ...part }) => ({ ...part, sha256: part.filename !== undefined ? sha256(data) : undefined }));
			body = {};
			for (const part of parts) {
				if (part.filename === undefined) body[part.name] = part.value;
			}
			if (body.n !== undefined) body.n = Number(body.n);
			// Repeated `image` parts: a form parser keeps the last one (AceData's guides send `image[]` for several).
			const repeated = parts.filter((part) => part.name === 'image');
			const arrayParts = parts.filter((part) => part.name === 'image[]');
			const single = config.repeatedImagePart === 'last' ? repeated.slice(-1) : repeated;
			body.image = [...single, ...arrayParts].map((part) => part.filename);
			if (body.async !== undefined) body.async = body.async === 'true';
			entry.body = body;
		} else {
			try {
				body = JSON.parse(raw.toString('utf8') || '{}');
			} catch {
				return sendError(res, 'bad_request', { message: 'The body is not valid JSON.' });
			}
			entry.body = body;
			if (endpoint === 'edits') firstInput = pngSize(dataUrlBytes([].concat(body.image ?? [])[0])?.bytes);
		}
		const found = directives(body.prompt);
		if (found.error) return sendError(res, found.error, { retryAfter: found.retryAfter });
		// What Nano Banana makes of the size: one it does not map silently becomes 1:1 (logged for the tests).
		if (String(body.model ?? '').startsWith('nano-banana')) entry.aspect = C.nanoBananaAspects[body.size] ?? '1:1';
		const problem = requestProblem(body, endpoint, config, multipart);
		if (problem) return sendError(res, 'bad_request', { message: `${problem}.` });
		if (endpoint === 'edits' && (!body.image || body.image.length === 0)) {
			return sendError(res, 'bad_request', { message: 'image is required.' });
		}
		const latency = Number(found.latency ?? config.latencyMs);
		const isAsync = body.async === true || !!body.callback_url;
		const canvas = canvasFor(body, endpoint, firstInput, config.imageSide);
		entry.canvas = canvas;
		if (!isAsync) {
			// The images are drawn while the simulated generation runs, as a real service renders during its latency:
			// the answer leaves `latency` after the request came, however many are drawn at once (the benchmark's floor).
			const readyAt = Date.now() + latency;
			const built = buildAnswer(body, found, canvas);
			if (readyAt > Date.now()) await sleep(readyAt - Date.now());
			return answerSync(res, entry, body, built, endpoint);
		}
		if (latency > 0) await sleep(latency);

		const traceId = body.trace_id ?? crypto.randomUUID();
		const id = crypto.randomUUID();
		const failed = found.task === 'fail';
		const built = failed ? undefined : buildAnswer(body, found, canvas);
		const task = {
			id,
			trace_id: traceId,
			endpoint,
			request: body,
			response: failed
				? { success: false, error: { code: 'api_error', message: 'The upstream image service failed.' }, trace_id: traceId }
				: { success: true, task_id: id, trace_id: traceId, ...built.answer },
			failed,
			created_at: Date.now() / 1000,
			finished_at: undefined,
			polls: 0,
			pollsToFinish: Number(found.polls ?? config.taskPolls),
			never: found.never === true,
			callbackUrl: body.callback_url,
		};
		if (!config.storeOnlyWithCallback || task.callbackUrl) state.tasks.set(id, task);
		else state.unstored.set(id, task); // accepted and billed, but never answered by a look-up
		entry.taskId = id;
		if (built) entry.images = built.files.map(({ id: fileId, format, sha256: hash, url }) => ({ id: fileId, format, sha256: hash, url }));
		entry.imagesBilled = built ? built.files.length : 0;
		if (task.callbackUrl && !task.never && !config.holdCallbacks) setTimeout(() => finishTask(task), config.callbackDelayMs).unref();
		return send(res, 200, { success: true, task_id: id, trace_id: traceId });
	}

	function answerSync(res, entry, body, { answer, files }, endpoint) {
		const traceId = body.trace_id ?? crypto.randomUUID();
		entry.images = files.map(({ id, format, sha256: hash, url }) => ({ id, format, sha256: hash, url }));
		// Only the images that came out are billed.
		entry.imagesBilled = files.length;
		// Every job is stored, so a client whose answer was lost can find it by trace ID.
		const id = crypto.randomUUID();
		const now = Date.now() / 1000;
		const full = { success: true, task_id: id, trace_id: traceId, ...answer };
		if (!config.storeOnlyWithCallback) {
			state.tasks.set(id, { id, trace_id: traceId, endpoint, request: body, response: full, created_at: now, finished_at: now, elapsed: 0, polls: 0, pollsToFinish: 0 });
		}
		entry.taskId = id;
		return send(res, 200, config.legacySyncAnswer ? answer : full);
	}

	/** A finished record of some other task, with its own images: what a careless client would emit. */
	function otherRecord() {
		const id = `other-${crypto.randomUUID()}`;
		const { answer } = buildAnswer({ model: 'gpt-image-1', prompt: 'another task', response_format: 'url' }, {});
		const now = Date.now() / 1000;
		return { id, trace_id: id, type: 'images', request: {}, created_at: now, started_at: now, finished_at: now, response: { success: true, task_id: id, ...answer } };
	}

	function handleTasks(res, entry, body, fault) {
		// Faults that answer 200 with the wrong thing: `unknown` (as for a job not recorded yet), `wrongRecord`.
		const targets = (task) =>
			(!fault.taskIds || fault.taskIds.includes(task.id)) && (!fault.prompt || String(task.request?.prompt ?? '').includes(fault.prompt));
		// A record past the retention period is purged: AceData answers as for a task it never had.
		const purged = (task) => config.retentionSeconds > 0 && Date.now() / 1000 - task.created_at > config.retentionSeconds;
		const hide = (task) => purged(task) || (fault?.unknown && targets(task));
		// `patchRecord(record)`: what a misbehaving AceData (or a proxy) makes of a record it serves.
		const patched = (task) => (fault?.patchRecord && targets(task) ? fault.patchRecord(pollTask(task)) : pollTask(task));
		const view = (task) => (fault?.wrongRecord && targets(task) ? otherRecord() : patched(task));
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
			const seconds = (value) => (value === undefined || value === null || value === '' ? undefined : Number(value));
			const [min, max] = [seconds(body.created_at_min), seconds(body.created_at_max)];
			const filtered = ids || traces || min !== undefined || max !== undefined;
			const pool = ids ? ids.map((id) => state.tasks.get(id)) : filtered ? [...state.tasks.values()].sort((a, b) => b.created_at - a.created_at) : [];
			const all = pool.filter(
				(task) =>
					task &&
					!hide(task) &&
					(!traces || traces.includes(task.trace_id)) &&
					(body.type === undefined || taskType(task.request?.model, task.endpoint) === body.type) &&
					(min === undefined || task.created_at >= min) &&
					(max === undefined || task.created_at <= max),
			);
			// AceData pages: 12 records unless `limit` says otherwise.
			const offset = Math.max(0, Number(body.offset ?? 0));
			// `batchMaxLimit`: a page never holds more than this, whatever `limit` asks (AceData documents no maximum).
			const limit = Math.min(Math.max(0, Number(body.limit ?? 12)), config.batchMaxLimit || Number.POSITIVE_INFINITY);
			const items = all.slice(offset, offset + limit).map(view);
			return send(res, 200, { items, count: all.length });
		}
		return sendError(res, 'bad_request', { message: 'Unknown action.' });
	}

	/**
	 * Faults that answer with something other than AceData's JSON: a redirect (`redirect`: the Location), a text
	 * body (`html`, as a proxy's page), AceData's error echoing the token (`echoToken`). Undefined if none applies.
	 */
	function answerOddly(req, res, fault) {
		if (fault.redirect) {
			res.writeHead(fault.status ?? 307, { location: fault.redirect, 'content-length': 0 });
			res.end();
			return fault.status ?? 307;
		}
		if (fault.html !== undefined) {
			const payload = Buffer.from(String(fault.html));
			res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'text/html', 'content-length': payload.length });
			res.end(payload);
			return fault.status ?? 200;
		}
		if (fault.echoToken) {
			// A hostile or broken server: the caller's own token everywhere, long enough to tempt a truncation.
			const token = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
			return send(res, fault.status ?? 400, {
				success: false,
				error: { code: token, message: `${'x'.repeat(290)} ${token} rejected` },
				trace_id: token,
			});
		}
		return undefined;
	}

	/** Serves an image body slowly (`trickleMs` per byte) or endlessly large (`hugeBytes`, no length given). */
	async function serveFileOddly(res, file, fault) {
		if (fault.trickleMs) {
			res.writeHead(200, { 'content-type': MIME[file.format], 'content-length': file.bytes.length });
			for (const byte of file.bytes) {
				await sleep(fault.trickleMs);
				if (res.destroyed) return 'gone';
				res.write(Buffer.from([byte]));
			}
			res.end();
			return 200;
		}
		if (fault.hugeBytes) {
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
			state.hugeSent = sent;
			res.end();
			return 200;
		}
		return undefined;
	}

	/** Answers nothing: the connection is cut (as a proxy or a network drop would). */
	function dropConnection(req, res) {
		res.socket?.destroy();
		req.socket?.destroy();
		return 'dropped';
	}

	/** Handles a billed request for real (the job exists and is paid), then loses its answer as `fault` says. */
	async function acceptThenFail(req, res, entry, endpoint, raw, fault) {
		const swallowed = { writeHead() {}, end() {}, headersSent: false };
		await handleImages(req, swallowed, entry, endpoint, raw);
		entry.accepted = true;
		if (fault.hangMs) await sleep(fault.hangMs);
		if (fault.drop) return dropConnection(req, res);
		if (res.writableEnded || res.destroyed) return 'gone';
		return sendError(res, fault.code ?? 'api_error', fault);
	}

	function handleControl(req, res, path, raw) {
		if (path === '/__sim/requests') return send(res, 200, state.requests);
		if (path === '/__sim/callbacks') return send(res, 200, state.callbacks);
		if (path === '/__sim/tasks') return send(res, 200, [...state.tasks.values()].map(taskView));
		// A stand-in receiver for callbacks in tests that have no n8n webhook: records what it is sent.
		if (path.startsWith('/__sim/sink')) {
			if (req.method === 'POST') state.sink.push({ path, body: raw.length ? JSON.parse(raw.toString('utf8')) : null });
			return send(res, 200, req.method === 'POST' ? { ok: true } : state.sink);
		}
		if (path === '/__sim/reset') {
			reset();
			return send(res, 200, { ok: true });
		}
		const body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
		if (path === '/__sim/faults') {
			state.faults.push(...(Array.isArray(body) ? body : [body]));
			return send(res, 200, { ok: true, faults: state.faults.length });
		}
		if (path === '/__sim/config') {
			Object.assign(config, body);
			return send(res, 200, { ok: true });
		}
		return send(res, 404, { error: { code: 'no_api', message: 'No such control endpoint.' } });
	}

	async function handle(req, res) {
		const chunks = [];
		for await (const part of req) chunks.push(part);
		const raw = Buffer.concat(chunks);
		const path = req.url.split('?')[0];
		if (path.startsWith('/__sim/')) return handleControl(req, res, path, raw);

		const entry = {
			seq: state.requests.length + 1,
			method: req.method,
			path,
			headers: { ...req.headers },
			bytes: raw.length,
			at: Date.now(),
		};
		state.requests.push(entry);
		// When the answer's last byte was handed over (tests compare events, not durations): before any client can
		// have read it, as this runs in the same turn as the last write.
		const end = res.end.bind(res);
		res.end = (...args) => {
			entry.doneAt ??= Date.now();
			return end(...args);
		};
		state.served++;
		if (state.served >= config.maxRequests) setImmediate(() => stop());

		const fileMatch = /^\/files\/([\w-]+)\.\w+$/.exec(path);
		if (req.method === 'GET' && fileMatch) {
			const file = state.files.get(fileMatch[1]);
			const fault = takeFault(path, { filePrompt: file?.prompt });
			if (fault) {
				entry.fault = fault.name ?? fault.code ?? 'fault';
				const odd = answerOddly(req, res, fault) ?? (file ? await serveFileOddly(res, file, fault) : undefined);
				if (odd !== undefined) return (entry.status = odd);
				return (entry.status = sendError(res, fault.code ?? 'api_error', fault));
			}
			if (!file) return (entry.status = send(res, 404, { error: { code: 'no_api', message: 'No such file.' } }));
			return (entry.status = send(res, 200, file.bytes, { 'content-type': MIME[file.format] }));
		}
		if (req.method === 'GET' && path === '/openai/models') {
			const authProblem = checkAuth(req);
			if (authProblem) return (entry.status = sendError(res, authProblem));
			// AceData's list (plus a chat model, as an OpenAI-compatible list may hold, and one the node does not know).
			const listed = config.dallE2Retired ? C.models.filter((id) => id !== 'dall-e-2') : C.models;
			const ids = [...listed, 'gpt-4o-mini', ...(config.extraModels ?? [])];
			return (entry.status = send(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', owned_by: 'acedata' })) }));
		}
		if (req.method !== 'POST') return (entry.status = sendError(res, 'no_api'));
		const authProblem = checkAuth(req);
		if (authProblem) return (entry.status = sendError(res, authProblem));
		let json;
		if (!/multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
			try {
				json = JSON.parse(raw.toString('utf8') || '{}');
			} catch {
				return (entry.status = sendError(res, 'bad_request', { message: 'The body is not valid JSON.' }));
			}
			entry.body = json;
		}
		const fault = takeFault(path, json);
		if (fault) entry.fault = fault.name ?? fault.code ?? 'fault';
		const answersWrongly = fault && (fault.unknown || fault.wrongRecord || fault.patchRecord || fault.patchAnswer);
		if (fault && !fault.accept && !answersWrongly) {
			if (fault.latencyMs) await sleep(fault.latencyMs);
			const odd = answerOddly(req, res, fault);
			if (odd !== undefined) return (entry.status = odd);
			if (fault.drop) return (entry.status = dropConnection(req, res));
			return (entry.status = sendError(res, fault.code ?? 'api_error', fault));
		}
		// OpenAI's own path (`<base>/v1/images/generations`): n8n's OpenAI node pointed here, for the benchmark's
		// side-by-side comparison. GPT image models answer base64 there, as OpenAI does.
		const openAiPath = path === '/v1/images/generations';
		if (openAiPath) entry.body = { ...(entry.body ?? {}), response_format: entry.body?.response_format ?? 'b64_json' };
		if (path === '/openai/images/generations' || path === '/openai/images/edits' || openAiPath) {
			const endpoint = path.endsWith('edits') ? 'edits' : 'generations';
			// How many billed requests are being answered at once: what the node's Concurrency option controls.
			state.inFlight++;
			state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
			try {
				if (fault?.accept) return (entry.status = await acceptThenFail(req, res, entry, endpoint, raw, fault));
				if (fault?.patchAnswer) {
					// The job is done (and paid); the answer is what a misbehaving AceData or proxy makes of it.
					let captured;
					const capture = { writeHead() {}, setHeader() {}, end(payload) { captured = payload; }, headersSent: false };
					await handleImages(req, capture, entry, endpoint, raw);
					entry.accepted = true;
					return (entry.status = send(res, 200, fault.patchAnswer(captured ? JSON.parse(String(captured)) : {})));
				}
				const body = openAiPath ? Buffer.from(JSON.stringify(entry.body)) : raw;
				return (entry.status = await handleImages(req, res, entry, endpoint, body));
			} finally {
				state.inFlight--;
			}
		}
		if (path === '/openai/tasks') return (entry.status = handleTasks(res, entry, json ?? {}, fault));
		if (path === '/v1/chat/completions' && typeof config.chat === 'function') return (entry.status = answerChat(res, json ?? {}));
		return (entry.status = sendError(res, 'no_api'));
	}

	/**
	 * A scripted OpenAI chat model, for the end-to-end test of the node as an AI Agent's tool: `config.chat(body)`
	 * returns `{ tool, arguments }` (call the first tool whose name matches the `tool` pattern) or `{ content }`.
	 */
	function answerChat(res, body) {
		const step = config.chat(body);
		const tools = (body.tools ?? []).map((tool) => tool.function?.name).filter(Boolean);
		const name = step.tool ? tools.find((candidate) => new RegExp(step.tool, 'i').test(candidate)) : undefined;
		if (step.tool && !name) return sendError(res, 'bad_request', { message: `no tool matches ${step.tool} among ${tools.join(', ')}` });
		const message = name
			? { role: 'assistant', content: null, tool_calls: [{ id: `call_${crypto.randomUUID().slice(0, 8)}`, type: 'function', function: { name, arguments: JSON.stringify(step.arguments ?? {}) } }] }
			: { role: 'assistant', content: String(step.content ?? '') };
		const head = { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model: body.model ?? 'gpt-4o-mini' };
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
		const finish = name ? 'tool_calls' : 'stop';
		if (!body.stream) return send(res, 200, { ...head, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
		// Streamed (as n8n's agents ask): the whole message in one delta, then the finish, the usage and [DONE].
		const delta = name ? { role: 'assistant', content: null, tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) } : message;
		const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
		const payload = Buffer.from(
			chunk([{ index: 0, delta, finish_reason: null }]) + chunk([{ index: 0, delta: {}, finish_reason: finish }]) + chunk([], { usage }) + 'data: [DONE]\n\n',
		);
		res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': payload.length });
		res.end(payload);
		return 200;
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

	async function start() {
		server = http.createServer((req, res) => {
			handle(req, res).catch((error) => {
				if (!res.headersSent) sendError(res, 'api_error', { message: `simulator failure: ${error.message}` });
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
		async releaseCallbacks(which = () => true) {
			const held = [...state.tasks.values()].filter((task) => task.callbackUrl && !task.finished_at && !task.never && which(task));
			const from = state.callbacks.length;
			for (const task of held) await finishTask(task);
			return state.callbacks.slice(from);
		},
		get callbacks() {
			return state.callbacks;
		},
		/** The most billed requests answered at the same time since the last reset. */
		get maxInFlight() {
			return state.maxInFlight;
		},
		/** What the callback sink (/__sim/sink/...) received. */
		get sink() {
			return state.sink;
		},
		/** Adds faults: { path?, code, status?, message?, times?, retryAfter?, latencyMs? }. */
		inject(...faults) {
			state.faults.push(...faults);
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
			return this.billed().flatMap((entry) => (entry.images ?? []).map((image) => state.files.get(image.id)?.bytes));
		},
		/** Requests to the billed endpoints. */
		billed() {
			return state.requests.filter((entry) => entry.path.startsWith('/openai/images/') || entry.path === '/v1/images/generations');
		},
	};
}

module.exports = { createSimulator };
