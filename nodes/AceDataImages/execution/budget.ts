import type { IExecuteFunctions } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import { readImageCap, readImageCount } from '../helpers/parameters';
import { labelOf } from '../models/defaults';
import type { Ledger } from './ledger';

/** Where the images asked in earlier runs of this node (a loop) are counted: the execution's context of the node. */
const ASKED_KEY = 'aceDataImagesAsked';

/**
 * Max Images per Run: the most images the node may ask AceData for in one workflow execution, its earlier runs in a
 * loop included. Decided before anything is sent: the items, in input order, that would pass the cap are refused
 * (`billing: none`); only what was really sent counts for the next run.
 */
export class ImageBudget {
	private constructor(
		private readonly ctx: IExecuteFunctions,
		readonly cap: number | undefined,
		/** Asked by earlier runs of this node in this execution. */
		readonly before: number,
		private readonly counts: Array<number | undefined>,
		/** The first item past the cap, and what the run asks in all. */
		readonly refusedFrom: number | undefined,
		readonly asked: number,
	) {}

	static plan(ctx: IExecuteFunctions, count: number): ImageBudget {
		const cap = readImageCap(ctx);
		const context = cap === undefined ? undefined : nodeContext(ctx);
		const before = typeof context?.[ASKED_KEY] === 'number' ? (context[ASKED_KEY] as number) : 0;
		const counts = Array.from({ length: count }, (_, itemIndex) => (cap === undefined ? undefined : readImageCount(ctx, itemIndex)));
		let running = before;
		let refusedFrom: number | undefined;
		counts.forEach((images, itemIndex) => {
			running += images ?? 0;
			if (cap !== undefined && refusedFrom === undefined && running > cap) refusedFrom = itemIndex;
		});
		return new ImageBudget(ctx, cap, before, counts, refusedFrom, running - before);
	}

	/** Whether any item passes the cap. */
	get exceeded(): boolean {
		return this.refusedFrom !== undefined;
	}

	/** The refusal of an item past the cap (undefined: within it). */
	refusal(itemIndex: number): Failure | undefined {
		if (this.refusedFrom === undefined || itemIndex < this.refusedFrom || this.cap === undefined) return undefined;
		return this.failure(`this item would pass it (the run asks for ${this.asked} images)`);
	}

	/** The one error of a run that passes the cap without Continue On Fail: nothing is sent. */
	runRefusal(): Failure {
		return this.failure(`this run asks for ${this.asked} images (${this.counts.length} item${this.counts.length === 1 ? '' : 's'} × Number of Images)`);
	}

	/** After the run: what was really sent counts against the cap in later runs of this execution. */
	commit(ledger: Ledger): void {
		if (this.cap === undefined) return;
		const context = nodeContext(this.ctx);
		if (!context) return;
		const sent = ledger.jobs.reduce((sum, job) => sum + (job.billing === 'none' ? 0 : (this.counts[job.itemIndex] ?? 0)), 0);
		context[ASKED_KEY] = this.before + sent;
	}

	private failure(why: string): Failure {
		const earlier = this.before > 0 ? `, ${this.before} already asked by earlier runs of this node in this execution` : '';
		return new Failure({
			kind: 'parameter',
			code: 'max_images_per_run',
			text: `${labelOf('maxImagesPerRun')} is ${this.cap}${earlier}: ${why}`,
			parameter: 'maxImagesPerRun',
			accepted: 'no',
			hint: 'Nothing was sent to AceData for it and nothing was billed. Raise Max Images per Run if the run is meant to make that many, or check what feeds the node (a loop, a split).',
		});
	}
}

/** The execution's context of this node (kept across its runs in one execution), where n8n provides it. */
function nodeContext(ctx: IExecuteFunctions): Record<string, unknown> | undefined {
	try {
		return typeof ctx.getContext === 'function' ? (ctx.getContext('node') as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
