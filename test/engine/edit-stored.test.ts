// Edit from images kept in n8n's binary store (a served n8n keeps binaries on disk, in S3 or in the database): they
// are streamed into the request, never read whole, resent anew after a 429, and refused by their recorded size.
import { createHash } from 'crypto';

import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { makePng, padPng } from '../../scripts/simulator/images';
import { imageRunner, useFilesystemBinaryStore, waitFor } from '../harness/engine';
import { useSimulator } from '../harness/simulator';

const { simulator, credentials } = useSimulator();
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const MB = 1024 * 1024;

let store: Awaited<ReturnType<typeof useFilesystemBinaryStore>>;
beforeAll(async () => {
	store = await useFilesystemBinaryStore();
});
beforeEach(() => {
	store.reads.whole = 0;
	store.reads.streamed = 0;
});

const runEdit = imageRunner(credentials, {
	resource: 'image',
	operation: 'edit',
	model: 'gpt-image-1',
	prompt: 'Add a red scarf',
	n: 1,
	delivery: 'wait',
	binaryPropertyNames: 'photo, logo',
	options: { maskBinaryPropertyName: 'mask' },
});

const photo = padPng(makePng('stored photo', 64, 64), 3 * MB);
const logo = padPng(makePng('stored logo', 64, 64), 2 * MB);
const mask = makePng('stored mask', 64, 64);

async function storedItem(): Promise<INodeExecutionData> {
	return {
		json: {},
		binary: {
			photo: await store.store(photo, 'photo.png'),
			logo: await store.store(logo, 'logo.png'),
			mask: await store.store(mask, 'mask.png', 'image/png'),
		},
	};
}

const edits = () => simulator.requests.filter((entry) => entry.path === '/openai/images/edits');
const filesOf = (index: number) =>
	edits()[index].parts?.filter((part) => part.filename !== undefined);

const expectedFiles = [
	{
		name: 'image[]',
		filename: 'photo.png',
		contentType: 'image/png',
		size: photo.length,
		sha256: sha(photo),
	},
	{
		name: 'image[]',
		filename: 'logo.png',
		contentType: 'image/png',
		size: logo.length,
		sha256: sha(logo),
	},
	{
		name: 'mask',
		filename: 'mask.png',
		contentType: 'image/png',
		size: mask.length,
		sha256: sha(mask),
	},
];

describe("Edit from images in n8n's binary store", () => {
	it('streams every stored image into the request (none read whole): exact bytes, names, types, a known length', async () => {
		const item = await storedItem();
		expect(item.binary?.photo.id).toMatch(/^filesystem/);
		const { items, error } = await runEdit({}, { items: [item] });
		expect(error).toBeUndefined();
		expect(store.reads.whole).toBe(0);
		expect(store.reads.streamed).toBeGreaterThanOrEqual(3);
		expect(filesOf(0)).toEqual(expectedFiles);
		const [request] = simulator.billed();
		expect(Number(request.headers['content-length'])).toBeGreaterThan(
			photo.length + logo.length + mask.length,
		);
		expect(request.headers['transfer-encoding']).toBeUndefined();
		expect(items).toHaveLength(1);
		// The answer's image went into the same store.
		expect(sha(await store.read(items[0].binary?.data as IBinaryData))).toBe(
			simulator.billed()[0].images?.[0].sha256,
		);
	});

	it('a request refused with 429 is sent again with the images streamed anew, the same bytes', async () => {
		simulator.inject({
			path: '/openai/images/edits',
			code: 'too_many_requests',
			times: 1,
			retryAfter: 0.05,
		});
		const { error } = await runEdit({}, { items: [await storedItem()] });
		expect(error).toBeUndefined();
		const [refused, sent] = edits();
		expect(refused.status).toBe(429);
		// The whole body arrived both times (a spent stream would send the headers and nothing after them).
		expect(refused.bytes).toBe(Number(sent.headers['content-length']));
		expect(sent.bytes).toBe(refused.bytes);
		expect(filesOf(1)).toEqual(expectedFiles);
		expect(store.reads.whole).toBe(0);
	});

	it('a stored image gone before a resend: the item fails as not billed, naming the store, and nothing is sent again', async () => {
		const item = await storedItem();
		simulator.inject({
			path: '/openai/images/edits',
			code: 'too_many_requests',
			times: 1,
			retryAfter: 1,
		});
		const run = runEdit({}, { items: [item], continueOnFail: true });
		await waitFor(() => edits().length === 1);
		store.remove(item.binary?.photo as IBinaryData);
		const { items } = await run;
		expect(edits()).toHaveLength(1);
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toMatch(/Could not read an input image from n8n's binary store/);
		expect(items[0].json.billing).toBe('none');
	});

	it("a stored image over the model's limit is refused from its recorded size: nothing read, nothing sent", async () => {
		const big = await store.store(
			padPng(makePng('too big', 64, 64), 4 * MB + 1),
			'big.png',
			'image/png',
		);
		store.reads.streamed = 0;
		const { error } = await runEdit(
			{ model: 'dall-e-2', binaryPropertyNames: 'data', size: '1024x1024', options: {} },
			{ items: [{ json: {}, binary: { data: big } }] },
		);
		expect(error?.message).toMatch(/4 MB|too large|larger/i);
		expect(store.reads).toEqual({ whole: 0, streamed: 0 });
		expect(simulator.requests).toHaveLength(0);
	});
});
