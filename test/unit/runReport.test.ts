// n8n 1.x has no accumulateTokenUsage (n8n-workflow 2.x added it) and may have no execution hints: the run still
// ends with its items, and the tokens stay on them.
jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	accumulateTokenUsage: undefined,
}));

import type { IExecuteFunctions } from 'n8n-workflow';

import { reportRun, spendText } from '../../nodes/AceDataImages/execution/runReport';

const spend = {
	jobs: 2,
	images: 3,
	inputTokens: 20,
	outputTokens: 3000,
	cost: { credit: 0.6000000001 },
};

test('without accumulateTokenUsage nothing breaks, and the spend is still shown where hints exist', () => {
	const hints: unknown[] = [];
	const setMetadata = jest.fn();
	const ctx = {
		addExecutionHints: (...added: unknown[]) => hints.push(...added),
		setMetadata,
	} as unknown as IExecuteFunctions;
	expect(() => reportRun(ctx, [], spend)).not.toThrow();
	expect(setMetadata).not.toHaveBeenCalled();
	expect(hints).toEqual([
		{
			message:
				'This run: 3 images from 2 jobs, 0.6 credit, 3,020 tokens (20 in, 3,000 out), as AceData reported them',
			type: 'info',
			location: 'outputPane',
		},
	]);
});

test('an n8n without execution hints: nothing is shown and nothing throws', () => {
	expect(() =>
		reportRun({} as IExecuteFunctions, [{ json: { notice: 'x' }, pairedItem: { item: 0 } }], spend),
	).not.toThrow();
});

test('no spend line when AceData reported neither cost nor tokens', () => {
	expect(
		spendText({ jobs: 1, images: 1, inputTokens: 0, outputTokens: 0, cost: {} }),
	).toBeUndefined();
	expect(
		spendText({ jobs: 0, images: 0, inputTokens: 0, outputTokens: 0, cost: {} }),
	).toBeUndefined();
});
