export interface FileNameParts {
	prompt: string;
	model: string;
	/** 0-based index of the image within its input item. */
	index: number;
	itemIndex: number;
	taskId?: string;
	extension: string;
}

export const DEFAULT_FILE_NAME_TEMPLATE = '{prompt}-{number}';

/** The longest prefix of `text` within `maxBytes` of UTF-8, never cutting a character in two. */
function truncateBytes(text: string, maxBytes: number): string {
	let bytes = 0;
	let out = '';
	for (const char of text) {
		bytes += Buffer.byteLength(char, 'utf8');
		if (bytes > maxBytes) break;
		out += char;
	}
	return out;
}

/**
 * A short, file-system-safe slug of the prompt that keeps its words in any script: `A cute baby sea otter!` →
 * `a-cute-baby-sea-otter`, `一只可爱的海獭` stays `一只可爱的海獭`, `Crème brûlée` → `crème-brûlée`. Letters, marks and
 * digits of every script stay; everything else (separators, punctuation, control characters) becomes `-`.
 * Bounded in bytes, as file systems count (255 bytes a name on most).
 */
export function slugify(text: string, maxBytes = 64): string {
	const slug = text
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
		.replace(/^-+|-+$/g, '');
	const cut = truncateBytes(slug, maxBytes).replace(/-+$/g, '');
	return cut || 'image';
}

/** A file name's base is kept under this many bytes, leaving room for the extension. */
const MAX_BASE_BYTES = 200;

/**
 * Fills a file name template ({prompt}, {number}, {index}, {item}, {model}, {taskId}) and makes the extension
 * match the bytes: a template's own image extension is replaced, never doubled.
 */
export function buildFileName(template: string | undefined, parts: FileNameParts): string {
	const values: Record<string, string> = {
		prompt: slugify(parts.prompt),
		number: String(parts.index + 1),
		index: String(parts.index),
		item: String(parts.itemIndex),
		model: parts.model.replace(/[^A-Za-z0-9._-]+/g, '-'),
		taskId: parts.taskId ?? '',
	};
	const filled = (template?.trim() || DEFAULT_FILE_NAME_TEMPLATE).replace(
		/\{(\w+)\}/g,
		(whole, key: string) => values[key] ?? whole,
	);
	const printable = filled.normalize('NFC').replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '');
	const safe = printable.replace(/[/\\?%*:|"<>]+/g, '-').replace(/^[.\s]+|[.\s]+$/g, '') || 'image';
	const base =
		truncateBytes(safe.replace(/\.(png|jpe?g|webp|gif)$/i, ''), MAX_BASE_BYTES).replace(
			/[.\s]+$/,
			'',
		) || 'image';
	return `${base}.${parts.extension}`;
}
