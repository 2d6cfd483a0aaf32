'use strict';
// One simulator per test file: started before the tests, emptied before each one, stopped after them.
const { createSimulator } = require('../../scripts/simulator/server');

const TOKEN = 'sk-acedata-test-7f3c9a1e5b2d4c6e8f0a1b3c5d7e9f11';
const WRONG_TOKEN = 'sk-wrong-token-5e6f7a8b9c0d';

function useSimulator(options = {}) {
	const simulator = createSimulator({ token: TOKEN, ...options });
	const defaults = { ...simulator.config };
	beforeAll(async () => {
		await simulator.start();
	});
	beforeEach(() => {
		simulator.reset();
		Object.assign(simulator.config, defaults);
	});
	afterAll(async () => {
		await simulator.stop();
	});
	return {
		simulator,
		credentials: () => ({ apiToken: TOKEN, baseUrl: simulator.url }),
	};
}

/** A simulator of its own, started (for tests that run side by side); stop() it when done. */
async function startSimulator(options = {}) {
	const simulator = createSimulator({ token: TOKEN, ...options });
	await simulator.start();
	return simulator;
}

module.exports = { useSimulator, startSimulator, TOKEN, WRONG_TOKEN };
