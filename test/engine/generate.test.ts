import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { binaryBytes, imageRunner, runNode } from '../harness/engine';
import { TOKEN, WRONG_TOKEN, useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();

const requests = () => simulator.requests;
const billed = () => requests().filter((entry) => entry.path.startsWith('/openai/images/'));

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'gpt-image-1',
	prompt: 'A cute baby sea otter',
	n: 1,
	delivery: 'wait',
});
const sentImages = () => simulator.sentImages();

describe('Generate through the n8n engine', () => {
	it.each([
		['png', 'image/png', '.png'],
		['jpeg', 'image/jpeg', '.jpg'],
		['webp', 'image/webp', '.webp'],
	])(
		'turns base64 %s answers into binaries with the same bytes, mime and extension',
		async (format, mime, extension) => {
			simulator.config.gptImageAnswer = 'b64_json'; // the older guide page: GPT image models always answer base64
			const { items, error } = await generate({ options: { outputFormat: format } });
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1);
			const binary = items[0].binary?.data;
			expect(binary?.mimeType).toBe(mime);
			expect(binary?.fileName).toBe(`a-cute-baby-sea-otter-1${extension}`);
			expect(binaryBytes(binary).equals(sentImages()[0])).toBe(true);
			expect(JSON.stringify(items[0].json)).not.toMatch(/b64_json|iVBORw0KGgo/);
		},
	);

	it('downloads URL answers without the Authorization header and keeps the revised prompt', async () => {
		const { items, error } = await generate({ model: 'dall-e-3', size: '1024x1024' });
		expect(error).toBeUndefined();
		const [api, download] = requests();
		expect(api.path).toBe('/openai/images/generations');
		expect(api.headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(download.path).toMatch(/^\/files\/.+\.png$/);
		expect(download.headers.authorization).toBeUndefined();
		expect(items[0].json).toMatchObject({
			index: 0,
			model: 'dall-e-3',
			prompt: 'A cute baby sea otter',
			revisedPrompt: 'A cute baby sea otter (revised by the simulator)',
			url: api.images?.[0].url,
		});
		expect(items[0].binary?.data.mimeType).toBe('image/png');
		expect(binaryBytes(items[0].binary?.data).equals(sentImages()[0])).toBe(true);
	});

	it('names files after prompts in any script', async () => {
		const { items } = await generate(
			{ prompt: '={{ $json.prompt }}' },
			{
				items: [
					{ json: { prompt: '一只可爱的海獭' } },
					{ json: { prompt: 'Маленькая выдра' } },
					{ json: { prompt: 'Loutre câline' } },
				],
			},
		);
		expect(items.map((item) => item.binary?.data.fileName)).toEqual([
			'一只可爱的海獭-1.png',
			'маленькая-выдра-1.png',
			'loutre-câline-1.png',
		]);
	});

	it('handles GPT image models answering with hosted URLs too', async () => {
		simulator.config.gptImageAnswer = 'url';
		const { items } = await generate({ n: 2, options: { outputFormat: 'jpeg' } });
		expect(items.map((item) => item.binary?.data.fileName)).toEqual([
			'a-cute-baby-sea-otter-1.jpg',
			'a-cute-baby-sea-otter-2.jpg',
		]);
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
		// Each image carries its share of the job's tokens (as of its cost): the shares add up to the job's.
		expect(
			items.map((item) => (item.json.usage as { output_tokens: number }).output_tokens),
		).toEqual([1056, 1056]);
	});

	it('emits one item per image, paired to its input item, for n=3 and two inputs', async () => {
		const { items } = await generate(
			{ prompt: '={{ $json.topic }}', n: 3, options: { outputFormat: 'webp' } },
			{ items: [{ json: { topic: 'Red fox' } }, { json: { topic: 'Blue whale' } }] },
		);
		expect(items).toHaveLength(6);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 1 },
		]);
		expect(
			items.map((item) => [item.json.prompt, item.json.index, item.binary?.data.fileName]),
		).toEqual([
			['Red fox', 0, 'red-fox-1.webp'],
			['Red fox', 1, 'red-fox-2.webp'],
			['Red fox', 2, 'red-fox-3.webp'],
			['Blue whale', 0, 'blue-whale-1.webp'],
			['Blue whale', 1, 'blue-whale-2.webp'],
			['Blue whale', 2, 'blue-whale-3.webp'],
		]);
		expect(items.every((item) => item.binary?.data.mimeType === 'image/webp')).toBe(true);
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
	});

	it('puts all images of an input item on one item in the single item layout', async () => {
		const { items } = await generate({
			n: 3,
			options: { outputLayout: 'singleItem', binaryPropertyName: 'image' },
		});
		expect(items).toHaveLength(1);
		expect(Object.keys(items[0].binary ?? {})).toEqual(['image_0', 'image_1', 'image_2']);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect((items[0].json.images as IDataObject[]).map((image) => image.index)).toEqual([0, 1, 2]);
		expect(Object.values(items[0].binary ?? {}).map((binary) => binaryBytes(binary))).toEqual(
			sentImages(),
		);
	});

	it('keeps URL answers as JSON only when Download Images is off', async () => {
		const { items } = await generate({
			model: 'dall-e-2',
			size: '256x256',
			n: 2,
			options: { downloadImages: false },
		});
		expect(items).toHaveLength(2);
		expect(items.every((item) => item.binary === undefined)).toBe(true);
		expect(items.map((item) => item.json.url)).toEqual(
			billed()[0].images?.map((image) => image.url),
		);
		expect(requests().filter((entry) => entry.path.startsWith('/files/'))).toHaveLength(0);
	});

	it('names files from the template', async () => {
		const { items } = await generate({
			n: 2,
			options: { fileName: 'banner-{item}-{number}', outputFormat: 'jpeg' },
		});
		expect(items.map((item) => item.binary?.data.fileName)).toEqual([
			'banner-0-1.jpg',
			'banner-0-2.jpg',
		]);
	});

	it('sends exactly the fields that were set, snake_case, model always', async () => {
		await generate({
			model: 'gpt-image-1.5',
			size: '1536x1024',
			n: 2,
			options: {
				quality: 'high',
				background: 'transparent',
				outputFormat: 'webp',
				outputCompression: 60,
				traceId: 'my-trace',
			},
		});
		expect(billed()[0].body).toEqual({
			model: 'gpt-image-1.5',
			prompt: 'A cute baby sea otter',
			n: 2,
			size: '1536x1024',
			quality: 'high',
			background: 'transparent',
			output_format: 'webp',
			output_compression: 60,
			trace_id: 'my-trace',
		});
	});

	it('never sends an option hidden for the model (left over from another model)', async () => {
		const { error } = await generate({ options: { style: 'natural' } });
		expect(error).toBeUndefined();
		expect(billed()[0].body).toEqual({
			model: 'gpt-image-1',
			prompt: 'A cute baby sea otter',
			n: 1,
			size: 'auto',
			trace_id: expect.any(String),
		});
	});

	it('sends a custom model id verbatim', async () => {
		await generate({ model: 'custom', customModel: 'gpt-image-2:official', size: '' });
		expect(billed()[0].body).toEqual({
			model: 'gpt-image-2:official',
			prompt: 'A cute baby sea otter',
			n: 1,
			trace_id: expect.any(String),
		});
	});

	it('sends nano-banana only what it honours, with a size it maps (16:9)', async () => {
		const { items } = await generate({ model: 'nano-banana', size: '1792x1024', n: 1 });
		expect(billed()[0].body).toEqual({
			model: 'nano-banana',
			prompt: 'A cute baby sea otter',
			n: 1,
			size: '1792x1024',
			trace_id: expect.any(String),
		});
		expect(billed()[0]).toMatchObject({ aspect: '16:9' });
		expect(items).toHaveLength(1);
		expect(items[0].json).not.toHaveProperty('created'); // nano-banana answers created: 0
	});

	it('refuses a Nano Banana size AceData would silently turn square', async () => {
		const { error } = await generate({ model: 'nano-banana-2', size: '1536x1024' });
		expect(error?.message).toContain(
			'Parameter "Size" "1536x1024" is not accepted by nano-banana-2: allowed: 1024x1024, 1792x1024, 1024x1792',
		);
		expect(simulator.requests).toHaveLength(0);
	});

	it('does not offer Number of Images for dall-e-3 (one image per request): a value left from another model is dropped by n8n', async () => {
		const { items, error } = await generate({ model: 'dall-e-3', size: '1024x1024', n: 2 });
		expect(error).toBeUndefined();
		expect(billed()[0].body?.n).toBe(1);
		expect(items).toHaveLength(1);
	});

	it('offers Output Compression only with JPEG or WebP: left over with PNG it is not sent', async () => {
		const { error } = await generate({ options: { outputFormat: 'png', outputCompression: 10 } });
		expect(error).toBeUndefined();
		expect(billed()[0].body).not.toHaveProperty('output_compression');
	});

	it('asks GPT image models for base64 with response_format (one image) and stores the decoded file', async () => {
		const { items } = await generate({
			model: 'gpt-image-2',
			size: '2048x2048',
			options: { responseFormat: 'b64_json' },
		});
		expect(billed()[0].body).toMatchObject({ response_format: 'b64_json', n: 1 });
		expect(simulator.requests.filter((entry) => entry.path.startsWith('/files/'))).toHaveLength(0);
		expect(binaryBytes(items[0].binary?.data).equals(sentImages()[0])).toBe(true);
	});
});

