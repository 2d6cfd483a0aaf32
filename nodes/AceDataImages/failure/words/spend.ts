/**
 * The words of what a run asks and costs: Max Images per Run, and the hints a run adds above its output (notices,
 * spend, jobs reused from an earlier try). Numbers arrive as they are said.
 */

const plural = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;

/** Without Continue On Fail, the whole run's images are counted before anything is sent. */
export const runAsks = (asking: number, more: boolean, items: number) =>
	`this run asks for ${asking}${more ? ' more' : ''} images (${plural(items, 'item')} × Number of Images)`;

export const itemAsks = (images: number, more: boolean) =>
	`this item would ask for ${images}${more ? ' more' : ''}`;

/** `label`: the option's label; `asked`: what the execution has already asked AceData for. */
export const capReached = (label: string, cap: number | undefined, asked: number, why: string) =>
	`${label} is ${cap}${asked > 0 ? ` and this execution has already asked AceData for ${plural(asked, 'image')}` : ''}: ${why}`;

export const CAP_REACHED_HINT =
	'Nothing was sent to AceData for it and nothing was billed. Raise Max Images per Run if the run is meant to make that many, or check what feeds the node (a loop, a split).';

// The hints above a run's output.

/** `positions`: the items' numbers, from 1. */
export const itemsNotice = (positions: number[], notice: string) =>
	`${positions.length === 1 ? `Item ${positions[0]}` : `Items ${positions.join(', ')}`}: ${notice}`;

export const moreNotices = (count: number) =>
	`${count} more notices are on the items (field "notice")`;

/** One cost, its amount already formatted. */
export const amountOf = (amount: string, currency: string) => `${amount} ${currency}`;

/** Counts arrive formatted (`3,224`); `images` and `jobs` also as numbers, for their plurals. */
export const spendLine = (
	images: number,
	jobs: number,
	costs: string[],
	tokens?: { total: string; input: string; output: string },
) => {
	const parts = [`${plural(images, 'image')} from ${plural(jobs, 'job')}`, ...costs];
	if (tokens) parts.push(`${tokens.total} tokens (${tokens.input} in, ${tokens.output} out)`);
	return `This run: ${parts.join(', ')}, as AceData reported them`;
};

/** `count`: already formatted, `one`: whether it is one job. */
export const reusedJobs = (count: string, one: boolean) =>
	`${one ? '1 job' : `${count} jobs`} came from an earlier try of this node (Retry On Fail or a retried execution): found at AceData, not sent or billed again (field "fromEarlierTry" on their items)`;
