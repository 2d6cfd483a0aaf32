'use strict';
// The simulator's settings: each one plays a side where AceData's sources disagree, or shapes the tests' timing.
// createSimulator(options) starts from these; `POST /__sim/config` and `simulator.config` change them live.

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
	/** How retrieve_batch pages: 'standard', 'noCount', 'ignoresOffset', 'ignoresLimit', 'shuffled' (routes/tasks.js). */
	pageShape: 'standard',
	/** Finished records carry `cost: { amount, currency: 'credit' }` (AceData's own clients read it; not yet seen live here). */
	recordCost: true,
	/** Model IDs `GET /openai/models` lists beyond the contract's (a newer model the node does not know). */
	extraModels: [],
	/** A task finishes on the Nth poll that sees it... */
	taskPolls: 2,
	/** ...or this long after submission, whichever comes first (0: polls only). */
	taskSeconds: 0,
	/** A callback body grown by this many bytes (as base64 images would grow it), per task: (task) => bytes; none: as is. */
	callbackPadding: undefined,
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

module.exports = { DEFAULTS };
