import type { IDataObject } from 'n8n-workflow';

/** What identifies one input file of an edit: n8n's binary id (kept out of line) or the bytes themselves. */
export type FileIdentity = { name: string; contentType: string; size: number } & (
	| { binaryId: string }
	| { bytes: Buffer }
);

/** What a billed request is made of, for its fingerprint. */
export interface FingerprintSource {
	endpoint: string;
	/** The request's fields as sent (JSON body, or the multipart form's text fields). */
	fields: IDataObject;
	files?: FileIdentity[];
	/** Fields the node made up for this try (its random trace ID, the execution's resume URL): not part of the request's identity. */
	nodeMade: string[];
}

/** JSON with object keys sorted, so that the same request always gives the same text. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, entry]) => entry !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

async function sha256(data: Uint8Array | string): Promise<string> {
	const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
	const digest = await crypto.subtle.digest('SHA-256', bytes);
	return Buffer.from(digest).toString('hex');
}

/**
 * The digest of the exact request a job was paid for: endpoint, fields (without what the node made up for this try)
 * and input files. The same input item asking the same thing again (n8n's Retry On Fail, a retried execution) gives
 * the same fingerprint; any change a user makes (the prompt, a size, another file) gives another.
 */
export async function requestFingerprint(source: FingerprintSource): Promise<string> {
	const fields = Object.fromEntries(
		Object.entries(source.fields).filter(([key]) => !source.nodeMade.includes(key)),
	);
	const files = await Promise.all(
		(source.files ?? []).map(async (file) => ({
			name: file.name,
			contentType: file.contentType,
			size: file.size,
			...('binaryId' in file ? { binaryId: file.binaryId } : { sha256: await sha256(file.bytes) }),
		})),
	);
	return await sha256(canonical({ endpoint: source.endpoint, fields, files }));
}
