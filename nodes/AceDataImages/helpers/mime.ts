export interface ImageType {
	mimeType: string;
	extension: string;
}

/** An image's size in pixels. */
export interface Dimensions {
	width: number;
	height: number;
}

const BY_FORMAT: Record<string, ImageType> = {
	png: { mimeType: 'image/png', extension: 'png' },
	jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
	jpg: { mimeType: 'image/jpeg', extension: 'jpg' },
	webp: { mimeType: 'image/webp', extension: 'webp' },
	gif: { mimeType: 'image/gif', extension: 'gif' },
};

/** Bytes that tell the type; the size may need more (a JPEG's frame header can follow metadata). */
const TYPE_HEAD_BYTES = 16;
/** The most of a file read to find its size: past this (a JPEG with huge metadata) the size is left unknown. */
export const MAX_HEAD_BYTES = 256 * 1024;

/** The image type the bytes themselves declare (magic numbers), or undefined. */
export function sniffImageType(head: Uint8Array): ImageType | undefined {
	const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
	const ascii = (offset: number, text: string) =>
		[...text].every((char, i) => head[offset + i] === char.charCodeAt(0));
	if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return BY_FORMAT.png;
	if (starts(0xff, 0xd8, 0xff)) return BY_FORMAT.jpeg;
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return BY_FORMAT.webp;
	if (ascii(0, 'GIF8')) return BY_FORMAT.gif;
	return undefined;
}

/** `more`: the bytes end before the size; undefined: these bytes will never tell it. */
type SizeRead = Dimensions | 'more' | undefined;

const checked = (width: number, height: number): Dimensions | undefined =>
	width > 0 && height > 0 ? { width, height } : undefined;

function pngSize(b: Uint8Array): SizeRead {
	if (b.length < 24) return 'more';
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	// IHDR is the first chunk; its width and height are big-endian.
	if (String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return undefined;
	return checked(view.getUint32(16), view.getUint32(20));
}

function gifSize(b: Uint8Array): SizeRead {
	if (b.length < 10) return 'more';
	return checked(b[6] | (b[7] << 8), b[8] | (b[9] << 8));
}

function webpSize(b: Uint8Array): SizeRead {
	if (b.length < 30) return 'more';
	const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
	if (chunk === 'VP8 ') {
		// Lossy: a frame tag (3 bytes), the start code 9d 01 2a, then 14-bit width and height.
		if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
		return checked((b[26] | (b[27] << 8)) & 0x3fff, (b[28] | (b[29] << 8)) & 0x3fff);
	}
	if (chunk === 'VP8L') {
		// Lossless: the signature 0x2f, then width-1 and height-1 in 14 bits each.
		if (b[20] !== 0x2f) return undefined;
		const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
		return checked((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
	}
	if (chunk === 'VP8X') {
		// Extended: the canvas's width-1 and height-1, 24 bits each.
		return checked(
			1 + (b[24] | (b[25] << 8) | (b[26] << 16)),
			1 + (b[27] | (b[28] << 8) | (b[29] << 16)),
		);
	}
	return undefined;
}

/** Start-of-frame markers (every JPEG coding but the DHT, JPG and DAC markers between them). */
const JPEG_FRAMES = new Set([
	0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

function jpegSize(b: Uint8Array): SizeRead {
	let offset = 2;
	while (offset + 4 <= b.length) {
		if (b[offset] !== 0xff) return undefined;
		const marker = b[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			offset += 2; // markers without a length
			continue;
		}
		// The image data (or its end) before any frame header: no size to find.
		if (marker === 0xd9 || marker === 0xda) return undefined;
		const length = (b[offset + 2] << 8) | b[offset + 3];
		if (length < 2) return undefined;
		if (JPEG_FRAMES.has(marker)) {
			if (offset + 9 > b.length) return 'more';
			return checked((b[offset + 7] << 8) | b[offset + 8], (b[offset + 5] << 8) | b[offset + 6]);
		}
		offset += 2 + length;
	}
	return 'more';
}

const SIZE_READERS: Record<string, (bytes: Uint8Array) => SizeRead> = {
	png: pngSize,
	jpg: jpegSize,
	webp: webpSize,
	gif: gifSize,
};

/**
 * What the first bytes of a file say: its type, its size in pixels (PNG, JPEG, WebP, GIF headers), and whether more
 * bytes could still tell the size (`needsMore`), so a stream is read only as far as its header.
 */
export function inspectImage(head: Uint8Array): {
	type?: ImageType;
	dimensions?: Dimensions;
	needsMore: boolean;
} {
	if (head.length < TYPE_HEAD_BYTES) {
		const type = sniffImageType(head);
		return { type, needsMore: true };
	}
	const type = sniffImageType(head);
	if (!type) return { needsMore: false };
	const read = SIZE_READERS[type.extension](head);
	if (read === 'more') return { type, needsMore: head.length < MAX_HEAD_BYTES };
	return { type, dimensions: read, needsMore: false };
}

/** The last bytes of a file the end check reads. */
export const TAIL_BYTES = 16;

const PNG_END = [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Whether a file of this type is whole: it ends as its format ends (PNG's IEND chunk, JPEG's end-of-image marker,
 * GIF's trailer) or is as long as its header says (WebP's RIFF size). A download cut short with a clean end and no
 * declared length is caught here. `head`: the file's first bytes; `tail`: its last (up to TAIL_BYTES); `total`: its length.
 */
export function endsComplete(
	type: ImageType,
	head: Uint8Array,
	tail: Uint8Array,
	total: number,
): boolean {
	switch (type.extension) {
		case 'png':
			return (
				tail.length >= PNG_END.length &&
				PNG_END.every((byte, index) => tail[tail.length - PNG_END.length + index] === byte)
			);
		case 'jpg':
			// The end-of-image marker, perhaps followed by padding some encoders add.
			for (let index = tail.length - 2; index >= 0; index--)
				if (tail[index] === 0xff && tail[index + 1] === 0xd9) return true;
			return false;
		case 'gif':
			return tail[tail.length - 1] === 0x3b;
		case 'webp': {
			if (head.length < 8) return false;
			const riff = head[4] | (head[5] << 8) | (head[6] << 16) | (head[7] << 24);
			return total >= (riff >>> 0) + 8;
		}
		default:
			return true;
	}
}
