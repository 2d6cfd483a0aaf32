'use strict';
// A small multipart/form-data parser: enough to log what an edit request carried, part by part.

function parseMultipart(body, contentType) {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
	if (!match) return [];
	const boundary = Buffer.from(`--${match[1] ?? match[2]}`);
	const parts = [];
	let start = body.indexOf(boundary);
	while (start >= 0) {
		const next = body.indexOf(boundary, start + boundary.length);
		if (next < 0) break;
		const section = body.subarray(start + boundary.length + 2, next - 2); // skip CRLF after boundary, before next
		const headerEnd = section.indexOf('\r\n\r\n');
		if (headerEnd >= 0) {
			const headers = {};
			for (const line of section.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
				const colon = line.indexOf(':');
				if (colon > 0)
					headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
			}
			const disposition = headers['content-disposition'] ?? '';
			const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
			const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
			const data = section.subarray(headerEnd + 4);
			parts.push({
				name,
				filename,
				contentType: headers['content-type'],
				size: data.length,
				value: filename === undefined ? data.toString('utf8') : undefined,
				data,
			});
		}
		start = next;
	}
	return parts;
}

module.exports = { parseMultipart };
