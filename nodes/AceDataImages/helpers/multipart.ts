import type { IDataObject } from 'n8n-workflow';

export interface FilePart {
	name: string;
	fileName: string;
	contentType: string;
	bytes: Buffer;
}

/**
 * A multipart/form-data body built in memory (community nodes may not depend on a form-data library).
 * Fields are sent as text; every file part carries its own file name and content type.
 */
export function buildMultipart(fields: IDataObject, files: FilePart[], boundary: string): { body: Buffer; contentType: string } {
	const chunks: Buffer[] = [];
	const quote = (text: string) => text.replace(/["\r\n]/g, '_');
	for (const [name, value] of Object.entries(fields)) {
		if (value === undefined || value === null) continue;
		chunks.push(
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${String(value)}\r\n`),
		);
	}
	for (const file of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.name)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
			),
			file.bytes,
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
