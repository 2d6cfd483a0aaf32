// AceData's contract as it changed in 2026 (shared ACEDATA-API.md, "Changes in 2026"), through the n8n engine against
// the simulator: Nano Banana's n, fewer images than asked, real pixels, DALL·E 2 retired, edits that keep the input's
// shape and take data: URLs, masks where AceData promises them, task records without status.
import type { IBinaryData, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { makeImage, makePng, pngSize } from '../../scripts/simulator/images';
import {
	NODE_NAME,
	binaryBytes,
	delay,
	imageRunner,
	runNode,
	type RunResult,
} from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();

const billed = () => simulator.billed();

const generate = imageRunner(credentials, {
	resource: 'image',
	operation: 'generate',
	model: 'nano-banana-2',
	prompt: 'A lighthouse at dawn',
	size: '1024x1024',
	delivery: 'wait',
});
const edit = imageRunner(credentials, {
	resource: 'image',
	operation: 'edit',
	model: 'gpt-image-1',
	prompt: 'Add a red scarf',
	delivery: 'wait',
});
const getTask = (taskId: string, options: INodeParameters = {}) =>
	runNode({
		parameters: { resource: 'task', operation: 'get', taskId, options },
		credentials: credentials(),
	});

const inline = (bytes: Buffer, fileName: string): IBinaryData => ({
	data: bytes.toString('base64'),
	mimeType: 'application/octet-stream',
	fileName,
});
const dataUrl = (bytes: Buffer, type = 'png') =>
	`data:image/${type};base64,${bytes.toString('base64')}`;
/** The warnings n8n shows above the output (the run's spend is an info hint of its own: test/engine/spend.test.ts). */
const hints = (result: RunResult) =>
	(
		(
			result.run.data.resultData.runData[NODE_NAME]?.[0] as {
				hints?: Array<{ message: string; type?: string }>;
			}
		)?.hints ?? []
	).filter((hint) => hint.type === 'warning');
const counts = (items: INodeExecutionData[]) =>
	items.map(({ json }) => [json.imagesRequested, json.imagesReturned, json.notice ?? null]);

describe('Nano Banana makes the images asked for', () => {
	it.each(['nano-banana', 'nano-banana-2', 'nano-banana-2-lite', 'nano-banana-pro'])(
		'%s: Number of Images 3 is sent and 3 come, each a file',
		async (model) => {
			const { items, error } = await generate({ model, n: 3, size: '1792x1024' });
			expect(error).toBeUndefined();
			expect(billed()[0].body).toEqual({
				model,
				prompt: 'A lighthouse at dawn',
				n: 3,
				size: '1792x1024',
				trace_id: expect.any(String),
			});
			expect(items).toHaveLength(3);
			expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(simulator.sentImages());
			expect(counts(items)).toEqual([
				[3, 3, null],
				[3, 3, null],
				[3, 3, null],
			]);
			// The mapped 16:9 shape, from the bytes.
			expect(items.map(({ json }) => [json.width, json.height])).toEqual(Array(3).fill([57, 32]));
		},
	);

	it('a saved workflow without Number of Images still makes one image', async () => {
		const { items } = await runNode({
			parameters: {
				resource: 'image',
				operation: 'generate',
				model: 'nano-banana',
				prompt: 'A heron',
				size: '1024x1024',
			},
			credentials: credentials(),
		});
		expect(billed()[0].body?.n).toBe(1);
		expect(counts(items)).toEqual([[1, 1, null]]);
	});

	it('refuses 11 before anything is sent', async () => {
		const { error } = await generate({ n: 11 });
		expect(error?.message).toBe(
			'Parameter "Number of Images" must be a whole number from 1 to 10 (got 11)',
		);
		expect(simulator.requests).toHaveLength(0);
	});

	it('where AceData ignores n (the older guides), says that one came of the three asked, and shows it above the output', async () => {
		simulator.config.nanoBananaN = 'ignored';
		const result = await generate({ n: 3 });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const notice =
			'AceData returned 1 of the 3 images asked for: only the 1 returned is billed (AceData bills the images it makes).';
		expect(counts(result.items)).toEqual([[3, 1, notice]]);
		expect(hints(result).map((hint) => hint.message)).toEqual([`Item 1: ${notice}`]);
	});
});

describe('Fewer images than asked is said, not hidden', () => {
	const partial = imageRunner(credentials, {
		resource: 'image',
		operation: 'generate',
		model: 'gpt-image-1',
		prompt: '={{ $json.prompt }}',
		n: 4,
		delivery: 'wait',
	});
	const inputs = [{ json: { prompt: 'Herons [[returns:3]]' } }, { json: { prompt: 'Cranes' } }];

	it.each(['wait', 'poll'])(
		'%s: each image of the short item says 3 of 4 and that only 3 are billed; the full item says nothing',
		async (delivery) => {
			const result = await partial(
				{ delivery, options: { pollInterval: 0.05 } },
				{ items: inputs },
			);
			expect(result.error).toBeUndefined();
			expect(billed().map((entry) => entry.imagesBilled)).toEqual([3, 4]);
			const notice =
				'AceData returned 3 of the 4 images asked for: only the 3 returned are billed (AceData bills the images it makes).';
			expect(counts(result.items)).toEqual([
				...Array(3).fill([4, 3, notice]),
				...Array(4).fill([4, 4, null]),
			]);
			expect(result.items.map((item) => item.pairedItem)).toEqual([
				...Array(3).fill({ item: 0 }),
				...Array(4).fill({ item: 1 }),
			]);
			expect(hints(result).map((hint) => hint.message)).toEqual([`Item 1: ${notice}`]);
		},
	);

	it('Single Item: the counts and the notice sit on the item, next to its images', async () => {
		const { items } = await partial({ options: { outputLayout: 'singleItem' } }, { items: inputs });
		expect(items).toHaveLength(2);
		expect(items[0].json).toMatchObject({
			imagesRequested: 4,
			imagesReturned: 3,
			notice: expect.stringContaining('3 of the 4'),
		});
		expect(Object.keys(items[0].binary ?? {})).toEqual(['data_0', 'data_1', 'data_2']);
		expect(items[1].json).toMatchObject({ imagesRequested: 4, imagesReturned: 4 });
		expect(items[1].json).not.toHaveProperty('notice');
	});

	it('is no error: Continue On Fail makes no error item of it', async () => {
		const { items, error } = await partial({}, { items: inputs.slice(0, 1), continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items.some((item) => 'error' in item.json)).toBe(false);
		expect(items).toHaveLength(3);
	});
});

describe('Every image says its real size, read from its bytes', () => {
	const gpt = imageRunner(credentials, {
		resource: 'image',
		operation: 'generate',
		model: 'gpt-image-2',
		prompt: 'A heron',
		delivery: 'wait',
	});

	it('streamed PNG downloads: the asked shape at the pixels AceData drew, not the asked pixels', async () => {
		const { items } = await gpt({ size: '1536x1024', n: 2 });
		const drawn = simulator.sentImages().map((bytes) => pngSize(bytes));
		expect(drawn).toEqual([
			{ width: 48, height: 32 },
			{ width: 48, height: 32 },
		]);
		expect(items.map(({ json }) => ({ width: json.width, height: json.height }))).toEqual(drawn);
		expect(items[0].json.file).toContain('image/png, 48x32');
	});

	it.each([
		['jpeg', 'b64_json'],
		['webp', 'b64_json'],
		['jpeg', 'url'],
		['webp', 'url'],
	])('%s answers as %s: the sample files are 256x256', async (format, responseFormat) => {
		const { items } = await gpt({
			size: '1024x1024',
			options: { outputFormat: format, responseFormat },
		});
		expect([items[0].binary?.data.mimeType, items[0].json.width, items[0].json.height]).toEqual([
			`image/${format}`,
			256,
			256,
		]);
	});

	it('a JPEG whose frame header comes after 190 KB of metadata, streamed: the size is read from the stream head, and the bytes are whole', async () => {
		const sample = makeImage('jpeg', 'metadata') as Buffer;
		const segment = (fill: number) =>
			Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xf0]), Buffer.alloc(0xfff0 - 2, fill)]);
		const jpeg = Buffer.concat([
			sample.subarray(0, 2),
			segment(1),
			segment(2),
			segment(3),
			sample.subarray(2),
		]);
		expect(jpeg.indexOf(Buffer.from([0xff, 0xc0]))).toBeGreaterThan(190_000);
		simulator.files.set('big-exif', {
			id: 'big-exif',
			format: 'jpeg',
			bytes: jpeg,
			sha256: '',
			url: '',
			prompt: 'A heron',
		});
		simulator.inject({
			path: '/openai/images/generations',
			patchAnswer: (answer) => ({
				...answer,
				data: [{ url: `${simulator.url}/files/big-exif.jpg` }],
			}),
		});
		const { items, error } = await gpt({ size: '1024x1024' });
		expect(error).toBeUndefined();
		expect([items[0].json.width, items[0].json.height]).toEqual([256, 256]);
		expect(binaryBytes(items[0].binary?.data).equals(jpeg)).toBe(true);
	});

	it('Download Images off: no bytes, so no size is invented', async () => {
		const { items } = await gpt({ size: '1536x1024', options: { downloadImages: false } });
		expect(items[0].json).not.toHaveProperty('width');
		expect(items[0].json).toMatchObject({ imagesRequested: 1, imagesReturned: 1 });
	});

	it('Task › Get: the finished task images with their size, the record type, and how many were asked', async () => {
		simulator.config.taskPolls = 1; // finished at the first look-up
		await gpt({ size: '1024x1536', n: 2, delivery: 'submit' });
		const taskId = billed()[0].taskId as string;
		const { items } = await getTask(taskId);
		expect(
			items.map(({ json }) => [
				json.width,
				json.height,
				json.type,
				json.imagesRequested,
				json.imagesReturned,
			]),
		).toEqual([
			[32, 48, 'images', 2, 2],
			[32, 48, 'images', 2, 2],
		]);
	});
});

