'use strict';
// How the simulator answers: AceData's JSON and error shapes, a cut connection, and a sleep that never keeps the
// process alive.
const crypto = require('crypto');

const { ERROR_STATUS, ERROR_MESSAGE } = require('./rules');

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

/** AceData's error answer for `code` (its status, unless `extra.status`; `extra.message`, `extra.retryAfter`). */
function sendError(res, code, extra = {}) {
	const traceId = crypto.randomUUID();
	const headers = {};
	if (extra.retryAfter !== undefined) headers['retry-after'] = String(extra.retryAfter);
	return send(
		res,
		extra.status ?? ERROR_STATUS[code] ?? 400,
		{
			success: false,
			error: { code, message: extra.message ?? ERROR_MESSAGE[code] ?? code },
			trace_id: traceId,
		},
		headers,
	);
}

/** Answers nothing: the connection is cut (as a proxy or a network drop would). */
function dropConnection(req, res) {
	res.socket?.destroy();
	req.socket?.destroy();
	return 'dropped';
}

module.exports = { sleep, send, sendError, dropConnection };
