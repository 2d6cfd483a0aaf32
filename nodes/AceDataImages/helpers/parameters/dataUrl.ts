import { parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import { HTTP_URL, labelOf } from '../../models/defaults';
import type { EditUrl } from '../../models/validation';
import { MAX_HEAD_BYTES, inspectImage } from '../mime';

/** The base64 data: URLs AceData's JSON edits take besides http(s) URLs (2026). */
const DATA_URL = /^data:image\/(png|jpeg|webp);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * One entry of Image URLs: an http(s) URL, or a base64 `data:image/png|jpeg|webp` URL, whose size (from the base64's
 * length), type and pixels (from its first bytes) are read here, so it is checked without being decoded whole.
 */
export function imageUrl(parameter: string, value: string): EditUrl {
	if (HTTP_URL.test(value)) return { url: value };
	const match = DATA_URL.exec(value);
	const refuseUrl = (problem: string) =>
		parameterFailure(parameter, words.parameterSays(labelOf(parameter), problem));
	if (!match) {
		throw refuseUrl(words.notAnImageUrl(value));
	}
	const payload = value.slice(match[0].length);
	if (payload.length === 0 || payload.length % 4 === 1 || !BASE64.test(payload)) {
		throw refuseUrl(words.badBase64(value));
	}
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	const bytes = Math.floor((payload.length * 3) / 4) - padding;
	const head = Buffer.from(payload.slice(0, 4 * Math.ceil(MAX_HEAD_BYTES / 3)), 'base64');
	const { type, dimensions } = inspectImage(head);
	const format = type?.extension === 'jpg' ? 'jpeg' : type?.extension;
	return { url: value, inline: { declared: match[1].toLowerCase(), bytes, format, ...dimensions } };
}
