import fc from 'fast-check';

import { Failure } from '../../nodes/AceDataImages/failure/failure';
import { MAX_HEAD_BYTES, inspectImage } from '../../nodes/AceDataImages/helpers/mime';

const imageDimensions = (bytes: Buffer) =>
	inspectImage(bytes.subarray(0, MAX_HEAD_BYTES)).dimensions;
import { imageUrl } from '../../nodes/AceDataImages/helpers/parameters';
import { makeImage, makePng } from '../../scripts/simulator/images';

const u16be = (value: number) => [(value >> 8) & 0xff, value & 0xff];
const u16le = (value: number) => [value & 0xff, (value >> 8) & 0xff];
const u24le = (value: number) => [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff];
const u32be = (value: number) => [
	(value >>> 24) & 0xff,
	(value >> 16) & 0xff,
	(value >> 8) & 0xff,
	value & 0xff,
];
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** The headers of each format, written from their specifications (not by the code under test). */
const HEADERS = {
	png: (width: number, height: number) =>
		Buffer.from([
			0x89,
			0x50,
			0x4e,
			0x47,
			0x0d,
			0x0a,
			0x1a,
			0x0a,
			0,
			0,
			0,
			13,
			...ascii('IHDR'),
			...u32be(width),
			...u32be(height),
			8,
			6,
			0,
			0,
			0,
		]),
	gif: (width: number, height: number) =>
		Buffer.from([...ascii('GIF89a'), ...u16le(width), ...u16le(height), 0xf7, 0, 0, 0, 0, 0, 0, 0]),
	webpLossy: (width: number, height: number) =>
		Buffer.from([
			...ascii('RIFF'),
			0,
			0,
			0,
			0,
			...ascii('WEBPVP8 '),
			0,
			0,
			0,
			0,
			0x10,
			0x02,
			0x00,
			0x9d,
			0x01,
			0x2a,
			...u16le(width),
			...u16le(height),
			0,
			0,
		]),
	webpLossless: (width: number, height: number) => {
		const bits = ((width - 1) | ((height - 1) << 14)) >>> 0;
		return Buffer.from([
			...ascii('RIFF'),
			0,
			0,
			0,
			0,
			...ascii('WEBPVP8L'),
			0,
			0,
			0,
			0,
			0x2f,
			bits & 0xff,
			(bits >> 8) & 0xff,
			(bits >> 16) & 0xff,
			(bits >>> 24) & 0xff,
			0,
			0,
			0,
			0,
			0,
		]);
	},
	webpExtended: (width: number, height: number) =>
		Buffer.from([
			...ascii('RIFF'),
			0,
			0,
			0,
			0,
			...ascii('WEBPVP8X'),
			10,
			0,
			0,
			0,
			0x10,
			0,
			0,
			0,
			...u24le(width - 1),
			...u24le(height - 1),
		]),
	/** SOI, metadata segments of the given lengths (each APPn or COM), then a frame header of the given kind. */
	jpeg: (width: number, height: number, segments: number[] = [16], frame = 0xc0) =>
		Buffer.concat([
			Buffer.from([0xff, 0xd8]),
			...segments.map((length, index) =>
				Buffer.concat([
					Buffer.from([0xff, index % 2 ? 0xfe : 0xe0 + (index % 16), ...u16be(length)]),
					Buffer.alloc(length - 2, 0x20),
				]),
			),
			Buffer.from([
				0xff,
				frame,
				0,
				17,
				8,
				...u16be(height),
				...u16be(width),
				3,
				1,
				0x22,
				0,
				2,
				0x11,
				1,
				3,
				0x11,
				1,
			]),
			Buffer.from([0xff, 0xda, 0, 12]),
		]),
};

