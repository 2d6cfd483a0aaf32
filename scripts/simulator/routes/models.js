'use strict';
// GET /openai/models: the models AceData lists (with the token).
const { CONTRACT_DATA: C } = require('../rules');
const { send } = require('../respond');

function createModelRoutes({ config }) {
	function route({ res }) {
		// AceData's list (plus a chat model, as an OpenAI-compatible list may hold, and one the node does not know).
		const listed = config.dallE2Retired ? C.models.filter((id) => id !== 'dall-e-2') : C.models;
		const ids = [...listed, 'gpt-4o-mini', ...(config.extraModels ?? [])];
		return send(res, 200, {
			object: 'list',
			data: ids.map((id) => ({ id, object: 'model', owned_by: 'acedata' })),
		});
	}

	return { route };
}

module.exports = { createModelRoutes };
