/**
 * Hostile networks and hostile answers: redirects to another origin, pages that are not images, transport errors
 * told apart, endless or trickling downloads, servers that echo the token, and inputs that need care.
 */
import type { INodeParameters } from 'n8n-workflow';

import { LIGHTHOUSE, binaryBytes, imageRunner, runNode, type RunResult } from '../harness/engine';
import { closedPort } from '../harness/network';
import { TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator({ gptImageAnswer: 'url' });
// Another origin (another port), serving the same images: where redirects point.
const other = useSimulator({ files: simulator.files }).simulator;

const billed = () => simulator.billed();

const generate = imageRunner(credentials, {
	...LIGHTHOUSE,
	delivery: 'wait',
	options: { pollInterval: 0.05, maxWait: 30 }, // roomy: no test here is about Max Wait
});

const host = (url: string) => new URL(url).host;
const everything = (result: RunResult) =>
	JSON.stringify({ items: result.items, error: result.error ?? null });

describe('The token stays with the Base URL', () => {
	it.each([307, 302])(
		'a %i from the Base URL to another origin is not followed: nothing reaches it, billed once',
		async (status) => {
			simulator.inject({
				path: '/openai/images/',
				redirect: `${other.url}/openai/images/generations`,
				status,
				times: 50,
			});
			const result = await generate({}, { continueOnFail: true });
			expect(other.requests).toHaveLength(0);
			expect(billed()).toHaveLength(1);
			expect(result.items[0].json.error).toContain(
				`redirect (HTTP ${status}) to ${host(other.url)}`,
			);
			expect(result.items[0].json.billing).toBe('none');
		},
	);

	it('a redirect loop sends one billed request, not 22', async () => {
		simulator.inject({
			path: '/openai/images/',
			redirect: `${simulator.url}/openai/images/generations`,
			times: 50,
		});
		await generate({});
		expect(billed()).toHaveLength(1);
	});

	it('an image download follows a redirect to another origin, without the token, and stores the same bytes', async () => {
		// Task › Get of a finished dall-e task whose image host redirects to the other origin.
		simulator.config.taskPolls = 1;
		const submitted = await generate({ model: 'dall-e-2', size: '256x256', delivery: 'submit' });
		const file = billed()[0].images?.[0];
		simulator.inject({ path: '/files/', redirect: `${other.url}/files/${file?.id}.png`, times: 1 });
		const fetched = await runNode({
			parameters: {
				resource: 'task',
				operation: 'get',
				taskId: String(submitted.items[0].json.taskId),
				options: {},
			},
			credentials: credentials(),
		});
		expect(fetched.error).toBeUndefined();
		expect(other.requests.map((entry) => [entry.path, entry.headers.authorization])).toEqual([
			[`/files/${file?.id}.png`, undefined],
		]);
		expect(binaryBytes(fetched.items[0].binary?.data)).toEqual(
			simulator.imageBytes(String(file?.id)),
		);
	});
});

describe('A file is an image or an error', () => {
	it.each<[string, string, string]>([
		['an HTML error page', '<!DOCTYPE html><html><body>Access denied</body></html>', 'text/html'],
		['JSON', '{"error":"expired"}', 'application/json'],
		['an HTML page sent as image/png', '<html>not really</html>', 'image/png'],
	])(
		'%s at the image URL is an error naming the host, never a .png file',
		async (_, html, contentType) => {
			simulator.inject({ path: '/files/', html, contentType, status: 200, times: 1 });
			const { items } = await generate(
				{ model: 'dall-e-2', size: '256x256' },
				{ continueOnFail: true },
			);
			expect(items).toHaveLength(1);
			expect(items[0].binary).toBeUndefined();
			expect(items[0].json.error).toContain(
				`The file at ${host(simulator.url)} is not a PNG, JPEG, WebP or GIF image`,
			);
			expect(items[0].json.error).not.toContain('/files/');
			expect(items[0].json.taskId).toBe(billed()[0].taskId);
		},
	);

	it('base64 that is not an image is an error, not a file', async () => {
		const answer = {
			success: true,
			task_id: 'task-b64',
			data: [{ b64_json: Buffer.from('<html>oops</html>').toString('base64') }],
		};
		simulator.inject({
			path: '/openai/images/',
			html: JSON.stringify(answer),
			contentType: 'application/json',
			times: 1,
		});
		const { items } = await generate({}, { continueOnFail: true });
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.error).toContain(
			'base64 that does not decode to a PNG, JPEG, WebP or GIF image',
		);
		expect(items[0].json.taskId).toBe('task-b64');
	});

	it('a download larger than Max Download Size is cut off and refused', async () => {
		simulator.inject({ path: '/files/', hugeBytes: 300 * 1024 * 1024, times: 1 });
		const { items } = await generate(
			{ model: 'dall-e-2', size: '256x256', options: { maxDownloadMb: 2 } },
			{ continueOnFail: true },
		);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.error).toContain('larger than 2 MB (the Max Download Size option)');
		expect(simulator.hugeSent).toBeLessThan(100 * 1024 * 1024);
	});

	it('a download trickled byte by byte ends at the Timeout, not minutes later', async () => {
		simulator.inject({ path: '/files/', trickleMs: 50, times: 1 });
		const started = Date.now();
		const { items } = await generate(
			{ model: 'dall-e-2', size: '256x256', options: { timeout: 1 } },
			{ continueOnFail: true },
		);
		// Trickled whole, the image would take minutes; a bound far from both the Timeout and minutes holds on any machine.
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(items[0].json.error).toContain('did not finish within 1 s (the Timeout option)');
		expect(items[0].json.error).not.toMatch(/Delivery Poll/i);
	});
});

