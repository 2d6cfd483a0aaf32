'use strict';
// The opt-in live contract test (npm run test:live): skipped in one line without a token; pointed at the
// simulator, every check runs and reports confirmed (the simulator follows the contract).
const { execFile } = require('child_process');
const path = require('path');

const { useSimulator, TOKEN } = require('../harness/simulator');

const { simulator } = useSimulator();
const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'live-contract.js');

function run(env) {
	const clean = { ...process.env };
	delete clean.ACEDATA_API_TOKEN;
	delete clean.ACEDATA_BASE_URL;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[SCRIPT],
			{ env: { ...clean, ...env }, timeout: 60000 },
			(error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }),
		);
	});
}

test('without a token it is skipped, in one line, exit 0', async () => {
	const { code, stdout } = await run({});
	expect(code).toBe(0);
	expect(stdout.trim().split('\n')).toEqual([
		expect.stringMatching(/^live contract test skipped: set ACEDATA_API_TOKEN/),
	]);
});

test('against the simulator every assumption is confirmed, and the token is never printed', async () => {
	const { code, stdout, stderr } = await run({
		ACEDATA_API_TOKEN: TOKEN,
		ACEDATA_BASE_URL: simulator.url,
	});
	expect(code).toBe(0);
	expect(stdout).toMatch(/14 confirmed, 0 contradicted/);
	expect(`${stdout}${stderr}`).not.toContain(TOKEN);
	expect(simulator.billed().length).toBeGreaterThan(0);
});

test('where AceData plays the other side of a disputed point, it says so and names the simulator flag that plays it', async () => {
	Object.assign(simulator.config, { nanoBananaN: 'ignored', dallE2Retired: true });
	const { code, stdout } = await run({ ACEDATA_API_TOKEN: TOKEN, ACEDATA_BASE_URL: simulator.url });
	expect(code).toBe(0);
	expect(stdout).toMatch(
		/^CONTRADICTED nano-banana-n: n = 2: HTTP 200, 1 images; billed: .* \(the other side holds: simulator flag nanoBananaN\)$/m,
	);
	expect(stdout).toMatch(
		/^CONTRADICTED dalle2-retired: dall-e-2: HTTP 400, model dall-e-2 is retired\. \(the other side holds: simulator flag dallE2Retired\)$/m,
	);
	expect(stdout).toMatch(/12 confirmed, 2 contradicted/);
});
