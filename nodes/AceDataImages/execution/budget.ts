import type { IExecuteFunctions } from 'n8n-workflow';

import { Failure } from '../failure/failure';
import * as words from '../failure/words';
import { readImageCap, readImageCount } from '../helpers/parameters';
import { labelOf } from '../models/defaults';
import type { Journal } from './journal';

/**
 * Max Images per Run: the most images the node may ask AceData for in one workflow execution, its earlier runs in a
 * loop and earlier tries (Retry On Fail, a retried execution) included. What counts is what was really asked: the
 * node's journal of paid jobs. A job an earlier try paid for and this try reuses counts once; an item refused before
 * sending counts nothing. Each request is checked as it is about to leave, in input order; once one is refused, every
 * later one is too.
 */
export class ImageBudget {
	/** Once an item is refused, every later one is too: a run never skips ahead to a smaller item. */
	private closed = false;

	private constructor(readonly cap: number | undefined) {}

	/** Fails closed: an option that resolves to nothing or to no whole number ≥ 1 stops the node before anything is sent. */
	static read(ctx: IExecuteFunctions): ImageBudget {
		return new ImageBudget(readImageCap(ctx));
	}

	/**
	 * Without Continue On Fail a run past the cap sends nothing: the items this try may send (every item but those an
	 * earlier try already paid for) are added up before the first request.
	 */
	runRefusal(ctx: IExecuteFunctions, journal: Journal, count: number): Failure | undefined {
		if (this.cap === undefined) return undefined;
		let asking = 0;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) {
			if (!journal.hasEarlierJobFor(itemIndex)) asking += readImageCount(ctx, itemIndex) ?? 0;
		}
		if (journal.imagesAsked() + asking <= this.cap) return undefined;
		return this.failure(journal, words.runAsks(asking, journal.imagesAsked() > 0, count));
	}

	/** The refusal of a request that would pass the cap (undefined: within it). */
	refusal(journal: Journal, images: number): Failure | undefined {
		if (this.cap === undefined || (!this.closed && journal.imagesAsked() + images <= this.cap))
			return undefined;
		this.closed = true;
		return this.failure(journal, words.itemAsks(images, journal.imagesAsked() > 0));
	}

	private failure(journal: Journal, why: string): Failure {
		return new Failure({
			kind: 'parameter',
			code: 'max_images_per_run',
			text: words.capReached(labelOf('maxImagesPerRun'), this.cap, journal.imagesAsked(), why),
			parameter: 'maxImagesPerRun',
			billing: 'none',
			hint: words.CAP_REACHED_HINT,
		});
	}
}
