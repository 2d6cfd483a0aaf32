/**
 * What enters the triggers, fed whatever an expression, a hand-edited workflow or a stored static data can hold: the
 * Options are refused naming the option (a Failure, never a JavaScript error), and a saved poll window that is not
 * the node's own shape starts afresh instead of breaking the poll.
 */
import fc from 'fast-check';

import { Failure } from '../../nodes/AceDataImages/failure/failure';
import { readTriggerSettings } from '../../nodes/AceDataImages/triggers/settings';
import {
	advance,
	listFrom,
	newlyFinished,
	readWatchState,
} from '../../nodes/AceDataImages/triggers/watch';
import type { TaskRecord } from '../../nodes/AceDataImages/transport/types';

const SEED = 20261206;
const TOKEN = 'sk-trigger-property-token';
const anyValue = fc.oneof(
	fc.jsonValue({ maxDepth: 2 }),
	fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -1, 1e308, TOKEN, '0x10'),
);
const KEYS = [
	'downloadImages',
	'binaryPropertyName',
	'fileName',
	'maxDownloadMb',
	'timeout',
	'traceIdPrefix',
	'models',
	'taskStatus',
	'lookBackMinutes',
];

describe('trigger Options from anything', () => {
	it('property: settings that fit, or a refusal naming an option; never a JavaScript error, never the token', () => {
		const options = fc.oneof(
			anyValue,
			fc.dictionary(fc.constantFrom(...KEYS), anyValue, { maxKeys: KEYS.length }),
		);
		fc.assert(
			fc.property(options, (raw) => {
				let result: unknown;
				try {
					result = readTriggerSettings(raw);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					const failure = error as Failure;
					expect(failure.data.kind).toBe('parameter');
					expect([...KEYS, 'options']).toContain(failure.data.parameter);
					expect(failure.message).toMatch(/^Parameter "[^"]+" /);
					expect(failure.message).not.toMatch(
						/Cannot read|is not a function|undefined \(|TypeError/,
					);
					return;
				}
				const settings = result as ReturnType<typeof readTriggerSettings>;
				expect(['any', 'succeeded', 'failed']).toContain(settings.filters.status);
				expect(settings.lookBackMinutes).toBeGreaterThanOrEqual(0);
				expect(typeof settings.output.binaryPropertyName).toBe('string');
				expect(settings.output.outputLayout).toBe('itemPerImage');
			}),
			{ numRuns: 3000, seed: SEED },
		);
	});
});

describe('the polling window from any saved static data', () => {
	const record = fc.record({
		id: fc.uuid(),
		createdAt: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
		finished: fc.boolean(),
	});

	it('property: a saved state is the node’s shape or none; a poll over it moves the window forward only, handles each finished task once', () => {
		const saved = fc.oneof(
			anyValue,
			fc.record({
				watchFrom: anyValue,
				handled: fc.oneof(anyValue, fc.dictionary(fc.string(), anyValue)),
			}),
		);
		fc.assert(
			fc.property(saved, fc.array(record, { maxLength: 8 }), (value, entries) => {
				const state = readWatchState(value);
				if (!state) return;
				expect(Number.isFinite(state.watchFrom)).toBe(true);
				for (const createdAt of Object.values(state.handled))
					expect(Number.isFinite(createdAt)).toBe(true);
				const records: TaskRecord[] = entries.map(({ id, createdAt, finished }) => ({
					id,
					createdAt,
					request: {},
					...(finished ? { result: { kind: 'images' as const, answer: { images: [] } } } : {}),
				}));
				const polledAt = 1_800_000_000_000;
				const handledNow = newlyFinished(state, records);
				const next = advance(state, polledAt, records, handledNow, true);
				expect(next.watchFrom).toBeGreaterThanOrEqual(state.watchFrom);
				expect(Number.isFinite(listFrom(next))).toBe(true);
				// A finished task of the next window is not handled again.
				const again = newlyFinished(
					next,
					records.filter((entry) => (entry.createdAt ?? 0) >= listFrom(next)),
				);
				expect(again).toEqual([]);
			}),
			{ numRuns: 2000, seed: SEED + 1 },
		);
	});
});
