'use strict';
// One HTTP call to an AceData-shaped API (the real one or the simulator) with a Bearer token, and multipart bodies
// for edits: shared by the contract test (against the simulator) and `npm run test:live` (against AceData).

/** `{ status, json, text }`; `json` is undefined when the body is not JSON. Redirects are not followed. */
async function apiCall({ baseUrl, token, method, path, body, multipart, timeoutMs }) {
	const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
	let payload;
	if (multipart) {
		headers['content-type'] = multipart.contentType;
		payload = multipart.body;
	} else if (body !== undefined) {
		headers['content-type'] = 'application/json';
		payload = JSON.stringify(body);
	}
	const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
	const response = await fetch(`${baseUrl}${path}`, {
		method,
		headers,
		body: payload,
		redirect: 'manual',
		signal,
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text };
}

/** A multipart/form-data body: text `fields`, and `files` as [part name, file name] pairs each holding `fileBytes`. */
function multipartBody(fields, files, fileBytes, boundary = 'acedata-boundary') {
	const chunks = [];
	for (const [name, value] of Object.entries(fields)) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
			),
		);
	}
	for (const [name, filename] of files) {
		chunks.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
			),
		);
		chunks.push(fileBytes, Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

module.exports = { apiCall, multipartBody };
