'use strict';
// What AceData publishes about its images API, as the simulator applies it: the error codes and their statuses,
// what a request may ask (per contract.json), the shape and cost of what it makes, and how a task record looks.
// Pure functions of a request and the simulator's config: no state, no HTTP.
const CONTRACT = require('./contract.json');

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

/** The `[[name]]` / `[[name:value]]` directives in a prompt: per-request scenarios (`[[error:used_up]]`, `[[never]]`...). */
function directives(prompt) {
	const found = {};
	for (const match of String(prompt ?? '').matchAll(/\[\[(\w+)(?::([^\]]*))?\]\]/g))
		found[match[1]] = match[2] ?? true;
	return found;
}

const C = CONTRACT.data;
const family = (model) =>
	model.startsWith('nano-banana')
		? 'nano-banana'
		: /^gpt-image-2/.test(model)
			? 'grid'
			: model.startsWith('gpt-image')
				? 'gpt-image'
				: model;

function gridProblem(size) {
	if (size === 'auto' || size === '') return null;
	const match = /^([1-9]\d*)x([1-9]\d*)$/.exec(size);
	if (!match) return 'size must be auto or WIDTHxHEIGHT';
	const [w, h] = [Number(match[1]), Number(match[2])];
	const g = C.grid;
	const ok =
		w % g.multipleOf === 0 &&
		h % g.multipleOf === 0 &&
		Math.max(w, h) <= g.maxSide &&
		w * h >= g.minPixels &&
		w * h <= g.maxPixels &&
		Math.max(w, h) <= g.maxAspect * Math.min(w, h);
	return ok ? null : `size ${size} is not accepted`;
}

/** Base64 `data:` URLs a JSON edit's `image` takes besides http(s) URLs (Roadmap 2026-06-29). */
const DATA_URL = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/;
const MAGIC = {
	png: [0x89, 0x50, 0x4e, 0x47],
	jpeg: [0xff, 0xd8, 0xff],
	webp: [0x52, 0x49, 0x46, 0x46],
};

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
		if (!MAGIC[data.format].every((byte, index) => data.bytes[index] === byte))
			return `image is not the ${data.format} its data: URL says`;
		if (data.bytes.length > C.editMaxImageBytes)
			return `image is larger than ${C.editMaxImageBytes / 1024 / 1024} MB`;
	}
	return null;
}

/**
 * What AceData refuses in an image request, per the contract (null: accepted). `config.extraModels`: listed models
 * without rules here. `multipart`: the edit came as a form (its images are files, not URLs).
 */
function requestProblem(body, endpoint, config, multipart) {
	const model = String(body.model ?? '');
	if ((config.extraModels ?? []).includes(model))
		return String(body.prompt ?? '').trim() ? null : 'prompt is required';
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
	const maxN =
		kind === 'nano-banana'
			? config.nanoBananaN === 'honoured'
				? C.maxImages
				: Infinity
			: model === 'dall-e-3'
				? 1
				: C.maxImages;
	if (kind === 'nano-banana' && config.nanoBananaN === 'ignored') return null;
	if (!Number.isInteger(n) || n < 1 || n > maxN) return `n ${body.n} is not accepted by ${model}`;
	if (kind === 'nano-banana') return null;
	if (body.size !== undefined) {
		const problem =
			kind === 'grid'
				? gridProblem(String(body.size))
				: (C.sizes[model] ?? []).includes(body.size)
					? null
					: `size ${body.size} is not accepted by ${model}`;
		if (problem) return problem;
	}
	const gpt = kind === 'grid' || kind === 'gpt-image';
	if (
		body.quality !== undefined &&
		!(C.quality[gpt ? 'gpt-image' : model] ?? []).includes(body.quality)
	)
		return `quality ${body.quality} is not accepted by ${model}`;
	if (body.style !== undefined && model !== 'dall-e-3') return `style is not accepted by ${model}`;
	for (const key of ['background', 'moderation', 'output_format', 'output_compression']) {
		if (body[key] !== undefined && !gpt) return `${key} is not accepted by ${model}`;
	}
	if (body.response_format === 'b64_json' && gpt && n !== 1)
		return 'b64_json is answered for one image only';
	if (endpoint === 'edits' && Array.isArray(body.image) && body.image.length > C.editMaxImages)
		return `at most ${C.editMaxImages} images`;
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
	else if (endpoint === 'edits' && (size === undefined || size === 'auto') && firstInput)
		ratio = [firstInput.width, firstInput.height];
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
	if (official && officialBilling === 'tokens' && usage)
		return {
			amount: Math.round(usage.total_tokens * prices.perToken * 1e6) / 1e6,
			currency: 'credit',
		};
	const price = prices[model] ?? prices.standIn;
	return {
		amount: Math.round(price * images * (official ? 2 : 1) * 1e6) / 1e6,
		currency: 'credit',
	};
}

/** The record's `type` (2026-06-27): `images` for the gpt-image-2 series, else by endpoint. */
function taskType(model, endpoint) {
	if (/^gpt-image-2/.test(String(model ?? ''))) return 'images';
	return endpoint === 'edits' ? 'images_edits' : 'images_generations';
}

/** The request as a task record keeps it: base64 fields over 1,000 characters are truncated. */
function storedRequest(body) {
	const cut = (value) =>
		typeof value === 'string' && value.startsWith('data:') && value.length > 1000
			? value.slice(0, 1000)
			: value;
	return Object.fromEntries(
		Object.entries(body ?? {}).map(([key, value]) => [
			key,
			Array.isArray(value) ? value.map(cut) : cut(value),
		]),
	);
}

module.exports = {
	ERROR_STATUS,
	ERROR_MESSAGE,
	CONTRACT_DATA: C,
	directives,
	dataUrlBytes,
	requestProblem,
	canvasFor,
	costOf,
	taskType,
	storedRequest,
};
