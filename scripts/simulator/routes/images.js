'use strict';
// POST /openai/images/generations, /openai/images/edits (and OpenAI's own /v1/images/generations): the billed
// endpoints. A job is checked against AceData's rules, made (real image bytes, kept in the store), answered at
// once or as a task (polled or called back), and logged; a `billed` fault may spoil its answer.
const crypto = require('crypto');

const { pngSize, sha256 } = require('../images');
const { parseMultipart } = require('../multipart');
const {
	CONTRACT_DATA: C,
	canvasFor,
	dataUrlBytes,
	directives,
	requestProblem,
} = require('../rules');
const { send, sendError, sleep } = require('../respond');
const { play } = require('../faults');

/** The paths of the billed endpoints (what simulator.billed() lists). */
const BILLED_PATHS = [
	'/openai/images/generations',
	'/openai/images/edits',
	'/v1/images/generations',
];

function createImageRoutes({ config, store }) {
	const { state } = store;

	/**
	 * The answer a successful generation or edit gets: real image bytes as URLs or base64. `canvas`: the images' shape.
	 * `[[returns:N]]` in the prompt: only N images came out (AceData returns and bills only the successful ones).
	 */
	function buildAnswer(
		body,
		found,
		canvas = { width: config.imageSide, height: config.imageSide },
	) {
		const model = String(body.model ?? 'dall-e-2');
		const isNano = model.startsWith('nano-banana');
		// Nano Banana answers URLs only; it makes n images (the 2026 guides) or one whatever n says (older guides).
		const made = isNano && config.nanoBananaN === 'ignored' ? 1 : Math.max(1, Number(body.n ?? 1));
		const count =
			found.returns !== undefined ? Math.max(0, Math.min(made, Number(found.returns))) : made;
		const format = ['png', 'jpeg', 'webp'].includes(body.output_format)
			? body.output_format
			: 'png';
		const isGptImage = model.startsWith('gpt-image');
		const mode = isNano
			? 'url'
			: (body.response_format ??
				(found.respond === 'url' || found.respond === 'b64_json' ? found.respond : undefined) ??
				(isGptImage ? config.gptImageAnswer : 'url'));
		const files = [];
		const data = [];
		for (let index = 0; index < count; index++) {
			const file = store.storeImage(
				format,
				`${model}|${body.prompt}|${index}|${crypto.randomUUID()}`,
				canvas,
			);
			files.push(file);
			const datum =
				mode === 'b64_json' ? { b64_json: file.bytes.toString('base64') } : { url: file.url };
			if (model === 'dall-e-3') datum.revised_prompt = `${body.prompt} (revised by the simulator)`;
			data.push(datum);
		}
		const answer = { created: isNano ? 0 : Math.floor(Date.now() / 1000), data };
		// Token counts, except on an `:official` line billed per image (the generation guide's side).
		if (isGptImage && !(model.endsWith(':official') && config.officialBilling === 'image')) {
			const input = Math.ceil(String(body.prompt).length / 4);
			answer.usage = {
				input_tokens: input,
				output_tokens: 1056 * count,
				total_tokens: input + 1056 * count,
			};
		}
		return { answer, files, mode };
	}

	async function handleImages(req, res, entry, endpoint, raw) {
		let body;
		let firstInput;
		const multipart =
			endpoint === 'edits' && /multipart\/form-data/i.test(req.headers['content-type'] ?? '');
		if (multipart) {
			const parts = parseMultipart(raw, req.headers['content-type']);
			firstInput = pngSize(
				parts.find(
					(part) =>
						part.filename !== undefined && (part.name === 'image' || part.name === 'image[]'),
				)?.data,
			);
			// A mask acts on the `:official` lines (the newest edit guide); elsewhere AceData promises nothing: logged as ignored.
			if (parts.some((part) => part.name === 'mask'))
				entry.maskHonoured = /:official$/.test(
					String(parts.find((part) => part.name === 'model')?.value ?? ''),
				);
			entry.parts = parts.map(({ data, ...part }) => ({
				...part,
				sha256: part.filename !== undefined ? sha256(data) : undefined,
			}));
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
			if (endpoint === 'edits')
				firstInput = pngSize(dataUrlBytes([].concat(body.image ?? [])[0])?.bytes);
		}
		const found = directives(body.prompt);
		if (found.error) return sendError(res, found.error, { retryAfter: found.retryAfter });
		// What Nano Banana makes of the size: one it does not map silently becomes 1:1 (logged for the tests).
		if (String(body.model ?? '').startsWith('nano-banana'))
			entry.aspect = C.nanoBananaAspects[body.size] ?? '1:1';
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
				? {
						success: false,
						error: { code: 'api_error', message: 'The upstream image service failed.' },
						trace_id: traceId,
					}
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
		if (built)
			entry.images = built.files.map(({ id: fileId, format, sha256: hash, url }) => ({
				id: fileId,
				format,
				sha256: hash,
				url,
			}));
		entry.imagesBilled = built ? built.files.length : 0;
		if (task.callbackUrl && !task.never && !config.holdCallbacks)
			setTimeout(() => store.finishTask(task), config.callbackDelayMs).unref();
		return send(res, 200, { success: true, task_id: id, trace_id: traceId });
	}

	function answerSync(res, entry, body, { answer, files }, endpoint) {
		const traceId = body.trace_id ?? crypto.randomUUID();
		entry.images = files.map(({ id, format, sha256: hash, url }) => ({
			id,
			format,
			sha256: hash,
			url,
		}));
		// Only the images that came out are billed.
		entry.imagesBilled = files.length;
		// Every job is stored, so a client whose answer was lost can find it by trace ID.
		const id = crypto.randomUUID();
		const now = Date.now() / 1000;
		const full = { success: true, task_id: id, trace_id: traceId, ...answer };
		if (!config.storeOnlyWithCallback) {
			state.tasks.set(id, {
				id,
				trace_id: traceId,
				endpoint,
				request: body,
				response: full,
				created_at: now,
				finished_at: now,
				elapsed: 0,
				polls: 0,
				pollsToFinish: 0,
			});
		}
		entry.taskId = id;
		return send(res, 200, config.legacySyncAnswer ? answer : full);
	}

	/**
	 * The route: counts the billed requests answered at once, plays a `billed` fault if the request took one, else
	 * answers for real. OpenAI's own path (`<base>/v1/images/generations`): n8n's OpenAI node pointed here, for the
	 * benchmark's side-by-side comparison; GPT image models answer base64 there, as OpenAI does.
	 */
	async function route({ req, res, entry, path, raw, fault }) {
		const openAiPath = path === '/v1/images/generations';
		if (openAiPath)
			entry.body = {
				...(entry.body ?? {}),
				response_format: entry.body?.response_format ?? 'b64_json',
			};
		const endpoint = path.endsWith('edits') ? 'edits' : 'generations';
		// How many billed requests are being answered at once: what the node's Concurrency option controls.
		state.inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
		try {
			const serve = (target) => handleImages(req, target, entry, endpoint, raw);
			const spoilt = fault
				? await play('billed', { req, res, entry, fault, store, serve })
				: undefined;
			if (spoilt !== undefined) return spoilt;
			const body = openAiPath ? Buffer.from(JSON.stringify(entry.body)) : raw;
			return await handleImages(req, res, entry, endpoint, body);
		} finally {
			state.inFlight--;
		}
	}

	return { route, buildAnswer };
}

module.exports = { createImageRoutes, BILLED_PATHS };
