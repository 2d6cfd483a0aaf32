import { parameterFailure } from '../../failure/failure';
import { HTTP_URL, labelOf } from '../../models/defaults';
import type { EditUrl } from '../../models/validation';
import { MAX_HEAD_BYTES, inspectImage } from '../mime';

/** The base64 data: URLs AceData's JSON edits take besides http(s) URLs (2026). */
const DATA_URL = /^data:image\/(png|jpeg|webp);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A long value cut for a message (a data: URL can hold megabytes). */
const quoteStart = (value: string) => (value.length > 60 ? `${value.slice(0, 60)}…` : value);

/**
 * One entry of Image URLs: an http(s) URL, or a base64 `data:image/png|jpeg|webp` URL, whose size (from the base64's
 * length), type and pixels (from its first bytes) are read here, so it is checked without being decoded whole.
 */
export function imageUrl(parameter: string, value: string): EditUrl {
	if (HTTP_URL.test(value)) return { url: value };
	const match = DATA_URL.exec(value);
	const refuseUrl = (problem: string) =>
		parameterFailure(parameter, `Parameter "${labelOf(parameter)}" ${problem}`);
	if (!match) {
		throw refuseUrl(
			`must hold http(s) URLs without spaces or data:image/png|jpeg|webp;base64 URLs: "${quoteStart(value)}" is neither`,
		);
	}
	const payload = value.slice(match[0].length);
	if (payload.length === 0 || payload.length % 4 === 1 || !BASE64.test(payload)) {
		throw refuseUrl(`holds a data: URL whose base64 is not valid: "${quoteStart(value)}"`);
	}
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	const bytes = Math.floor((payload.length * 3) / 4) - padding;
	const head = Buffer.from(payload.slice(0, 4 * Math.ceil(MAX_HEAD_BYTES / 3)), 'base64');
	const { type, dimensions } = inspectImage(head);
	const format = type?.extension === 'jpg' ? 'jpeg' : type?.extension;
	return { url: value, inline: { declared: match[1].toLowerCase(), bytes, format, ...dimensions } };
}
