'use strict';
// The multipart body of an edit: the same bytes whether the images are in memory or streamed from n8n's store
// (a Readable, as getBinaryStream hands it over), a Content-Length that matches, and a fresh body per attempt.
// JavaScript, not TypeScript: n8n's lint forbids importing Node's `stream` even in tests.
const crypto = require('crypto');
const { Readable } = require('stream');

const {
	multipartBody,
	isMultipartBody,
} = require('../../nodes/AceDataImages/transport/multipart.ts');

const photo = crypto.randomBytes(300000);
const mask = crypto.randomBytes(1000);
const fields = { model: 'gpt-image-1', prompt: 'Add a "red" scarf', n: 2, skipped: undefined };

/** A stored binary: a fresh stream in small chunks each time it is opened, counting the opens. */
function stored(bytes, chunk = 16384) {
	const part = {
		opened: 0,
		open: async () => {
			part.opened++;
			const chunks = [];
			for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
			return Readable.from(chunks);
		},
	};
	return part;
}

async function collect(body) {
	if (Buffer.isBuffer(body)) return body;
	const chunks = [];
	for await (const chunk of body) chunks.push(chunk);
	return Buffer.concat(chunks);
}

const parts = (photoSource, maskSource) => [
	{
		name: 'image',
		fileName: 'photo.png',
		contentType: 'image/png',
		size: photo.length,
		...photoSource,
	},
	{
		name: 'mask',
		fileName: 'mask.png',
		contentType: 'image/png',
		size: mask.length,
		...maskSource,
	},
];

test('in memory: one Buffer, exactly the multipart text, Content-Length = its length', async () => {
	const body = multipartBody(fields, parts({ bytes: photo }, { bytes: mask }), 'BOUNDARY');
	expect(isMultipartBody(body)).toBe(true);
	const bytes = await body.open();
	expect(Buffer.isBuffer(bytes)).toBe(true);
	expect(bytes.length).toBe(body.length);
	const text = bytes.toString('latin1');
	expect(
		text.startsWith(
			'--BOUNDARY\r\nContent-Disposition: form-data; name="model"\r\n\r\ngpt-image-1\r\n',
		),
	).toBe(true);
	expect(text).toContain('name="prompt"\r\n\r\nAdd a "red" scarf\r\n');
	expect(text).not.toContain('skipped');
	expect(text).toContain(
		'Content-Disposition: form-data; name="image"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n',
	);
	expect(text.endsWith('\r\n--BOUNDARY--\r\n')).toBe(true);
	expect(body.contentType).toBe('multipart/form-data; boundary=BOUNDARY');
});

test('streamed from the store: a Readable (not a Buffer) with the same bytes, opened again for every attempt', async () => {
	const inMemory = await multipartBody(
		fields,
		parts({ bytes: photo }, { bytes: mask }),
		'B',
	).open();
	const photoStore = stored(photo);
	const maskStore = stored(mask, 100);
	const body = multipartBody(fields, parts(photoStore, maskStore), 'B');
	expect(body.length).toBe(inMemory.length);
	for (const attempt of [1, 2]) {
		const stream = await body.open();
		expect(Buffer.isBuffer(stream)).toBe(false);
		expect(typeof stream.pipe).toBe('function'); // what n8n's HTTP client sends as a stream
		expect(stream.constructor.name).toBe('Readable');
		expect(photoStore.opened).toBe(attempt); // nothing read before the body is sent
		expect((await collect(stream)).equals(inMemory)).toBe(true);
		expect(maskStore.opened).toBe(attempt);
	}
});

test('a store that yields other than the recorded size ends the body with an error, never a torn request', async () => {
	const body = multipartBody(
		fields,
		[
			{
				name: 'image',
				fileName: 'photo.png',
				contentType: 'image/png',
				size: photo.length + 1,
				...stored(photo),
			},
		],
		'B',
	);
	await expect(collect(await body.open())).rejects.toThrow(
		`The stored image "photo.png" has ${photo.length} bytes, n8n recorded ${photo.length + 1}`,
	);
});
