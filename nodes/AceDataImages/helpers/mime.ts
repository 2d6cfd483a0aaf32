export interface ImageType {
	mimeType: string;
	extension: string;
}

const BY_FORMAT: Record<string, ImageType> = {
	png: { mimeType: 'image/png', extension: 'png' },
	jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
	jpg: { mimeType: 'image/jpeg', extension: 'jpg' },
	webp: { mimeType: 'image/webp', extension: 'webp' },
	gif: { mimeType: 'image/gif', extension: 'gif' },
};

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

/** Width and height from a PNG's IHDR chunk, or undefined for anything else. */
export function pngDimensions(bytes: Uint8Array): { width: number; height: number } | undefined {
	if (sniffImageType(bytes)?.extension !== 'png' || bytes.length < 24) return undefined;
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	return { width: view.getUint32(16), height: view.getUint32(20) };
}