describe('refusals before any request', () => {
	it.each<[string, INodeParameters, string]>([
		['a size dall-e-2 does not make', { model: 'dall-e-2', size: '1024x1792' }, 'Parameter "Size"'],
		[
			'a gpt-image-2 size off the 16 grid',
			{ model: 'gpt-image-2', size: '1000x1000' },
			'multiples of 16',
		],
		[
			'a prompt over dall-e-2 limit',
			{ model: 'dall-e-2', size: '512x512', prompt: 'x'.repeat(1001) },
			'Parameter "Prompt"',
		],
		['HD on a GPT image model', { options: { quality: 'hd' } }, 'Parameter "Quality"'],
		[
			'transparent JPEG',
			{ options: { background: 'transparent', outputFormat: 'jpeg' } },
			'Parameter "Background"',
		],
		[
			'a non-http callback',
			{ options: { callbackUrl: 'file:///etc/passwd' } },
			'Parameter "Callback URL"',
		],
		['an empty custom model', { model: 'custom', customModel: ' ' }, 'Parameter "Custom Model ID"'],
	])('refuses %s, names the parameter and sends nothing', async (_, parameters, message) => {
		const { error, items } = await generate(parameters);
		expect(error?.message).toContain(message);
		expect(error?.description).toContain('nothing was billed');
		expect(items).toHaveLength(0);
		expect(requests()).toHaveLength(0);
	});
});

