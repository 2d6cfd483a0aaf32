import type { Billing } from '../failure/failure';
import type { JobState } from '../failure/report';
import type { ImagesAnswer } from '../transport/types';

/** What the jobs of one run made and cost, as AceData reported it. */
export interface Spend {
	jobs: number;
	images: number;
	inputTokens: number;
	outputTokens: number;
	/** Amount per currency (AceData's records say `credit`). */
	cost: Record<string, number>;
}

/** Input and output token counts of an answer's usage (OpenAI's image names, or its chat names). */
function tokenCounts(usage: ImagesAnswer['usage']): { input: number; output: number } {
	const count = (...keys: string[]) => {
		for (const key of keys) {
			const value = usage?.[key];
			if (typeof value === 'number' && value >= 0) return value;
		}
		return 0;
	};
	return {
		input: count('input_tokens', 'prompt_tokens'),
		output: count('output_tokens', 'completion_tokens'),
	};
}

/**
 * What each input item's job may have cost, kept by the pipeline as the item goes: nothing until its billed request
 * is about to leave, `maybe` while its answer is out (or was lost), `paid` once AceData has the job. Every error the
 * node reports reads it, so that no advice ever suggests paying twice.
 */
export class Ledger {
	readonly jobs: JobState[];
	/** Each item's emitted answer (what its job made and cost). */
	private readonly made: Array<ImagesAnswer | undefined>;

	constructor(count: number) {
		this.jobs = Array.from({ length: count }, (_, itemIndex) => ({
			itemIndex,
			billing: 'none' as Billing,
		}));
		this.made = Array.from({ length: count }, () => undefined);
	}

	job(itemIndex: number): JobState {
		return this.jobs[itemIndex];
	}

	/** The billed request is leaving now. */
	sending(itemIndex: number, traceId: string): void {
		Object.assign(this.jobs[itemIndex], { billing: 'maybe', traceId });
	}

	/** AceData surely did not take it (a 4xx, a connection never made). */
	notAccepted(itemIndex: number): void {
		this.jobs[itemIndex].billing = 'none';
	}

	/** AceData has the job: it answered, or a look-up found it. */
	accepted(itemIndex: number, ids: { taskId?: string; traceId?: string }): void {
		const job = this.jobs[itemIndex];
		job.billing = 'paid';
		if (ids.taskId) job.taskId = ids.taskId;
		if (ids.traceId) job.traceId = ids.traceId;
	}

	/** An earlier try paid (or may have paid) for the item's job: this one finds it instead of sending it. */
	reused(itemIndex: number, earlier: { billing: Billing; taskId?: string; traceId: string }): void {
		Object.assign(this.jobs[itemIndex], {
			billing: earlier.billing,
			taskId: earlier.taskId,
			traceId: earlier.traceId,
			fromEarlierTry: true,
		});
	}

	/** The job's images were emitted: what they cost counts for this run, unless an earlier try paid for them. */
	emitted(itemIndex: number, answer?: ImagesAnswer): void {
		this.made[itemIndex] = answer ?? { images: [] };
	}

	/** What this run's emitted jobs made and cost. */
	spend(): Spend {
		const spend: Spend = {
			jobs: 0,
			images: 0,
			inputTokens: 0,
			outputTokens: 0,
			cost: {},
		};
		for (const [itemIndex, answer] of this.made.entries()) {
			if (!answer) continue;
			if (this.jobs[itemIndex].fromEarlierTry) continue;
			spend.jobs++;
			spend.images += answer.images.length;
			const tokens = tokenCounts(answer.usage);
			spend.inputTokens += tokens.input;
			spend.outputTokens += tokens.output;
			if (answer.cost)
				spend.cost[answer.cost.currency] =
					(spend.cost[answer.cost.currency] ?? 0) + answer.cost.amount;
		}
		return spend;
	}

	/** The task finished with an error at AceData. */
	taskFailed(itemIndex: number): void {
		this.jobs[itemIndex].taskFailed = true;
	}

	/** Another item of this run sent the same trace ID: a look-up by it could find the other item's job. */
	traceShared(itemIndex: number): boolean {
		const { traceId } = this.jobs[itemIndex];
		return this.jobs.some((other) => other.itemIndex !== itemIndex && other.traceId === traceId);
	}
}