describe('DALL·E 2, retired by AceData', () => {
	it('keeps working for saved workflows while AceData serves it', async () => {
		const { items, error } = await generate({ model: 'dall-e-2', size: '256x256', n: 2 });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
	});

	it("once AceData refuses it, the user reads AceData's words and nothing is looked up or billed twice", async () => {
		simulator.config.dallE2Retired = true;
		const { items, error } = await generate(
			{ model: 'dall-e-2', size: '256x256' },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toContain('model dall-e-2 is retired');
		expect(simulator.requests.map((entry) => entry.path)).toEqual(['/openai/images/generations']);
		expect(error).toBeUndefined();
	});
});

describe('Edits as AceData takes them now', () => {
	const wide = makePng('wide', 64, 32);
	const tall = makePng('tall', 16, 48);

	it('Size left at its default sends no size, and the edit keeps the input image’s shape (2:1 in, 2:1 out)', async () => {
		const { items } = await edit(
			{},
			{ items: [{ json: {}, binary: { data: inline(wide, 'wide.png') } }] },
		);
		expect(billed()[0].parts?.map((part) => part.name)).not.toContain('size');
		expect([items[0].json.width, items[0].json.height]).toEqual([64, 32]);
	});

	it('a chosen size is still sent', async () => {
		const { items } = await edit(
			{ size: '1024x1024' },
			{ items: [{ json: {}, binary: { data: inline(wide, 'wide.png') } }] },
		);
		expect(billed()[0].parts?.find((part) => part.name === 'size')?.value).toBe('1024x1024');
		expect([items[0].json.width, items[0].json.height]).toEqual([32, 32]);
	});

	it('takes data: URLs (PNG, JPEG, WebP) beside http(s) URLs, sends them verbatim in the JSON, and the output keeps the first one’s shape', async () => {
		const jpeg = makeImage('jpeg', 'x') as Buffer;
		const webp = makeImage('webp', 'y') as Buffer;
		const urls = `${dataUrl(tall)},https://cdn.example.com/cat.png\n${dataUrl(jpeg, 'jpeg')}\n${dataUrl(webp, 'webp')}`;
		const { items, error } = await edit({ imageSource: 'url', imageUrls: urls });
		expect(error).toBeUndefined();
		expect(billed()[0].body?.image).toEqual([
			dataUrl(tall),
			'https://cdn.example.com/cat.png',
			dataUrl(jpeg, 'jpeg'),
			dataUrl(webp, 'webp'),
		]);
		expect([items[0].json.width, items[0].json.height]).toEqual([32, 96]);
	});

	it.each([
		[
			'not http(s) nor data:',
			'ftp://cdn.example.com/cat.png',
			'must hold http(s) URLs without spaces or data:image/png|jpeg|webp;base64 URLs: "ftp://cdn.example.com/cat.png" is neither',
		],
		[
			'a GIF data: URL',
			dataUrl(Buffer.from('GIF89a'), 'gif'),
			'must hold http(s) URLs without spaces or data:image/png|jpeg|webp;base64 URLs: "data:image/gif;base64,R0lGODlh" is neither',
		],
		[
			'broken base64',
			'data:image/png;base64,iVBOR!!',
			'holds a data: URL whose base64 is not valid',
		],
		[
			'text behind an image label',
			dataUrl(Buffer.from('<html>not an image</html>')),
			'holds a data: URL (image 1) that is not a PNG, JPEG or WebP image',
		],
		[
			'a PNG labelled JPEG',
			dataUrl(wide, 'jpeg'),
			'holds a data: URL (image 1) that says image/jpeg but holds a PNG image',
		],
	])('refuses %s before anything is sent', async (_, imageUrls, message) => {
		const { error } = await edit({ imageSource: 'url', imageUrls });
		expect(error?.message).toContain(`Parameter "Image URLs" ${message}`);
		expect(simulator.requests).toHaveLength(0);
	});

	it("checks a data: URL's size against the model's limit from its length, before anything is sent (DALL·E 2: 4 MB, square PNG)", async () => {
		const square = makePng('square', 64, 64);
		const big = Buffer.concat([square, Buffer.alloc(5 * 1024 * 1024)]);
		const tooBig = await edit({ model: 'dall-e-2', imageSource: 'url', imageUrls: dataUrl(big) });
		expect(tooBig.error?.message).toBe(
			'Parameter "Image URLs" holds a data: URL (image 1) of 5.0 MB; dall-e-2 accepts at most 4 MB per image',
		);
		const notSquare = await edit({
			model: 'dall-e-2',
			imageSource: 'url',
			imageUrls: dataUrl(wide),
		});
		expect(notSquare.error?.message).toBe(
			'Parameter "Image URLs" holds a data: URL (image 1) that is not a square PNG, as dall-e-2 needs',
		);
		expect(simulator.requests).toHaveLength(0);
		const fits = await edit({ model: 'dall-e-2', imageSource: 'url', imageUrls: dataUrl(square) });
		expect(fits.error).toBeUndefined();
	});
});

describe('Masks where AceData promises them', () => {
	const photo = makePng('photo', 64, 64);
	const mask = makePng('mask', 64, 64);
	const withMask = [
		{ json: {}, binary: { data: inline(photo, 'photo.png'), mask: inline(mask, 'mask.png') } },
	];

	it('on a model where AceData promises nothing, the edit goes ahead and every image says the mask may have been ignored', async () => {
		const result = await edit(
			{ n: 2, options: { maskBinaryPropertyName: 'mask' } },
			{ items: withMask },
		);
		expect(result.error).toBeUndefined();
		expect(billed()[0]).toMatchObject({ maskHonoured: false });
		const notice =
			'AceData promises masks only on the :official models; gpt-image-1 may have ignored the mask, and the edit is billed either way. For an edit that follows the mask, use an :official model such as gpt-image-2:official.';
		expect(counts(result.items)).toEqual([
			[2, 2, notice],
			[2, 2, notice],
		]);
		expect(hints(result).map((hint) => hint.message)).toEqual([`Item 1: ${notice}`]);
	});

	it.each([['gpt-image-2:official'], ['custom']])(
		'on %s (an :official line) no notice',
		async (model) => {
			const { items } = await edit(
				{
					model,
					customModel: 'gpt-image-2.5-flare:official',
					options: { maskBinaryPropertyName: 'mask' },
				},
				{ items: withMask },
			);
			expect(billed()[0]).toMatchObject({ maskHonoured: true });
			expect(items[0].json).not.toHaveProperty('notice');
		},
	);
});

describe('Task records as they are now', () => {
	it('a task AceData no longer knows says old tasks may have been purged', async () => {
		await generate({ model: 'gpt-image-1', size: '1024x1024' });
		const taskId = billed()[0].taskId as string;
		simulator.config.retentionSeconds = 0.01;
		await delay(50);
		const { error } = await getTask(taskId);
		expect(error?.message).toContain(`AceData knows no task or trace ID "${taskId}"`);
		expect(error?.message).toContain(
			'AceData purges old tasks after its retention period, so an old task may be gone',
		);
	});

	it('a record with a stray status field is read by finished_at alone', async () => {
		await generate({ model: 'gpt-image-1', size: '1024x1024', delivery: 'submit' });
		const taskId = billed()[0].taskId as string;
		simulator.inject({
			path: '/openai/tasks',
			patchRecord: (record) => ({ ...record, status: 'succeeded', finished_at: null }),
		});
		const running = await getTask(taskId);
		expect(running.items[0].json).toMatchObject({
			taskId,
			status: 'running',
			type: 'images_generations',
		});
		simulator.inject({
			path: '/openai/tasks',
			patchRecord: (record) => ({ ...record, status: 'failed' }),
		});
		const done = await getTask(taskId);
		expect(done.error).toBeUndefined();
		expect(done.items[0].binary?.data.mimeType).toBe('image/png');
	});
});

describe(":official billing, both sides of AceData's guides", () => {
	const official = imageRunner(credentials, {
		resource: 'image',
		operation: 'generate',
		model: 'gpt-image-2:official',
		prompt: 'A heron',
		delivery: 'wait',
	});

	it('by tokens: the answer’s usage is on the image', async () => {
		const { items } = await official({ size: '1024x1024' });
		expect(items[0].json.usage).toMatchObject({ total_tokens: expect.any(Number) });
	});

	it('per image: no usage in the answer, and none is invented', async () => {
		simulator.config.officialBilling = 'image';
		const { items } = await official({ size: '1024x1024' });
		expect(items[0].json).not.toHaveProperty('usage');
		expect((items[0].json as IDataObject).imagesReturned).toBe(1);
	});
});
