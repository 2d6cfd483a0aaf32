/**
 * Property tests for spend: Max Images per Run against an oracle of running sums (any item count, Number of Images,
 * cap, earlier runs and hostile values), what a user types into Task › Get Many (any value: a typed filter or a
 * refusal naming the parameter, never a JavaScript error), and `cost` in whatever AceData sends.
 */
import fc from 'fast-check';
import type { IExecuteFunctions } from 'n8n-workflow';

import { ImageBudget } from '../../nodes/AceDataImages/execution/budget';
import { Journal, keyOf } from '../../nodes/AceDataImages/execution/journal';
import { Failure } from '../../nodes/AceDataImages/failure/failure';
import { readTaskListJob } from '../../nodes/AceDataImages/helpers/parameters';
import { parseTaskRecord } from '../../nodes/AceDataImages/transport/schemas';

const SEED = 20261202;
const hostile = fc.oneof(
	fc.constant(undefined),
	fc.constant(null),
	fc.constant(''),
	fc.string(),
	fc.integer(),
	fc.double(),
	fc.boolean(),
	fc.array(fc.string(), { maxLength: 3 }),
	fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
	fc.constantFrom(
		'2026-12-01T10:00:00',
		'2026-12-01',
		'1796165501',
		'yesterday',
		'abc, def',
		'a b',
	),
);

/** A node context that answers parameters from a table per item, with n8n's context of the node kept in `node`. */
function fakeContext(
	parameters: (name: string, itemIndex: number) => unknown,
	node: Record<string, unknown> = {},
): IExecuteFunctions {
	return {
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = parameters(name, itemIndex);
			return value === undefined ? fallback : value;
		},
		getContext: () => node,
		getTimezone: () => 'Europe/Berlin',
	} as unknown as IExecuteFunctions;
}

/** n8n's context of the node as a run of a loop left it: `before` images asked by the run before this one. */
function contextAfterEarlierRun(before: number): Record<string, unknown> {
	return {
		aceDataImagesJournal: {
			version: 1,
			runIndex: 0,
			imagesBefore: 0,
			jobs: { '0:x': { traceId: 't', billing: 'paid', sentAt: Date.now(), images: before } },
		},
	};
}

