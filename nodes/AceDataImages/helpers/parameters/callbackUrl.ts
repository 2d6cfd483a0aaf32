import type { IExecuteFunctions } from 'n8n-workflow';

import { parameterFailure } from '../../failure/failure';
import * as words from '../../failure/words';
import { CALLBACK_ITEM_TAG, CALLBACK_WEBHOOK_PATH } from '../../models/defaults';

/**
 * Not a parameter but part of reading an image job: this item's callback URL for Delivery Callback, the execution's resume URL (unguessable, signed by n8n) with the
 * node's own webhook path, tagged with the item. The path means only this node's webhook can be resumed by it.
 */
export function callbackUrlFor(ctx: IExecuteFunctions, itemIndex: number): string {
	let resumeUrl: unknown;
	try {
		resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex);
	} catch {
		resumeUrl = undefined;
	}
	let url: URL | undefined;
	try {
		url =
			typeof resumeUrl === 'string' && /^https?:\/\//i.test(resumeUrl)
				? new URL(resumeUrl)
				: undefined;
	} catch {
		url = undefined;
	}
	if (!url) {
		throw parameterFailure('delivery', words.NO_RESUME_URL, words.NO_RESUME_URL_HINT);
	}
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${CALLBACK_WEBHOOK_PATH}`;
	url.searchParams.set(CALLBACK_ITEM_TAG, String(itemIndex));
	return url.toString();
}