describe('image size from the first bytes', () => {
	it.each([
		['PNG', HEADERS.png(1254, 1254), { width: 1254, height: 1254 }, 'image/png'],
		['GIF', HEADERS.gif(320, 200), { width: 320, height: 200 }, 'image/gif'],
		['lossy WebP', HEADERS.webpLossy(3840, 2160), { width: 3840, height: 2160 }, 'image/webp'],
		['lossless WebP', HEADERS.webpLossless(1, 16384), { width: 1, height: 16384 }, 'image/webp'],
		[
			'extended WebP',
			HEADERS.webpExtended(16777216, 7),
			{ width: 16777216, height: 7 },
			'image/webp',
		],
		['baseline JPEG', HEADERS.jpeg(1792, 1024), { width: 1792, height: 1024 }, 'image/jpeg'],
		[
			'progressive JPEG after EXIF and a comment',
			HEADERS.jpeg(2048, 1152, [65535, 300, 2], 0xc2),
			{ width: 2048, height: 1152 },
			'image/jpeg',
		],
	])('%s', (_, bytes, dimensions, mimeType) => {
		expect(inspectImage(bytes)).toEqual({
			type: expect.objectContaining({ mimeType }),
			dimensions,
			needsMore: false,
		});
	});

	it('reads the committed samples and the simulator drawings', () => {
		expect(imageDimensions(makeImage('jpeg', 'a') as Buffer)).toEqual({ width: 256, height: 256 });
		expect(imageDimensions(makeImage('webp', 'a') as Buffer)).toEqual({ width: 256, height: 256 });
		expect(imageDimensions(makePng('a', 48, 32))).toEqual({ width: 48, height: 32 });
	});

	it('asks for more bytes while the header is cut, and gives up on what no more bytes can tell', () => {
		const jpeg = HEADERS.jpeg(640, 480, [1000]);
		expect(inspectImage(jpeg.subarray(0, 900))).toMatchObject({
			type: { extension: 'jpg' },
			needsMore: true,
		});
		expect(inspectImage(Buffer.from('<!DOCTYPE html><html><body>'))).toEqual({ needsMore: false });
		// A JPEG whose image data starts before any frame header, a PNG without IHDR, a zero-sized GIF: type, no size.
		expect(
			inspectImage(
				Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xda, 0, 12]), Buffer.alloc(20)]),
			),
		).toEqual({ type: expect.any(Object), dimensions: undefined, needsMore: false });
		const noIhdr = Buffer.from(HEADERS.png(10, 10));
		noIhdr.write('IDAT', 12, 'ascii');
		expect(inspectImage(noIhdr)).toEqual({
			type: expect.any(Object),
			dimensions: undefined,
			needsMore: false,
		});
		expect(inspectImage(HEADERS.gif(0, 10))).toEqual({
			type: expect.any(Object),
			dimensions: undefined,
			needsMore: false,
		});
		// Past the most it reads, a frame header is not looked for.
		const huge = HEADERS.jpeg(640, 480, Array(5).fill(65535));
		expect(inspectImage(huge.subarray(0, MAX_HEAD_BYTES))).toEqual({
			type: expect.any(Object),
			dimensions: undefined,
			needsMore: false,
		});
	});

	const side = fc.integer({ min: 1, max: 16383 });
	const formats = fc.constantFrom(
		'png',
		'gif',
		'webpLossy',
		'webpLossless',
		'webpExtended',
		'jpeg',
	);
	const segments = fc.array(fc.integer({ min: 2, max: 65535 }), { maxLength: 3 });
	const frames = fc.constantFrom(
		0xc0,
		0xc1,
		0xc2,
		0xc3,
		0xc5,
		0xc6,
		0xc7,
		0xc9,
		0xca,
		0xcb,
		0xcd,
		0xce,
		0xcf,
	);

	it('property: every header written from its specification is read back exactly, and every shorter head asks for more', () => {
		fc.assert(
			fc.property(
				formats,
				side,
				side,
				segments,
				frames,
				(format, width, height, jpegSegments, frame) => {
					const limit = format === 'gif' ? 65535 : 16383;
					const w = Math.min(width, limit);
					const h = Math.min(height, limit);
					const bytes =
						format === 'jpeg' ? HEADERS.jpeg(w, h, jpegSegments, frame) : HEADERS[format](w, h);
					expect(inspectImage(bytes).dimensions).toEqual({ width: w, height: h });
					const cut = Math.floor(bytes.length / 2);
					const head = inspectImage(bytes.subarray(0, cut));
					expect(head.dimensions === undefined ? head.needsMore : true).toBe(true);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it('property: any bytes at all are read without a JavaScript error', () => {
		const starts = fc.constantFrom(
			[],
			[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
			[0xff, 0xd8, 0xff],
			ascii('RIFF\0\0\0\0WEBP'),
			ascii('GIF8'),
		);
		fc.assert(
			fc.property(starts, fc.uint8Array({ maxLength: 300 }), (start, rest) => {
				const result = inspectImage(Buffer.concat([Buffer.from(start), Buffer.from(rest)]));
				expect(typeof result.needsMore).toBe('boolean');
				if (result.dimensions)
					expect(result.dimensions.width * result.dimensions.height).toBeGreaterThan(0);
			}),
			{ numRuns: 3000 },
		);
	});
});

describe('data: URLs in Image URLs', () => {
	it('reads size, type and pixels without decoding the whole image', () => {
		const png = Buffer.concat([makePng('x', 40, 30), Buffer.alloc(1000)]);
		const url = `data:image/png;base64,${png.toString('base64')}`;
		expect(imageUrl('imageUrls', url)).toEqual({
			url,
			inline: { declared: 'png', bytes: png.length, format: 'png', width: 40, height: 30 },
		});
		expect(imageUrl('imageUrls', 'https://cdn.example.com/a.png')).toEqual({
			url: 'https://cdn.example.com/a.png',
		});
	});

	it('property: the size read from any base64 length is the decoded size', () => {
		fc.assert(
			fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), (bytes) => {
				const buffer = Buffer.from(bytes);
				const entry = imageUrl('imageUrls', `data:image/webp;base64,${buffer.toString('base64')}`);
				expect(entry.inline?.bytes).toBe(buffer.length);
			}),
			{ numRuns: 2000 },
		);
	});

	it('property: any text is an entry or a refusal naming Image URLs, never a JavaScript error', () => {
		const texts = fc.oneof(
			fc.string(),
			fc.string().map((text) => `data:image/png;base64,${text}`),
			fc.string().map((text) => `https://${text}`),
		);
		fc.assert(
			fc.property(texts, (text) => {
				try {
					imageUrl('imageUrls', text);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					expect((error as Failure).message).toMatch(/^Parameter "Image URLs" /);
				}
			}),
			{ numRuns: 3000 },
		);
	});
});