describe('Max Images per Run', () => {
	it('property: an item is refused exactly when the images really asked (earlier runs, sent items) plus its own pass the cap; refused-early and unaccepted items count nothing', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						n: fc.integer({ min: 1, max: 10 }),
						valid: fc.boolean(),
						accepted: fc.boolean(),
					}),
					{ minLength: 1, maxLength: 40 },
				),
				fc.integer({ min: 1, max: 120 }),
				fc.integer({ min: 0, max: 60 }),
				(items, cap, before) => {
					const node = contextAfterEarlierRun(before);
					const ctx = fakeContext(
						(name, itemIndex) =>
							name === 'options'
								? { maxImagesPerRun: cap }
								: name === 'n'
									? items[itemIndex].n
									: undefined,
						node,
					);
					(ctx as unknown as { evaluateExpression: () => number }).evaluateExpression = () => 1;
					const journal = Journal.open(ctx);
					const budget = ImageBudget.read(ctx);
					let running = before;
					let closed = false;
					items.forEach(({ n, valid, accepted }, itemIndex) => {
						// An item refused before sending (an empty prompt) never reaches the cap.
						if (!valid) return;
						const expectRefused = closed || running + n > cap;
						const refused = budget.refusal(journal, n);
						expect(refused !== undefined).toBe(expectRefused);
						if (expectRefused) {
							closed = true;
							expect((refused as Failure).data).toMatchObject({
								code: 'max_images_per_run',
								billing: 'none',
							});
							return;
						}
						journal.sending(keyOf(itemIndex, 'f'), `t${itemIndex}`, n);
						if (accepted) running += n;
						else journal.notAccepted(keyOf(itemIndex, 'f'));
					});
					expect(journal.imagesAsked()).toBe(running);
					expect(running <= cap || running === before).toBe(true);
				},
			),
			{ numRuns: 3000, seed: SEED },
		);
	});

	it('property: a job an earlier try paid for counts once, however many tries reuse it', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 10 }),
				fc.integer({ min: 2, max: 5 }),
				(counts, tries) => {
					const node: Record<string, unknown> = {};
					const ctx = fakeContext((name) => (name === 'options' ? {} : undefined), node);
					for (let attempt = 0; attempt < tries; attempt++) {
						const journal = Journal.open(ctx);
						counts.forEach((n, itemIndex) => {
							const key = keyOf(itemIndex, 'same request');
							if (journal.earlierJob(key)) return;
							journal.sending(key, `t${itemIndex}`, n);
							journal.accepted(key, { taskId: `task-${itemIndex}` }, 'record');
						});
						expect(journal.imagesAsked()).toBe(counts.reduce((sum, n) => sum + n, 0));
					}
				},
			),
			{ numRuns: 1000, seed: SEED },
		);
	});

	it('property: any value the cap resolves to is a whole number from 1 or a refusal naming it, never "no cap", never a JavaScript error', () => {
		fc.assert(
			fc.property(hostile, (value) => {
				const ctx = fakeContext((name) =>
					name === 'options' ? { maxImagesPerRun: value } : name === 'n' ? 1 : undefined,
				);
				(ctx as unknown as { getNode: () => unknown }).getNode = () => ({
					parameters: { options: { maxImagesPerRun: '={{ $json.cap }}' } },
				});
				try {
					const budget = ImageBudget.read(ctx);
					expect(Number.isInteger(budget.cap) && (budget.cap as number) >= 1).toBe(true);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					expect((error as Failure).data).toMatchObject({
						kind: 'parameter',
						parameter: 'maxImagesPerRun',
					});
				}
			}),
			{ numRuns: 3000, seed: SEED },
		);
	});

	it('only an option that is not set means no cap', () => {
		const ctx = fakeContext((name) => (name === 'options' ? {} : undefined));
		(ctx as unknown as { getNode: () => unknown }).getNode = () => ({
			parameters: { options: {} },
		});
		expect(ImageBudget.read(ctx).cap).toBeUndefined();
	});
});