describe('API errors', () => {
	it.each<[string, number, RegExp]>([
		['used_up', 403, /balance is used up/],
		['invalid_token', 401, /check the API Token of the AceData Cloud API credential/],
		['token_expired', 401, /credential/],
		['no_token', 400, /credential/],
		['token_mismatched', 400, /credential/],
		['too_many_requests', 429, /rate limit/],
		['forbidden', 403, /moderation rejected the prompt/],
		['disabled', 403, /disabled/],
		['bad_request', 400, /refused the request/],
	])(
		'maps %s to a message that says what to do, with the trace id',
		async (code, status, message) => {
			// Retry-After 0 keeps the rate-limit case fast: it is retried (bounded) before it is reported.
			simulator.inject({ path: '/openai/images/generations', code, times: 10, retryAfter: 0 });
			const { error } = await generate({});
			expect(error?.message).toMatch(message);
			expect(error?.httpCode).toBe(String(status));
			expect(error?.description).toContain(`code: ${code}`);
			expect(error?.description).toMatch(/trace ID: [0-9a-f-]{36}/);
			expect(JSON.stringify(error)).not.toContain(TOKEN);
		},
	);

	it('retries a rate-limited submission after Retry-After, and bills once', async () => {
		simulator.inject({
			path: '/openai/images/generations',
			code: 'too_many_requests',
			retryAfter: 0,
			times: 2,
		});
		const { items, error } = await generate({});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(billed().map((entry) => entry.status)).toEqual([429, 429, 200]);
	});

	it.each<[string, RegExp]>([
		['api_error', /upstream image service failed/],
		['timeout', /set Delivery to Poll/],
	])(
		'never resends a billed submission that got %s (5xx): looks it up by trace ID, then names it',
		async (code, message) => {
			simulator.inject({ path: '/openai/images/generations', code, times: 5 });
			const { error } = await generate({ options: { pollInterval: 0.05 } });
			const traceId = billed()[0].body?.trace_id as string;
			expect(error?.message).toMatch(message);
			expect(error?.message).toContain(`AceData has no record of a job with trace ID ${traceId}`);
			expect(error?.description).toContain(`trace ID: ${traceId}`);
			expect(billed()).toHaveLength(1);
			const lookups = requests().filter((entry) => entry.path === '/openai/tasks');
			expect(lookups.length).toBeGreaterThan(0);
			expect(
				lookups.every(
					(entry) =>
						JSON.stringify(entry.body) ===
						JSON.stringify({ action: 'retrieve', trace_id: traceId }),
				),
			).toBe(true);
		},
	);

	it('retries a failed image download without submitting again', async () => {
		simulator.inject({ path: '/files/', code: 'api_error', status: 502, times: 1 });
		const { items, error } = await generate({ model: 'dall-e-2', size: '256x256' });
		expect(error).toBeUndefined();
		expect(binaryBytes(items[0].binary?.data).equals(sentImages()[0])).toBe(true);
		expect(billed()).toHaveLength(1);
		expect(requests().filter((entry) => entry.path.startsWith('/files/'))).toHaveLength(2);
	});

	it('reports a wrong token as a credential problem without echoing it', async () => {
		const { error } = await runNode({
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'gpt-image-1',
				prompt: 'x',
				n: 1,
				delivery: 'wait',
				options: {},
			},
			credentials: { apiToken: WRONG_TOKEN, baseUrl: simulator.url },
		});
		expect(error?.message).toMatch(/API Token/);
		expect(JSON.stringify(error)).not.toContain(WRONG_TOKEN);
	});
});

