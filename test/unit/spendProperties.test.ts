/**
 * Property tests for spend: Max Images per Run against an oracle of running sums (any item count, Number of Images,
 * cap, earlier runs and hostile values), what a user types into Task › Get Many (any value: a typed filter or a
 * refusal naming the parameter, never a JavaScript error), and `cost` in whatever AceData sends.
 */
import fc from 'fast-check';
import type { IExecuteFunctions } from 'n8n-workflow';

import { ImageBudget } from '../../nodes/AceDataImages/execution/budget';
import { Ledger } from '../../nodes/AceDataImages/execution/ledger';
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
	fc.constantFrom('2026-12-01T10:00:00', '2026-12-01', '1796165501', 'yesterday', 'abc, def', 'a b'),
);

/** A node context that answers parameters from a table per item, with n8n's context of the node kept in `node`. */
function fakeContext(parameters: (name: string, itemIndex: number) => unknown, node: Record<string, unknown> = {}): IExecuteFunctions {
	return {
		getNodeParameter: (name: string, itemIndex: number, fallback?: unknown) => {
			const value = parameters(name, itemIndex);
			return value === undefined ? fallback : value;
		},
		getContext: () => node,
		getTimezone: () => 'Europe/Berlin',
	} as unknown as IExecuteFunctions;
}

describe('Max Images per Run', () => {
	it('property: the items refused are exactly those whose running sum passes the cap, earlier runs counted; only sent items count next time', () => {
		fc.assert(
			fc.property(
				fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 40 }),
				fc.integer({ min: 1, max: 120 }),
				fc.integer({ min: 0, max: 60 }),
				fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
				(counts, cap, before, sent) => {
					const node: Record<string, unknown> = { aceDataImagesAsked: before };
					const ctx = fakeContext((name, itemIndex) => (name === 'options' ? { maxImagesPerRun: cap } : name === 'n' ? counts[itemIndex] : undefined), node);
					const budget = ImageBudget.plan(ctx, counts.length);
					let running = before;
					const expected = counts.map((n) => (running += n) > cap);
					const refused = counts.map((_, itemIndex) => budget.refusal(itemIndex) !== undefined);
					// Once one item is refused every later one is too: the run never skips ahead to a smaller item.
					const firstRefused = expected.indexOf(true);
					expect(refused).toEqual(counts.map((_, index) => firstRefused >= 0 && index >= firstRefused));
					expect(budget.exceeded).toBe(firstRefused >= 0);
					const allowed = counts.filter((_, index) => !refused[index]).reduce((sum, n) => sum + n, 0);
					expect(before + allowed <= cap || allowed === 0).toBe(true);
					const ledger = new Ledger(counts.length);
					counts.forEach((_, index) => !refused[index] && sent[index] && ledger.sending(index, `t${index}`));
					budget.commit(ledger);
					expect(node.aceDataImagesAsked).toBe(before + counts.reduce((sum, n, index) => sum + (!refused[index] && sent[index] ? n : 0), 0));
				},
			),
			{ numRuns: 3000, seed: SEED },
		);
	});

	it('property: any value typed for the cap is a whole number from 1 or a refusal naming it, never a JavaScript error', () => {
		fc.assert(
			fc.property(hostile, (value) => {
				const ctx = fakeContext((name) => (name === 'options' ? { maxImagesPerRun: value } : name === 'n' ? 1 : undefined));
				try {
					const budget = ImageBudget.plan(ctx, 3);
					expect(budget.cap === undefined || (Number.isInteger(budget.cap) && budget.cap >= 1)).toBe(true);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					expect((error as Failure).data).toMatchObject({ kind: 'parameter', parameter: 'maxImagesPerRun' });
				}
			}),
			{ numRuns: 3000, seed: SEED },
		);
	});
});

describe('Task › Get Many parameters', () => {
	it('property: any values are a typed filter or a refusal naming a Get Many parameter, never a JavaScript error', () => {
		const names = ['taskIds', 'traceIds', 'createdAfter', 'createdBefore', 'limit', 'downloadImages', 'options'];
		fc.assert(
			fc.property(fc.tuple(...names.map(() => hostile)), (values) => {
				const table = Object.fromEntries(names.map((name, index) => [name, values[index]]));
				const ctx = fakeContext((name) => table[name]);
				try {
					const job = readTaskListJob(ctx, 0);
					const { taskIds, traceIds, createdAfter, createdBefore } = job.filter;
					expect(taskIds || traceIds || createdAfter !== undefined || createdBefore !== undefined).toBeTruthy();
					for (const id of [...(taskIds ?? []), ...(traceIds ?? [])]) expect(id).toMatch(/^[\x21-\x7e]{1,200}$/);
					for (const time of [createdAfter, createdBefore]) if (time !== undefined) expect(Number.isFinite(time) && time > 0).toBe(true);
					expect(Number.isInteger(job.limit) && job.limit >= 1 && job.limit <= 1000).toBe(true);
				} catch (error) {
					expect(error).toBeInstanceOf(Failure);
					expect(names.concat('binaryPropertyName', 'outputLayout', 'fileName', 'maxDownloadMb', 'timeout')).toContain((error as Failure).data.parameter);
				}
			}),
			{ numRuns: 5000, seed: SEED },
		);
	});

	it('reads a date picker value in the workflow time zone (Europe/Berlin: UTC+1 in December)', () => {
		const ctx = fakeContext((name) => (name === 'createdAfter' ? '2026-12-01T10:00:00' : undefined));
		expect(new Date(readTaskListJob(ctx, 0).filter.createdAfter as number).toISOString()).toBe('2026-12-01T09:00:00.000Z');
		const summer = fakeContext((name) => (name === 'createdAfter' ? '2026-07-01T10:00:00' : undefined));
		expect(new Date(readTaskListJob(summer, 0).filter.createdAfter as number).toISOString()).toBe('2026-07-01T08:00:00.000Z');
	});
});

describe('cost in what AceData sends', () => {
	it('property: a record’s cost is { amount ≥ 0, currency } or absent, and its images carry the same', () => {
		const amount = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.constantFrom('0.35', '-1', 'NaN', '1e3'));
		const cost = fc.oneof(fc.record({ amount, currency: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)) }), hostile);
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
				const { cost: read, result } = parsed.record;
				if (read) {
					expect(Number.isFinite(read.amount) && read.amount >= 0).toBe(true);
					expect(typeof read.currency).toBe('string');
				}
				expect(result?.kind === 'images' ? result.answer.cost : undefined).toEqual(read);
			}),
			{ numRuns: 3000, seed: SEED },
		);
	});
});
