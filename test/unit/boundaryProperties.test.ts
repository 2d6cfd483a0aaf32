/**
 * Property tests over what AceData (or a proxy in front of it) may send: generated answers, acknowledgements, task
 * records, batches and callback bodies with wrong types, missing fields, huge strings and the token planted in any
 * string or key. The transport's parsers never throw, every result is typed, and the token is in none of it.
 * Seeded; 10,000 runs per property.
 */
import fc from 'fast-check';

import { check } from '../harness/check';

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
const HUGE = 'x'.repeat(20_000);

/** Any JSON value, with the token planted now and then in strings and keys. */
const withToken = fc.oneof(
	fc.string(),
	fc.constant(PLANTED),
	fc.string().map((text) => `${text}${PLANTED}${text}`),
	// Huge strings, made once (generating them per run would be most of the test's time).
	fc.constantFrom(HUGE, `${HUGE}${PLANTED}`),
);
const scalar = fc.oneof(
	withToken,
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
);
const json = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		scalar,
		tie('array'),
		tie('object'),
	),
	array: fc.array(tie('value'), { maxLength: 4 }),
	object: fc.dictionary(fc.oneof(fc.string(), fc.constant(PLANTED)), tie('value'), { maxKeys: 5 }),
})).value;

/** Shapes close to AceData's, each field drawn from any JSON: where the interesting mistakes are. */
const datum = fc.record(
	{ url: scalar, b64_json: scalar, revised_prompt: scalar },
	{ requiredKeys: [] },
);
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
		request: fc.oneof(
			fc.record({ model: scalar, prompt: scalar, output_format: scalar }, { requiredKeys: [] }),
			json,
		),
		created_at: scalar,
		finished_at: scalar,
		response: fc.oneof(answer, json),
	},
	{ requiredKeys: [] },
);
const anything = fc.oneof(
	json,
	answer,
	record,
	fc.record({
		items: fc.oneof(fc.array(fc.oneof(record, json), { maxLength: 5 }), json),
		count: scalar,
	}),
);

const leaks = (value: unknown) => JSON.stringify(value ?? null).includes(PLANTED);

describe('What AceData sends: parsed, never thrown, never the token', () => {
	it('scrubbed answers parse into typed values (or a problem), for any JSON', () => {
		fc.assert(
			fc.property(anything, (raw) => {
				const scrubbed = scrubDeep(raw, PLANTED);
				check(!leaks(scrubbed), 'the token survived scrubbing');
				const submit = parseSubmitAnswer(scrubbed);
				if (submit.ok && submit.value.kind === 'images') {
					for (const image of submit.value.answer.images) {
						check(
							image.url === undefined || typeof image.url === 'string',
							'an image URL that is no string',
						);
						check(
							image.url !== undefined || image.b64Json !== undefined,
							'an image with neither URL nor base64',
						);
					}
				}
				if (submit.ok && submit.value.kind === 'accepted')
					check(typeof submit.value.taskId === 'string', 'a task ID that is no string');
				if (!submit.ok) check(typeof submit.problem === 'string', 'a problem that is no sentence');
				const parsed = parseTaskRecord(scrubbed);
				if (parsed.kind === 'record')
					check(
						typeof parsed.record.id === 'string' && parsed.record.id.length > 0,
						'a record without an ID',
					);
				const batch = parseTaskBatch(scrubbed);
				check(Array.isArray(batch.records), 'a batch without records');
				const error = parseErrorBody(scrubbed);
				check(
					error.code === undefined || typeof error.code === 'string',
					'an error code that is no string',
				);
				const callback = parseCallbackBody(scrubbed);
				check(
					callback.taskId === undefined || typeof callback.taskId === 'string',
					'a callback task ID that is no string',
				);
				check(!leaks([submit, parsed, batch, error]), 'the token in what was parsed');
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it('a finished record is images or a failure, and a record without a string id is never a record', () => {
		fc.assert(
			fc.property(record, (raw) => {
				const parsed = parseTaskRecord(raw);
				const id = (raw as { id?: unknown }).id;
				if (typeof id !== 'string' && typeof id !== 'number')
					check(parsed.kind !== 'record', 'a record without a string ID');
				if (parsed.kind === 'record' && parsed.record.result?.kind === 'failed')
					check(typeof parsed.record.result.code === 'string', 'a failure without a code');
			}),
			{ numRuns: RUNS, seed: SEED + 1 },
		);
	});
});
