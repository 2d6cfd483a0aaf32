/**
 * Property tests over what AceData (or a proxy in front of it) may send: generated answers, acknowledgements, task
 * records, batches and callback bodies with wrong types, missing fields, huge strings and the token planted in any
 * string or key. The transport's parsers never throw, every result is typed, and the token is in none of it.
 * Seeded; 10,000 runs per property.
 */
import fc from 'fast-check';

import {
	parseCallbackBody,
	parseErrorBody,
	parseSubmitAnswer,
	parseTaskBatch,
	parseTaskRecord,
	scrubDeep,
} from '../../nodes/AceDataImages/transport/schemas';

const RUNS = 10_000;
const SEED = 20261201;
/** Stands for the API token: it must never come out of a parser. */
const PLANTED = 'planted-credential-0123456789';
const HUGE = 'x'.repeat(200_000);

/** Any JSON value, with the token planted now and then in strings and keys. */
const withToken = fc.oneof(
	fc.string(),
	fc.constant(PLANTED),
	fc.string().map((text) => `${text}${PLANTED}${text}`),
	// Huge strings, made once (generating them per run would be most of the test's time).
	fc.constantFrom(HUGE, `${HUGE}${PLANTED}`),
);
const scalar = fc.oneof(withToken, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
const json = fc.letrec((tie) => ({
	value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
	array: fc.array(tie('value'), { maxLength: 4 }),
	object: fc.dictionary(fc.oneof(fc.string(), fc.constant(PLANTED)), tie('value'), { maxKeys: 5 }),
})).value;

/** Shapes close to AceData's, each field drawn from any JSON: where the interesting mistakes are. */
const datum = fc.record({ url: scalar, b64_json: scalar, revised_prompt: scalar }, { requiredKeys: [] });
const answer = fc.record(
	{
		success: fc.oneof(fc.boolean(), json),
		task_id: scalar,
		trace_id: scalar,
		created: scalar,
		model: scalar,
		data: fc.oneof(fc.array(fc.oneof(datum, json), { maxLength: 3 }), json),
		usage: json,
		error: fc.oneof(fc.record({ code: scalar, message: scalar }, { requiredKeys: [] }), json),
	},
	{ requiredKeys: [] },
);
const record = fc.record(
	{
		id: scalar,
		trace_id: scalar,
		type: scalar,
		request: fc.oneof(fc.record({ model: scalar, prompt: scalar, output_format: scalar }, { requiredKeys: [] }), json),
		created_at: scalar,
		finished_at: scalar,
		response: fc.oneof(answer, json),
	},
	{ requiredKeys: [] },
);
const anything = fc.oneof(json, answer, record, fc.record({ items: fc.oneof(fc.array(fc.oneof(record, json), { maxLength: 5 }), json), count: scalar }));

const leaks = (value: unknown) => JSON.stringify(value ?? null).includes(PLANTED);

describe('What AceData sends: parsed, never thrown, never the token', () => {
	it('scrubbed answers parse into typed values (or a problem), for any JSON', () => {
		fc.assert(
			fc.property(anything, (raw) => {
				const scrubbed = scrubDeep(raw, PLANTED);
				expect(leaks(scrubbed)).toBe(false);
				const submit = parseSubmitAnswer(scrubbed);
				if (submit.ok && submit.value.kind === 'images') {
					for (const image of submit.value.answer.images) {
						expect(image.url === undefined || typeof image.url === 'string').toBe(true);
						expect(image.url !== undefined || image.b64Json !== undefined).toBe(true);
					}
				}
				if (submit.ok && submit.value.kind === 'accepted') expect(typeof submit.value.taskId).toBe('string');
				if (!submit.ok) expect(typeof submit.problem).toBe('string');
				const parsed = parseTaskRecord(scrubbed);
				if (parsed.kind === 'record') {
					expect(typeof parsed.record.id).toBe('string');
					expect(parsed.record.id.length).toBeGreaterThan(0);
				}
				const batch = parseTaskBatch(scrubbed);
				expect(Array.isArray(batch.records)).toBe(true);
				const error = parseErrorBody(scrubbed);
				expect(error.code === undefined || typeof error.code === 'string').toBe(true);
				expect(parseCallbackBody(scrubbed).taskId === undefined || typeof parseCallbackBody(scrubbed).taskId === 'string').toBe(true);
				expect(leaks([submit, parsed, batch, error])).toBe(false);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it('a finished record is images or a failure, and a record without a string id is never a record', () => {
		fc.assert(
			fc.property(record, (raw) => {
				const parsed = parseTaskRecord(raw);
				const id = (raw as { id?: unknown }).id;
				if (typeof id !== 'string' && typeof id !== 'number') expect(parsed.kind).not.toBe('record');
				if (parsed.kind === 'record' && parsed.record.result?.kind === 'failed') expect(typeof parsed.record.result.code).toBe('string');
			}),
			{ numRuns: RUNS, seed: SEED + 1 },
		);
	});
});
