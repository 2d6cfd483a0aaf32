import { emitOutcomes } from './emit';
import type { DeliveryPolicy } from './types';

/**
 * "Wait for Images": one request whose answer holds the images (a long Timeout by default). If AceData answers
 * with a task instead, or the answer is lost, the pipeline waits for the task as Poll does.
 */
export const wait: DeliveryPolicy = {
	sendsAsync: false,
	doneWhen: 'finished',
	parks: false,
	endRun: async (_ctx, outcomes) => await emitOutcomes(outcomes),
};
