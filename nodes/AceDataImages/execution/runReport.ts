import * as workflow from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';

import * as words from '../failure/words';
import { roundAmount } from '../helpers/output';
import type { Spend } from './ledger';

/** Most notices shown above the output; the rest are counted (each stays on its item). */
const MAX_NOTICE_HINTS = 3;

type TokenAccounting = (
	context: IExecuteFunctions,
	inputTokens: number,
	outputTokens: number,
) => void;

/**
 * n8n's own token accounting (`accumulateTokenUsage`, n8n-workflow 2.x: the execution's `metadata.tokenUsage`,
 * where n8n reports AI usage). Read from the n8n that runs the node, so a 1.x without it keeps working.
 */
function tokenAccounting(): TokenAccounting | undefined {
	const candidate = (workflow as unknown as { accumulateTokenUsage?: unknown })
		.accumulateTokenUsage;
	return typeof candidate === 'function' ? (candidate as TokenAccounting) : undefined;
}

/** The items' notices (fewer images than asked, a mask that may be ignored), grouped by notice with their items. */
function noticeHints(items: INodeExecutionData[]): NodeExecutionHint[] {
	const byNotice = new Map<string, number[]>();
	for (const item of items) {
		const notice = item.json.notice;
		if (typeof notice !== 'string') continue;
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const index = typeof paired === 'object' && paired ? paired.item : 0;
		const list = byNotice.get(notice) ?? [];
		if (!list.includes(index)) list.push(index);
		byNotice.set(notice, list);
	}
	const entries = [...byNotice.entries()];
	const hints: NodeExecutionHint[] = entries
		.slice(0, MAX_NOTICE_HINTS)
		.map(([notice, indexes]) => ({
			message: words.itemsNotice(
				indexes.map((index) => index + 1),
				notice,
			),
			type: 'warning',
			location: 'outputPane',
		}));
	if (entries.length > MAX_NOTICE_HINTS) {
		hints.push({
			message: words.moreNotices(entries.length - MAX_NOTICE_HINTS),
			type: 'warning',
			location: 'outputPane',
		});
	}
	return hints;
}

const number = (value: number) => value.toLocaleString('en-US');

/** "This run: 6 images from 3 jobs, 0.84 credit, 3,224 tokens (224 in, 3,000 out)", when AceData said any of it. */
export function spendText(spend: Spend): string | undefined {
	const costs = Object.entries(spend.cost).map(([currency, amount]) =>
		words.amountOf(number(roundAmount(amount)), currency),
	);
	const tokens = spend.inputTokens + spend.outputTokens;
	if (spend.jobs === 0 || (costs.length === 0 && tokens === 0)) return undefined;
	return words.spendLine(
		spend.images,
		spend.jobs,
		costs,
		tokens > 0
			? {
					total: number(tokens),
					input: number(spend.inputTokens),
					output: number(spend.outputTokens),
				}
			: undefined,
	);
}

/**
 * Jobs an earlier try paid for that this try emitted (n8n's Retry On Fail, or a retried execution), whatever the
 * delivery made of them (images, a submitted task): the input items of the output items that say so.
 */
function reusedJobs(items: INodeExecutionData[]): number {
	const inputs = new Set<number>();
	for (const item of items) {
		if (item.json.fromEarlierTry !== true || item.json.error !== undefined) continue;
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		inputs.add(typeof paired === 'object' && paired ? paired.item : 0);
	}
	return inputs.size;
}

/**
 * What a run tells n8n besides its items: its tokens into n8n's token accounting, and above the output (where the
 * running n8n shows hints) the items' notices and what the run cost.
 */
export function reportRun(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	spend: Spend,
	notAskedAgain: Array<{ taskId?: string; traceId?: string }> = [],
): void {
	const accumulate = tokenAccounting();
	if (accumulate && spend.inputTokens + spend.outputTokens > 0) {
		try {
			accumulate(ctx, spend.inputTokens, spend.outputTokens);
		} catch {
			// An n8n whose context cannot take metadata: the tokens stay on the items.
		}
	}
	if (typeof ctx.addExecutionHints !== 'function') return;
	const hints = noticeHints(items);
	const text = spendText(spend);
	if (text) hints.push({ message: text, type: 'info', location: 'outputPane' });
	if (notAskedAgain.length)
		hints.push({
			message: words.earlierJobsNotAskedAgain(notAskedAgain.map((job) => words.jobName(job))),
			type: 'warning',
			location: 'outputPane',
		});
	const reused = reusedJobs(items);
	if (reused > 0)
		hints.push({
			message: words.reusedJobs(number(reused), reused === 1),
			type: 'info',
			location: 'outputPane',
		});
	if (hints.length) ctx.addExecutionHints(...hints);
}