describe('Continue On Fail', () => {
	it('yields an error item for the failing input and images for the others, each paired', async () => {
		const { items, error } = await generate(
			{ prompt: '={{ $json.prompt }}' },
			{
				items: [{ json: { prompt: 'A fox [[error:used_up]]' } }, { json: { prompt: 'A whale' } }],
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json.error).toMatch(/balance is used up/);
		expect(items[0].json).toMatchObject({ code: 'used_up', httpCode: '403' });
		expect(items[0].json.traceId).toMatch(/[0-9a-f-]{36}/);
		expect(items[0].binary).toBeUndefined();
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[1].binary?.data.mimeType).toBe('image/png');
	});

	it('also turns refusals into error items', async () => {
		const { items } = await generate(
			{ model: 'gpt-image-2', size: '={{ $json.size }}' },
			{
				items: [{ json: { size: '1000x1000' } }, { json: { size: '1024x1024' } }],
				continueOnFail: true,
			},
		);
		expect(
			items.map((item) => [item.pairedItem, item.json.error ?? item.binary?.data.mimeType]),
		).toEqual([
			[
				{ item: 0 },
				'Parameter "Size" "1000x1000" is not accepted by gpt-image-2: both sides must be multiples of 16',
			],
			[{ item: 1 }, 'image/png'],
		]);
		expect(billed()).toHaveLength(1);
	});
});

describe('Concurrency', () => {
	const inputs = [1, 2, 3, 4, 5, 6].map((number) => ({ json: { prompt: `Poster ${number}` } }));

	it.each([
		[1, 1],
		[3, 3],
		[10, 6],
	])(
		'keeps at most %i input items in flight (%i seen) and the output in input order',
		async (concurrency, expected) => {
			simulator.config.latencyMs = 250; // long enough that every started request is still open when the last starts
			const { items } = await generate(
				{ prompt: '={{ $json.prompt }}', options: { concurrency } },
				{ items: inputs },
			);
			expect(simulator.maxInFlight).toBe(expected);
			expect(billed()).toHaveLength(6);
			expect(items.map((item) => [item.pairedItem, item.json.prompt])).toEqual(
				inputs.map((input, index) => [{ item: index }, input.json.prompt]),
			);
		},
	);
});

describe('Concurrency: an answered item frees its place', () => {
	it("the next item's request leaves while the previous item's images are still downloading", async () => {
		simulator.config.imageSide = 8; // a small image, so that a byte every 4 ms takes over a second
		simulator.inject({ path: '/files/', prompt: 'Poster 1', trickleMs: 4, times: 1 });
		const inputs = [1, 2].map((number) => ({ json: { prompt: `Poster ${number}` } }));
		const { items } = await generate(
			{ prompt: '={{ $json.prompt }}', options: { concurrency: 1 } },
			{ items: inputs },
		);
		const download = simulator.requests.find(
			(entry) => entry.path.startsWith('/files/') && entry.fault,
		);
		const second = billed().find((entry) => entry.body?.prompt === 'Poster 2');
		expect(simulator.sentImages()[0].length * 4).toBeGreaterThan(1000);
		// Concurrency 1 holds the requests to one at a time, not the downloads: the second item's request arrived
		// while the first item's image was still being sent (events compared, so a busy machine cannot flip it).
		expect(download?.doneAt).toEqual(expect.any(Number));
		expect(second?.at ?? Infinity).toBeLessThan(download?.doneAt ?? 0);
		expect(simulator.maxInFlight).toBe(1);
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
	});
});

describe('the token', () => {
	it('appears nowhere in outputs or errors, whatever happens', async () => {
		simulator.inject({
			path: '/openai/images/generations',
			code: 'bad_request',
			message: `Bad token ${TOKEN} in request`,
			times: 1,
		});
		const failed = await generate({}, { continueOnFail: true });
		const ok = await generate({ model: 'dall-e-2', size: '256x256' });
		const everything = JSON.stringify([failed.items, failed.run, ok.items, ok.run]);
		expect(failed.items[0].json.error).toMatch(/refused the request/);
		expect(everything).toContain('[redacted]');
		expect(everything).not.toContain(TOKEN);
	});
});
