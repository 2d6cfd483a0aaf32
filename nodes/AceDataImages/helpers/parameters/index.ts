/**
 * The boundary for what users type. Every parameter arrives through n8n's expressions and can be anything
 * (`undefined` from `{{ $json.missing }}`, an object, an array, a boolean, NaN): each is read here, once per item,
 * into a typed job, or refused naming the parameter and what it resolved to. Nothing past this folder reads a raw
 * parameter.
 *
 * `coerce.ts` reads and coerces one raw value; `options.ts` the Options every operation shares; `nodeSettings.ts`
 * what the node reads once from the first item; `imageJob.ts` and `taskJob.ts` one item's job; `dataUrl.ts` an
 * Image URL (data: URLs inspected); `timeZone.ts` dates and times.
 */

export { imageUrl } from './dataUrl';
export { readImageCount, readImageJob, type ImageJob } from './imageJob';
export { readConcurrency, readImageCap, readNodeSettings } from './nodeSettings';
export { readTaskJob, readTaskListJob } from './taskJob';
