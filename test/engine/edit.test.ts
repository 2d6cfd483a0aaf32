import { createHash } from 'crypto';

import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { makeImage, makePng } from '../../scripts/simulator/images';
import { binaryBytes, imageRunner, runNode } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();

const billed = () => simulator.billed();
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const sentImages = () => simulator.sentImages();

/** An input binary as an upstream node would leave it: often with a useless generic MIME type. */
function binary(
	bytes: Buffer,
	fileName?: string,
	mimeType = 'application/octet-stream',
): IBinaryData {
	return { data: bytes.toString('base64'), mimeType, ...(fileName ? { fileName } : {}) };
}

const photo = makePng('photo', 64, 64);
const mask = makePng('mask', 64, 64);
const wide = makePng('wide', 64, 32);

const runEdit = imageRunner(credentials, {
	resource: 'image',
	operation: 'edit',
	model: 'gpt-image-1',
	prompt: 'Add a red scarf',
	n: 1,
	delivery: 'wait',
});
const edit = (
	parameters: INodeParameters,
	items: INodeExecutionData[] = [{ json: {}, binary: { data: binary(photo, 'photo.png') } }],
) => runEdit(parameters, { items });

describe('Edit from binary fields (multipart)', () => {
	it('sends the exact input bytes with their file name and a content type from the bytes, plus the mask', async () => {
		const { items, error } = await edit(
			{
				size: '1024x1024',
				options: { maskBinaryPropertyName: 'mask', inputFidelity: 'high', outputFormat: 'webp' },
			},
			[{ json: {}, binary: { data: binary(photo, 'photo.png'), mask: binary(mask, 'mask.png') } }],
		);
		expect(error).toBeUndefined();
		const [request] = billed();
		expect(request.path).toBe('/openai/images/edits');
		expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(request.parts).toEqual([
			{ name: 'model', size: 11, value: 'gpt-image-1' },
			{ name: 'prompt', size: 15, value: 'Add a red scarf' },
			{ name: 'n', size: 1, value: '1' },
			{ name: 'size', size: 9, value: '1024x1024' },
			{ name: 'output_format', size: 4, value: 'webp' },
			{ name: 'input_fidelity', size: 4, value: 'high' },
			{ name: 'trace_id', size: 36, value: expect.any(String) },
			{
				name: 'image',
				filename: 'photo.png',
				contentType: 'image/png',
				size: photo.length,
				sha256: sha(photo),
			},
			{
				name: 'mask',
				filename: 'mask.png',
				contentType: 'image/png',
				size: mask.length,
				sha256: sha(mask),
			},
		]);
		expect(items).toHaveLength(1);
		expect(items[0].binary?.data.mimeType).toBe('image/webp');
		expect(items[0].binary?.data.fileName).toBe('add-a-red-scarf-1.webp');
		expect(binaryBytes(items[0].binary?.data)).toEqual(sentImages()[0]);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends several images as image[] parts in the listed order, each with its own type, and AceData uses them all', async () => {
		const jpeg = makeImage('jpeg', 'a') as Buffer;
		const webp = makeImage('webp', 'b') as Buffer;
		await edit({ binaryPropertyNames: 'product, logo' }, [
			{ json: {}, binary: { product: binary(jpeg, 'product.jpg'), logo: binary(webp) } },
		]);
		const files = billed()[0].parts?.filter((part) => part.filename !== undefined);
		expect(files).toEqual([
			{
				name: 'image[]',
				filename: 'product.jpg',
				contentType: 'image/jpeg',
				size: jpeg.length,
				sha256: sha(jpeg),
			},
			{
				name: 'image[]',
				filename: 'logo.webp',
				contentType: 'image/webp',
				size: webp.length,
				sha256: sha(webp),
			},
		]);
		// The simulator keeps the last of repeated `image` parts, as a form parser would: image[] keeps both.
		expect(billed()[0].body?.image).toEqual(['product.jpg', 'logo.webp']);
	});

	it('sends one image as a plain image part', async () => {
		await edit({});
		expect(
			billed()[0]
				.parts?.filter((part) => part.filename !== undefined)
				.map((part) => part.name),
		).toEqual(['image']);
	});

	it('refuses an image over the limit from the size n8n recorded, before reading its bytes', async () => {
		// n8n records `bytes` with a stored binary: 60 MB here, while the bytes at hand are a small PNG.
		const recorded = { ...binary(photo, 'huge.png'), bytes: 60 * 1024 * 1024 };
		const { error } = await edit({}, [{ json: {}, binary: { data: recorded } }]);
		expect(error?.message).toContain(
			'"data" is 60.0 MB; gpt-image-1 accepts at most 50 MB per image',
		);
		expect(simulator.requests).toHaveLength(0);
	});

	it('names a missing binary field and sends nothing', async () => {
		const { error } = await edit({ binaryPropertyNames: 'data, logo' });
		expect(error?.message).toContain('logo');
		expect(simulator.requests).toHaveLength(0);
	});

	it.each<[string, INodeParameters, INodeExecutionData[] | undefined, string]>([
		[
			'dall-e-2 with a non-square PNG',
			{ model: 'dall-e-2', size: '512x512' },
			[{ json: {}, binary: { data: binary(wide) } }],
			'must be a square PNG for dall-e-2',
		],
		[
			'dall-e-2 with two images',
			{ model: 'dall-e-2', size: '512x512', binaryPropertyNames: 'a,b' },
			[{ json: {}, binary: { a: binary(photo), b: binary(photo) } }],
			'dall-e-2 edits at most 1',
		],
		[
			'dall-e-2 with a JPEG',
			{ model: 'dall-e-2', size: '512x512' },
			[{ json: {}, binary: { data: binary(makeImage('jpeg', 'x') as Buffer) } }],
			'must be a square PNG',
		],
		[
			'a mask that is not a PNG',
			{ options: { maskBinaryPropertyName: 'mask' } },
			[
				{
					json: {},
					binary: { data: binary(photo), mask: binary(makeImage('jpeg', 'y') as Buffer) },
				},
			],
			'Parameter "Mask Binary Field" "mask" must be a PNG',
		],
		[
			'a mask of another size',
			{ options: { maskBinaryPropertyName: 'mask' } },
			[{ json: {}, binary: { data: binary(photo), mask: binary(wide) } }],
			'it must be the size of the first image (64x64)',
		],
		[
			'a file that is no image',
			{},
			[{ json: {}, binary: { data: binary(Buffer.from('%PDF-1.7 not an image')) } }],
			'is not a PNG, JPEG, WebP or GIF image',
		],
		[
			'an image over the dall-e-2 limit',
			{ model: 'dall-e-2', size: '512x512' },
			[
				{
					json: {},
					binary: {
						data: binary(Buffer.concat([makePng('big', 8, 8), Buffer.alloc(5 * 1024 * 1024)])),
					},
				},
			],
			'accepts at most 4 MB per image',
		],
		[
			'seventeen images',
			{ binaryPropertyNames: Array.from({ length: 17 }, (_, i) => `i${i}`).join(',') },
			[
				{
					json: {},
					binary: Object.fromEntries(
						Array.from({ length: 17 }, (_, i) => [`i${i}`, binary(photo)]),
					),
				},
			],
			'edits at most 16',
		],
	])('refuses %s before any request', async (_, parameters, items, message) => {
		const { error } = await edit(parameters, items);
		expect(error?.message).toContain(message);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('Edit from URLs (JSON)', () => {
	it("sends one URL as a string, and no size by default (AceData keeps the input image's shape)", async () => {
		const { items, error } = await edit({
			imageSource: 'url',
			imageUrls: 'https://cdn.example.com/cat.png',
		});
		expect(error).toBeUndefined();
		expect(billed()[0].headers['content-type']).toMatch(/^application\/json/);
		expect(billed()[0].body).toEqual({
			model: 'gpt-image-1',
			prompt: 'Add a red scarf',
			n: 1,
			image: 'https://cdn.example.com/cat.png',
			trace_id: expect.any(String),
		});
		expect(binaryBytes(items[0].binary?.data)).toEqual(sentImages()[0]);
	});

	it('sends several URLs, comma- or newline-separated, as a list', async () => {
		await edit({
			imageSource: 'url',
			imageUrls: 'https://a.example/1.png,\nhttps://b.example/2.jpg\n',
		});
		expect(billed()[0].body?.image).toEqual(['https://a.example/1.png', 'https://b.example/2.jpg']);
	});

	it('refuses a URL that is not http(s)', async () => {
		const { error } = await edit({ imageSource: 'url', imageUrls: 'file:///etc/passwd' });
		expect(error?.message).toContain('Parameter "Image URLs" must hold http(s) URLs');
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('Edit shares Generate’s models, delivery and errors', () => {
	it('does not offer dall-e-3 and refuses it in a saved workflow', async () => {
		const { error } = await edit({ model: 'dall-e-3', size: '1024x1024' });
		expect(error?.message).toContain('dall-e-3 cannot edit images');
		expect(simulator.requests).toHaveLength(0);
	});

	it('polls an asynchronous edit and emits the images', async () => {
		const { items, error } = await edit({
			delivery: 'poll',
			n: 2,
			options: { pollInterval: 0.05 },
		});
		expect(error).toBeUndefined();
		expect(billed()).toHaveLength(1);
		expect(billed()[0].parts?.find((part) => part.name === 'async')?.value).toBe('true');
		expect(items.map((item) => binaryBytes(item.binary?.data))).toEqual(sentImages());
		expect(items[0].json.taskId).toBe(billed()[0].taskId);
	});

	it('submits an edit and returns the task id', async () => {
		const { items } = await edit({ delivery: 'submit' });
		expect(items[0].json).toMatchObject({ status: 'submitted', taskId: billed()[0].taskId });
	});

	it('maps API errors the same way and continues on fail per item', async () => {
		simulator.inject({ path: '/openai/images/edits', code: 'forbidden', times: 1 });
		const { items } = await runNode({
			parameters: {
				resource: 'image',
				operation: 'edit',
				model: 'gpt-image-1',
				prompt: 'x',
				n: 1,
				options: {},
			},
			items: [
				{ json: {}, binary: { data: binary(photo) } },
				{ json: {}, binary: { data: binary(photo) } },
			],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(
			items.map((item) => [item.pairedItem, item.json.code ?? item.binary?.data.mimeType]),
		).toEqual([
			[{ item: 0 }, 'forbidden'],
			[{ item: 1 }, 'image/png'],
		]);
	});
});