describe('Errors say what happened', () => {
	it('a refused connection is retried, then reported as nothing sent', async () => {
		const port = await closedPort();
		const started = Date.now();
		const result = await runNode({
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'gpt-image-1',
				prompt: 'x',
				n: 1,
				delivery: 'wait',
				options: {},
			},
			credentials: { apiToken: TOKEN, baseUrl: `http://127.0.0.1:${port}` },
			continueOnFail: true,
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(3000); // 0.5 + 1 + 2 s of back-off: three retries
		expect(result.items[0].json.error).toContain(
			`Could not connect to 127.0.0.1:${port} (connection refused): nothing was sent`,
		);
		expect(result.items[0].json.billing).toBe('none');
	});

	it('a billed request that outlives the Timeout says so (seconds and call), then is looked up, never resent', async () => {
		simulator.inject({ path: '/openai/images/', latencyMs: 2500, code: 'api_error', times: 1 });
		// A roomy Max Wait: the job is declared unknown after the grace (4 look-ups), long before it, however slow the machine.
		const { items } = await generate(
			{ options: { timeout: 1, pollInterval: 0.05, maxWait: 30 } },
			{ continueOnFail: true },
		);
		const error = String(items[0].json.error);
		expect(error).toContain(
			'No answer from AceData within 1 s (the Timeout option) for the image request (/openai/images/generations): AceData may have accepted it',
		);
		expect(error).toContain(`no record of a job with trace ID ${billed()[0].body?.trace_id}`);
		expect(error).not.toMatch(/offline|retry the request/i);
		expect(billed()).toHaveLength(1);
	});

	it('a dropped connection on a billed request says "may have been accepted", never "retry"', async () => {
		simulator.inject({ path: '/openai/images/', drop: true, times: 1 });
		const { items } = await generate({ options: { pollInterval: 0.05 } }, { continueOnFail: true });
		const error = String(items[0].json.error);
		expect(error).toMatch(
			/The connection to AceData (dropped|failed) during the image request .*AceData may have accepted it/,
		);
		expect(error).not.toMatch(/retry/i);
		expect(items[0].json.billing).toBe('maybe');
		expect(billed()).toHaveLength(1);
	});

	it('a 403 page from a proxy is not called moderation, and no AceData advice is given for it', async () => {
		simulator.inject({
			path: '/openai/images/',
			html: '<html><h1>403 Forbidden</h1> by corporate proxy</html>',
			status: 403,
			times: 1,
		});
		const { items } = await generate({}, { continueOnFail: true });
		const error = String(items[0].json.error);
		expect(error).toContain("The Base URL answered HTTP 403 without AceData's error body");
		expect(error).not.toMatch(/moderation|AceData says/);
		expect(items[0].json.code).toBe('http_403');
	});
});

describe('Nothing the node emits contains the token', () => {
	it("AceData's error echoing the token: code, message, trace ID, Continue On Fail item", async () => {
		simulator.inject({ path: '/openai/images/', echoToken: true, times: 1 });
		const cof = await generate({}, { continueOnFail: true });
		simulator.inject({ path: '/openai/images/', echoToken: true, times: 1 });
		const thrown = await generate({});
		expect(cof.items[0].json.error).toBeDefined();
		expect(thrown.error).toBeDefined();
		expect(everything(cof)).not.toContain(TOKEN);
		expect(everything(thrown)).not.toContain(TOKEN);
		expect(everything(cof)).not.toContain(TOKEN.slice(0, 20));
	});

	it('a text error body with the token past 300 characters is scrubbed before it is cut', async () => {
		simulator.inject({
			path: '/openai/images/',
			html: `${'x'.repeat(190)} ${TOKEN} tail`,
			status: 400,
			times: 1,
		});
		const result = await generate({}, { continueOnFail: true });
		expect(everything(result)).not.toContain(TOKEN.slice(0, 12));
	});

	it('an answer echoing the token in its URL and revised prompt', async () => {
		const answer = {
			success: true,
			data: [
				{ url: `https://cdn.example/i.png?key=${TOKEN}`, revised_prompt: `made for ${TOKEN}` },
			],
		};
		simulator.inject({
			path: '/openai/images/',
			html: JSON.stringify(answer),
			contentType: 'application/json',
			times: 1,
		});
		const result = await generate({ options: { downloadImages: false } });
		expect(result.items[0].json.url).toBe('https://cdn.example/i.png?key=[redacted]');
		expect(everything(result)).not.toContain(TOKEN);
	});
});

describe('Input hygiene', () => {
	const edit = (parameters: INodeParameters) =>
		generate({ operation: 'edit', imageSource: 'url', prompt: 'Add a hat', ...parameters });

	it('keeps a URL that contains commas whole, and still splits a list of URLs', async () => {
		const withCommas = 'https://cdn.example/w_200,h_100,c_fill/cat.png';
		await edit({ imageUrls: `${withCommas}\nhttps://b.example/2.png, https://c.example/3.png` });
		expect(billed()[0].body?.image).toEqual([
			withCommas,
			'https://b.example/2.png',
			'https://c.example/3.png',
		]);
	});

	it('accepts an array of URLs from an expression', async () => {
		await edit({ imageUrls: '={{ ["https://a.example/1.png", "https://b.example/x,y.png"] }}' });
		expect(billed()[0].body?.image).toEqual([
			'https://a.example/1.png',
			'https://b.example/x,y.png',
		]);
	});

	it.each<[string, INodeParameters, string]>([
		[
			'a URL with a space',
			{ operation: 'edit', imageSource: 'url', imageUrls: 'https://a.example/my cat.png' },
			'Image URLs',
		],
		['a size with a leading zero', { model: 'gpt-image-2', size: '01024x1024' }, 'Size'],
		[
			'a prompt of 1,001 emoji for dall-e-2',
			{ model: 'dall-e-2', size: '256x256', prompt: '🐱'.repeat(1001) },
			'Prompt',
		],
	])('refuses %s before any request', async (_, parameters, label) => {
		const { error } = await generate({ prompt: 'Add a hat', ...parameters });
		expect(error?.message).toContain(`Parameter "${label}"`);
		expect(simulator.requests).toHaveLength(0);
	});

	it('counts an emoji as one character: 1,000 emoji fit dall-e-2', async () => {
		const { error } = await generate({
			model: 'dall-e-2',
			size: '256x256',
			prompt: '🐱'.repeat(1000),
		});
		expect(error).toBeUndefined();
		expect(billed()).toHaveLength(1);
	});
});

describe('A download that breaks off names the host and the task, never a runtime error', () => {
	const runtimeWords = /internal error|unshift|aborted\)|err [a-z]/i;

	it.each([
		['cut before the header is complete, the connection dropped', { cutAfterBytes: 10 }],
		[
			'cut before the header is complete, a clean end without a length',
			{ cutAfterBytes: 10, declaredLength: false },
		],
		['cut after the header, the connection dropped', { cutAfterBytes: 200 }],
	])('%s', async (_, cut) => {
		simulator.inject({ path: '/files/', times: 100, ...cut });
		const { items } = await generate({}, { continueOnFail: true });
		expect(items).toHaveLength(1);
		const error = String(items[0].json.error);
		expect(error).toMatch(/^Could not download the image from 127\.0\.0\.1:\d+: /);
		expect(error).not.toMatch(runtimeWords);
		expect(items[0].json).toMatchObject({
			code: 'download_failed',
			billing: 'paid',
			taskId: simulator.billed()[0].taskId,
		});
	});
});
