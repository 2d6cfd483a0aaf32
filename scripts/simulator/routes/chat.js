'use strict';
// POST /v1/chat/completions (only when `config.chat` is a function): a scripted OpenAI chat model, for the
// end-to-end test of the node as an AI Agent's tool.
const crypto = require('crypto');

const { send, sendError } = require('../respond');

function createChatRoutes({ config }) {
	/**
	 * A scripted OpenAI chat model, for the end-to-end test of the node as an AI Agent's tool: `config.chat(body)`
	 * returns `{ tool, arguments }` (call the first tool whose name matches the `tool` pattern) or `{ content }`.
	 */
	function answerChat(res, body) {
		const step = config.chat(body);
		const tools = (body.tools ?? []).map((tool) => tool.function?.name).filter(Boolean);
		const name = step.tool
			? tools.find((candidate) => new RegExp(step.tool, 'i').test(candidate))
			: undefined;
		if (step.tool && !name)
			return sendError(res, 'bad_request', {
				message: `no tool matches ${step.tool} among ${tools.join(', ')}`,
			});
		const message = name
			? {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_${crypto.randomUUID().slice(0, 8)}`,
							type: 'function',
							function: { name, arguments: JSON.stringify(step.arguments ?? {}) },
						},
					],
				}
			: { role: 'assistant', content: String(step.content ?? '') };
		const head = {
			id: `chatcmpl-${crypto.randomUUID()}`,
			created: Math.floor(Date.now() / 1000),
			model: body.model ?? 'gpt-4o-mini',
		};
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
		const finish = name ? 'tool_calls' : 'stop';
		if (!body.stream)
			return send(res, 200, {
				...head,
				object: 'chat.completion',
				choices: [{ index: 0, message, finish_reason: finish }],
				usage,
			});
		// Streamed (as n8n's agents ask): the whole message in one delta, then the finish, the usage and [DONE].
		const delta = name
			? {
					role: 'assistant',
					content: null,
					tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
				}
			: message;
		const chunk = (choices, extra = {}) =>
			`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
		const payload = Buffer.from(
			chunk([{ index: 0, delta, finish_reason: null }]) +
				chunk([{ index: 0, delta: {}, finish_reason: finish }]) +
				chunk([], { usage }) +
				'data: [DONE]\n\n',
		);
		res.writeHead(200, { 'content-type': 'text/event-stream', 'content-length': payload.length });
		res.end(payload);
		return 200;
	}

	return {
		route: ({ res, json }) => answerChat(res, json ?? {}),
		enabled: () => typeof config.chat === 'function',
	};
}

module.exports = { createChatRoutes };
