'use strict';
// The editor as a person meets it, on the suite's served n8n (suite.js), Debian's Chromium driven by playwright-core. The node is
// found by search, offers each model its own fields, loads the model list live, runs, and shows its image in the
// output panel; the credential test speaks AceData's words. Screenshots are kept in artifacts/editor/; with
// ACEDATA_DOCS_SHOTS set to a folder (npm run docs:screenshots), the README's pictures of 2.41.1 are saved there too.
const fs = require('fs');
const path = require('path');

const { chromium, selectors } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(__dirname, '..', '..', 'artifacts', 'editor');

selectors.setTestIdAttribute('data-test-id');

/**
 * Defined last inside a version's suite: they share its served n8n and simulator. The last one saves a wrong
 * token into the credential, so nothing may run after them.
 */
function defineEditorTests(version, context) {
	const { simulator } = context;
	let n8n;
	let browser;
	let page;

	/** The README's pictures: which screenshot of the newest version goes to which file of docs/images. */
	const DOCS = {
		'2-gpt-image-1': 'panel.png',
		'6-image-preview': 'output.png',
		'7-get-many': 'get-many.png',
	};
	const shot = async (name) => {
		const file = path.join(SHOTS, `${version}-${name}.png`);
		await page.screenshot({ path: file });
		const docs = process.env.ACEDATA_DOCS_SHOTS;
		if (docs && version.startsWith('2.') && DOCS[name]) {
			fs.mkdirSync(docs, { recursive: true });
			fs.copyFileSync(file, path.join(docs, DOCS[name]));
		}
	};

	beforeAll(async () => {
		// Installed by scripts/provision-n8n.sh; a missing browser fails here, it is never skipped.
		if (!fs.existsSync(CHROMIUM))
			throw new Error(`${CHROMIUM} is missing: run scripts/provision-n8n.sh browser`);
		fs.mkdirSync(SHOTS, { recursive: true });
		n8n = context.n8n();
		browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
		const browserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await browserContext.newPage();
		page.setDefaultTimeout(30000);
		await page.goto(`${n8n.serverUrl}/signin`);
		// The sign-in form of both versions: an email and a password field, submitted with Enter.
		await page.locator('input[type="email"]').fill('owner@example.com');
		await page.locator('input[type="password"]').fill('Passw0rd-e2e');
		await page.locator('input[type="password"]').press('Enter');
		await page.waitForURL((url) => !url.pathname.includes('signin'));
		await page.goto(`${n8n.serverUrl}/workflow/new`);
		await page.getByTestId('node-creator-plus-button').waitFor();
	});

	afterAll(async () => {
		await browser?.close();
	});

	test('searching the add-node panel finds the node by its name, by "image", "DALL", "GPT Image" and "Nano Banana"', async () => {
		await page.getByTestId('node-creator-plus-button').click();
		const found = {};
		const ours = page
			.getByTestId('node-creator-item-name')
			.filter({ hasText: /^AceData Cloud Images$/ });
		for (const term of ['AceData', 'image', 'DALL', 'GPT Image', 'Nano Banana']) {
			// First a search that finds nothing of ours, so a result below cannot be left over from the term before.
			await page.keyboard.press('Control+A');
			await page.keyboard.type('zzqx');
			await ours.first().waitFor({ state: 'detached' });
			await page.keyboard.press('Control+A');
			await page.keyboard.type(term);
			// Found when the node shows up in the results within 15 s (the list refreshes as the search settles).
			found[term] = await ours
				.first()
				.waitFor({ timeout: 15000 })
				.then(
					() => true,
					() => false,
				);
		}
		await shot('1-search-nano-banana');
		expect(found).toEqual({
			AceData: true,
			image: true,
			DALL: true,
			'GPT Image': true,
			'Nano Banana': true,
		});
	});

	test('the node opens with the credential, the live model list and the fields GPT Image 1 takes', async () => {
		await page.keyboard.press('Control+A');
		await page.keyboard.type('AceData');
		await page
			.getByTestId('node-creator-item-name')
			.filter({ hasText: /^AceData Cloud Images$/ })
			.click();
		// The package's triggers share the panel (n8n groups aceDataImagesTrigger with aceDataImages): its Actions
		// section may open folded under the Triggers.
		const generate = page.getByText('Generate images', { exact: true });
		const actions = page.getByText(/^Actions \(\d+\)$/);
		await generate.or(actions).first().waitFor();
		if (!(await generate.isVisible())) await actions.click();
		await generate.click();
		await page.getByTestId('ndv').waitFor();
		await page.getByTestId('node-credentials-select').waitFor();
		// The list is loaded from AceData (GET /openai/models); the field then shows the model's name.
		const model = page.getByTestId('parameter-input-model').locator('input');
		await page.waitForFunction(
			(input) => input && input.value !== '' && !/loading/i.test(input.value),
			await model.elementHandle(),
		);
		expect(await model.inputValue()).toBe('GPT Image 1');
		expect(await page.getByTestId('parameter-input-n').count()).toBe(1);
		expect(simulator.requests.filter((entry) => entry.path === '/openai/models')).not.toHaveLength(
			0,
		);
		await shot('2-gpt-image-1');
	});

	test('DALL·E 3 hides Number of Images (one image per request) and offers its own sizes', async () => {
		await page
			.getByTestId('parameter-input-prompt')
			.locator('textarea')
			.fill('A lighthouse at dawn');
		await page.getByTestId('parameter-input-model').click();
		await page
			.getByRole('option', { name: /DALL·E 3/ })
			.first()
			.click();
		await page.getByTestId('parameter-input-n').waitFor({ state: 'detached' });
		await page.getByTestId('parameter-input-size').click();
		const sizes = await page.getByRole('option').allTextContents();
		await page.keyboard.press('Escape');
		expect(sizes.map((size) => size.trim())).toEqual(
			expect.arrayContaining(['1024x1024', '1792x1024', '1024x1792']),
		);
		expect(sizes.map((size) => size.trim())).not.toContain('256x256');
		await shot('3-dall-e-3');
	});

	test('Execute step: the image appears in the output panel, sent as the panel shows it', async () => {
		simulator.reset();
		// A picture worth looking at in the preview (the simulator draws small ones by default).
		const side = simulator.config.imageSide;
		simulator.config.imageSide = 320;
		await page.getByTestId('node-execute-button').click();
		const output = page.getByTestId('output-panel');
		await output.getByText('a-lighthouse-at-dawn-1.png').first().waitFor({ timeout: 60000 });
		simulator.config.imageSide = side;
		await shot('4-output');
		const billed = simulator.billed();
		expect(billed).toHaveLength(1);
		expect(billed[0].body).toMatchObject({
			model: 'dall-e-3',
			prompt: 'A lighthouse at dawn',
			size: '1024x1024',
		});
		expect(billed[0].body.n).toBe(1);
		// The file itself, as n8n previews it.
		await output.getByRole('button', { name: 'View' }).first().click();
		await output.locator('img').first().waitFor();
		await shot('6-image-preview');
		await output
			.getByText(/Back to (list|overview page)/)
			.first()
			.click();
	});

	test('Task › Get Many lists a task: succeeded, with its URL and cost', async () => {
		// A task of the account (the suite resets the simulator before each test): made straight at the API.
		const made = await fetch(`${simulator.url}/openai/images/generations`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${simulator.config.token}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ model: 'gpt-image-1', prompt: 'A lighthouse at dawn', n: 2 }),
		});
		const job = { taskId: (await made.json()).task_id };
		await page.getByTestId('parameter-input-resource').click();
		await page.getByRole('option', { name: 'Task' }).first().click();
		await page.getByTestId('parameter-input-operation').click();
		await page.getByRole('option', { name: 'Get Many' }).first().click();
		await page
			.getByTestId('parameter-input-taskIds')
			.locator('input, textarea')
			.first()
			.fill(job.taskId);
		await page.getByTestId('node-execute-button').click();
		const output = page.getByTestId('output-panel');
		await output.getByText('succeeded').first().waitFor({ timeout: 60000 });
		await shot('7-get-many');
		const lookup = simulator.requests.filter((entry) => entry.path === '/openai/tasks').at(-1);
		expect(lookup.body).toMatchObject({ action: 'retrieve_batch', ids: [job.taskId] });
	});

	test("the credential test fails for a wrong token, in AceData's words on 2.x", async () => {
		await page.getByTestId('credential-edit-button').click();
		const modal = page.getByTestId('editCredential-modal');
		await modal.waitFor();
		const token = modal.getByTestId('parameter-input-apiToken').locator('input');
		await token.fill('sk-not-the-right-token');
		await modal.getByTestId('credential-save-button').click();
		await modal
			.getByText("Couldn't connect with these settings")
			.or(modal.getByText('Couldn’t connect with these settings'))
			.first()
			.waitFor();
		// n8n 2.x shows the credential's own message for the status (AceData's words); 1.x its generic one.
		const details = modal.getByText('More details');
		if (await details.count()) await details.click();
		const message = version.startsWith('2.')
			? 'The specified token is invalid or wrong'
			: 'Authorization failed';
		await modal.getByText(message).first().waitFor();
		await shot('5-credential-test');
		expect(
			JSON.stringify(simulator.requests.map((entry) => entry.headers.authorization)),
		).toContain('Bearer sk-not-the-right-token');
	});
}

module.exports = { defineEditorTests };
