'use strict';
// What the demo and `npm start` point the credential at: the real API when ACEDATA_API_TOKEN is set,
// otherwise a local simulator (no token, no network).
const { createSimulator } = require('../simulator/server');

async function startBackend(simulatorOptions) {
	const token = process.env.ACEDATA_API_TOKEN;
	if (token) {
		const baseUrl = process.env.ACEDATA_BASE_URL || 'https://api.acedata.cloud';
		return {
			baseUrl,
			token,
			label: `the real AceData API at ${baseUrl}`,
			stop: async () => undefined,
		};
	}
	const simulator = createSimulator({ imageSide: 256, ...simulatorOptions });
	const baseUrl = await simulator.start();
	return {
		baseUrl,
		token: simulator.config.token,
		simulator,
		label: `the local AceData simulator at ${baseUrl} (set ACEDATA_API_TOKEN to use the real API)`,
		stop: () => simulator.stop(),
	};
}

module.exports = { startBackend };
