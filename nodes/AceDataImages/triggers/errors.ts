import { NodeOperationError, type INode } from 'n8n-workflow';

import { Failure } from '../failure/failure';

/**
 * What a trigger shows when it cannot do its work (a poll that fails, a look-up the webhook could not make): the
 * failure's words (already scrubbed of the token) and its hint; an n8n error as it is.
 */
export function asTriggerError(node: INode, error: Error): Error {
	if (!(error instanceof Failure)) return error;
	return new NodeOperationError(node, error.data.text, {
		description: error.data.hint,
	});
}
