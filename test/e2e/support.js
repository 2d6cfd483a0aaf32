'use strict';
// Helpers of the end-to-end suites: a failing test says what each node of its executions emitted, and a wait on
// something the test process itself holds (the simulator's log, a callback's answer) has a deadline and a name.

/** "message (cause: … (code))" down an error's cause chain: fetch says only "fetch failed", its cause says why. */
function causes(error) {
	const parts = [];
	for (let cause = error?.cause, depth = 0; cause && depth < 4; cause = cause.cause, depth++) {
		parts.push(
			`${cause.name ?? 'cause'}: ${cause.message ?? String(cause)}${cause.code ? ` (${cause.code})` : ''}`,
		);
	}
	return parts.length ? ` [cause: ${parts.join(' ← ')}]` : '';
}

/**
 * Appends `extra` to an error's message and to the stack jest prints (which holds the message as it was). Errors
 * made outside jest's sandbox (fetch's TypeError) are no `instanceof Error` here: anything with a message counts.
 */
function appendToError(error, extra) {
	if (!error || typeof error.message !== 'string') return new Error(`${String(error)}\n${extra}`);
	const message = error.message;
	const stack = typeof error.stack === 'string' ? error.stack : undefined;
	error.message = `${message}${causes(error)}\n${extra}`;
	if (stack !== undefined)
		error.stack = stack.includes(message)
			? stack.replace(message, () => error.message)
			: `${error.message}\n${stack}`;
	return error;
}

/**
 * `test` (and `test.each`) whose failures end with what every execution the test read emitted, node by node
 * (items, json keys, binaries, errors; tokens scrubbed): "Cannot read properties of undefined (reading 'binary')"
 * then says which node emitted no item and what it said instead. `n8n()` returns the suite's N8n.
 */
function annotatedTest(n8n) {
	const wrap = (fn) =>
		async function annotated(...args) {
			const from = n8n()?.results?.length ?? 0;
			try {
				return await fn(...args);
			} catch (error) {
				const results = (n8n()?.results ?? []).slice(from);
				// The same execution may have been read several times (while waiting): its last reading says most.
				const last = new Map(results.map((result) => [result.executionId, result]));
				const runs = [...last.values()].map((result) => result.summary());
				throw appendToError(
					error,
					runs.length
						? `\nWhat the executions of this test emitted:\n${runs.join('\n')}`
						: '\n(this test read no execution)',
				);
			}
		};
	const annotated = (name, fn, timeout) => test(name, wrap(fn), timeout);
	annotated.each = (table) => (name, fn, timeout) => test.each(table)(name, wrap(fn), timeout);
	return annotated;
}

/**
 * Resolves with the first truthy value of `condition()` (sync or async), checked every intervalMs: for state this
 * process holds and nothing announces (the simulator's request log). Throws after timeoutMs, naming `what`.
 */
async function until(condition, { what, timeoutMs = 60000, intervalMs = 50 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await condition();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what ?? 'a condition'}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** The first execution of a workflow that is not in `before` (ids from `n8n.executionIds`), once n8n has one. */
async function firstNewExecution(n8n, workflowId, before, { what, timeoutMs } = {}) {
	const [id] = await until(
		async () => {
			const runs = (await n8n.executionIds(workflowId)).filter((run) => !before.includes(run));
			return runs.length ? runs : undefined;
		},
		{ what: what ?? `a new execution of ${workflowId}`, timeoutMs },
	);
	return id;
}

/** Runs `work` while a workflow is activated (over REST, as the editor's toggle does), then deactivates it. */
async function whileActive(n8n, workflowId, work) {
	const workflow = await n8n.session.call('GET', `/workflows/${workflowId}`);
	await n8n.session.call('POST', `/workflows/${workflowId}/activate`, {
		versionId: workflow.versionId,
	});
	try {
		return await work();
	} finally {
		await n8n.session.call('POST', `/workflows/${workflowId}/deactivate`, {});
	}
}

/** What the Extract From File node read of each file: the sha256 of its bytes. */
const extractedShas = (result, sha) =>
	result.output('Extract From File').map((item) => sha(Buffer.from(item.json.base64, 'base64')));

module.exports = {
	annotatedTest,
	appendToError,
	extractedShas,
	firstNewExecution,
	until,
	whileActive,
};
