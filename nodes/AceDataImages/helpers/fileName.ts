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

/** A short, file-system-safe slug of the prompt: `A cute baby sea otter!` → `a-cute-baby-sea-otter`. */
export function slugify(text: string, maxLength = 48): string {
	const slug = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	const cut = slug.slice(0, maxLength).replace(/-+$/g, '');
	return cut || 'image';
}

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
	const printable = [...filled].filter((char) => char.charCodeAt(0) >= 0x20).join('');
	const safe = printable.replace(/[/\\?%*:|"<>]+/g, '-').trim() || 'image';
	const base = safe.replace(/\.(png|jpe?g|webp|gif)$/i, '');
	return `${base}.${parts.extension}`;
}
