import { buildFileName, slugify } from '../../nodes/AceDataImages/helpers/fileName';
import { sniffImageType } from '../../nodes/AceDataImages/helpers/mime';
import { retryAfterMs } from '../../nodes/AceDataImages/transport/client';
import { redact } from '../../nodes/AceDataImages/transport/schemas';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const WEBP = Uint8Array.from(
	[...'RIFF']
		.map((c) => c.charCodeAt(0))
		.concat(
			[1, 2, 3, 4],
			[...'WEBPVP8 '].map((c) => c.charCodeAt(0)),
		),
);

describe('image type from the bytes', () => {
	it('recognises PNG, JPEG and WebP by their magic numbers', () => {
		expect(sniffImageType(PNG)).toEqual({ mimeType: 'image/png', extension: 'png' });
		expect(sniffImageType(JPEG)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
		expect(sniffImageType(WEBP)).toEqual({ mimeType: 'image/webp', extension: 'webp' });
	});

	it('knows nothing else: an HTML page, JSON or empty bytes are no image type', () => {
		const text = (value: string) => Uint8Array.from(Buffer.from(value));
		expect(sniffImageType(text('<!DOCTYPE html><html>'))).toBeUndefined();
		expect(sniffImageType(text('{"error":{"code":"x"}}'))).toBeUndefined();
		expect(sniffImageType(new Uint8Array(0))).toBeUndefined();
	});
});

describe('file names', () => {
	it('slugs the prompt', () => {
		expect(slugify('A cute baby sea otter!')).toBe('a-cute-baby-sea-otter');
		expect(slugify('!!!')).toBe('image');
		expect(Buffer.byteLength(slugify('x'.repeat(100)))).toBe(64);
	});

	it('keeps the words of any script, accents included', () => {
		expect(slugify('Crème brûlée, 4K')).toBe('crème-brûlée-4k');
		expect(slugify('一只可爱的海獭，在水里玩耍')).toBe('一只可爱的海獭-在水里玩耍');
		expect(slugify('Маленькая выдра на камне')).toBe('маленькая-выдра-на-камне');
		expect(slugify('ＡＢＣ１２３')).toBe('abc123'); // full-width forms become plain ones
	});

	it('bounds names in bytes without cutting a character in two', () => {
		const slug = slugify('海'.repeat(100));
		expect(Buffer.byteLength(slug)).toBeLessThanOrEqual(64);
		expect(slug).toBe('海'.repeat(21));
		const name = buildFileName('{prompt}'.repeat(10), {
			prompt: '海'.repeat(100),
			model: 'm',
			index: 0,
			itemIndex: 0,
			extension: 'png',
		});
		expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
		expect(name.endsWith('.png')).toBe(true);
	});

	it('drops separators and control characters from templates', () => {
		const parts = { prompt: 'x', model: 'm', index: 0, itemIndex: 0, extension: 'png' };
		expect(buildFileName('a/b\\c\u0000d\u202ee\nf', parts)).toBe('a-b-cdef.png');
		expect(buildFileName(' . ', parts)).toBe('image.png');
	});

	it('defaults to the prompt slug and a 1-based number, with the extension of the bytes', () => {
		const parts = {
			prompt: 'Sea otter',
			model: 'dall-e-3',
			index: 0,
			itemIndex: 0,
			extension: 'png',
		};
		expect(buildFileName(undefined, parts)).toBe('sea-otter-1.png');
		expect(buildFileName('', { ...parts, index: 2, extension: 'webp' })).toBe('sea-otter-3.webp');
	});

	it('fills templates and never doubles or contradicts the extension', () => {
		const parts = {
			prompt: 'Sea otter',
			model: 'gpt-image-2:official',
			index: 1,
			itemIndex: 4,
			taskId: 't-9',
			extension: 'jpg',
		};
		expect(buildFileName('{model}_{item}_{index}_{taskId}', parts)).toBe(
			'gpt-image-2-official_4_1_t-9.jpg',
		);
		expect(buildFileName('cover.png', parts)).toBe('cover.jpg');
		expect(buildFileName('../etc/passwd', parts)).toBe('-etc-passwd.jpg');
	});
});

describe('Retry-After', () => {
	it('reads seconds and HTTP dates', () => {
		expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
		expect(retryAfterMs({ 'retry-after': '0' })).toBe(0);
		expect(retryAfterMs({})).toBeUndefined();
		const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
		expect(retryAfterMs({ 'retry-after': inFiveSeconds })).toBeGreaterThan(3000);
	});
});

describe('redaction', () => {
	it('removes every copy of the token', () => {
		expect(redact('Bearer abcd1234 and abcd1234', 'abcd1234')).toBe(
			'Bearer [redacted] and [redacted]',
		);
		expect(redact('nothing here', '')).toBe('nothing here');
	});
});