describe('Task › Get Many parameters', () => {
	it.each([
		['2026-02-30', 'createdAfter', 'a date that exists'],
		['2026-13-01T10:00:00', 'createdAfter', 'a date that exists'],
		['2026-04-31T10:00:00Z', 'createdBefore', 'a date that exists'],
		['2026-01-01T24:00:00', 'createdBefore', 'a date that exists'],
	])(
		'refuses %s (JavaScript would roll it into another day) naming the parameter',
		(value, parameter, said) => {
			const ctx = fakeContext((name) => (name === parameter ? value : undefined));
			expect(() => readTaskListJob(ctx, 0)).toThrow(said);
			try {
				readTaskListJob(ctx, 0);
			} catch (error) {
				expect((error as Failure).data.parameter).toBe(parameter);
			}
		},
	);

	it("refuses a date without a zone when the workflow's time zone is unknown, instead of reading it as UTC", () => {
		const ctx = fakeContext((name) =>
			name === 'createdAfter' ? '2026-12-01T10:00:00' : undefined,
		);
		(ctx as unknown as { getTimezone: () => string }).getTimezone = () => 'Mars/Olympus_Mons';
		expect(() => readTaskListJob(ctx, 0)).toThrow(
			'the workflow\'s time zone "Mars/Olympus_Mons" is unknown',
		);
		const zoned = fakeContext((name) =>
			name === 'createdAfter' ? '2026-12-01T10:00:00Z' : undefined,
		);
		(zoned as unknown as { getTimezone: () => string }).getTimezone = () => 'Mars/Olympus_Mons';
		expect(readTaskListJob(zoned, 0).filter.createdAfter).toBe(Date.UTC(2026, 11, 1, 10));
	});

	it('property: any values are a typed filter or a refusal naming a Get Many parameter, never a JavaScript error', () => {
		const names = [
			'taskIds',
			'traceIds',
			'createdAfter',
			'createdBefore',
			'limit',
			'downloadImages',
			'options',
		];
		fc.assert(
			fc.property(fc.tuple(...names.map(() => hostile)), (values) => {
				const table = Object.fromEntries(names.map((name, index) => [name, values[index]]));
				const ctx = fakeContext((name) => table[name]);
				try {
					const job = readTaskListJob(ctx, 0);
					const { taskIds, traceIds, createdAfter, createdBefore } = job.filter;
					expect(
						taskIds || traceIds || createdAfter !== undefined || createdBefore !== undefined,
					).toBeTruthy();
					for (const id of [...(taskIds ?? []), ...(traceIds ?? [])])
						expect(id).toMatch(/^[\x21-\x7e]{1,200}$/);
					for (const time of [createdAfter, createdBefore])
						if (time !== undefined) expect(Number.isFinite(time) && time > 0).toBe(true);
					expect(Number.isInteger(job.limit) && job.limit >= 1 && job.limit <= 1000).toBe(true);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					expect(
						names.concat(
							'binaryPropertyName',
							'outputLayout',
							'fileName',
							'maxDownloadMb',
							'timeout',
						),
					).toContain((error as Failure).data.parameter);
				}
			}),
			{ numRuns: 5000, seed: SEED },
		);
	});

	it('reads a date picker value in the workflow time zone (Europe/Berlin: UTC+1 in December)', () => {
		const ctx = fakeContext((name) =>
			name === 'createdAfter' ? '2026-12-01T10:00:00' : undefined,
		);
		expect(new Date(readTaskListJob(ctx, 0).filter.createdAfter as number).toISOString()).toBe(
			'2026-12-01T09:00:00.000Z',
		);
		const summer = fakeContext((name) =>
			name === 'createdAfter' ? '2026-07-01T10:00:00' : undefined,
		);
		expect(new Date(readTaskListJob(summer, 0).filter.createdAfter as number).toISOString()).toBe(
			'2026-07-01T08:00:00.000Z',
		);
	});
});

describe('cost in what AceData sends', () => {
	it('property: a record’s cost is { amount ≥ 0, currency } or absent, and its images carry the same', () => {
		const amount = fc.oneof(
			fc.double(),
			fc.integer(),
			fc.string(),
			fc.constant(null),
			fc.constantFrom('0.35', '-1', 'NaN', '1e3'),
		);
		const cost = fc.oneof(
			fc.record({ amount, currency: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)) }),
			hostile,
		);
		fc.assert(
			fc.property(cost, (value) => {
				const parsed = parseTaskRecord({
					id: 'task-1',
					created_at: 1796165501,
					finished_at: 1796165560,
					response: { success: true, data: [{ url: 'https://cdn.example/a.png' }] },
					cost: value,
				});
				expect(parsed.kind).toBe('record');
				if (parsed.kind !== 'record') return;
				const { cost: read, costUnreadable, result } = parsed.record;
				if (read) {
					expect(Number.isFinite(read.amount) && read.amount >= 0).toBe(true);
					expect(typeof read.currency).toBe('string');
				}
				// Anything sent that is no cost is said, never silently dropped: one or the other, or nothing at all.
				expect([read !== undefined, costUnreadable !== undefined]).not.toEqual([true, true]);
				if (value !== undefined && value !== null && !read)
					expect(typeof costUnreadable === 'string' && costUnreadable.length <= 61).toBe(true);
				const answer = result?.kind === 'images' ? result.answer : undefined;
				expect([answer?.cost, answer?.costUnreadable]).toEqual([read, costUnreadable]);
			}),
			{ numRuns: 3000, seed: SEED },
		);
	});
});
