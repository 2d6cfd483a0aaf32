import { emitOutcomes } from './emit';
import type { DeliveryPolicy } from './types';

/** "Submit Only": done once AceData has the job; its images come later (Task › Get, or the user's Callback URL). */
export const submit: DeliveryPolicy = {
	sendsAsync: true,
	doneWhen: 'accepted',
	parks: false,
	endRun: async (_ctx, outcomes) => await emitOutcomes(outcomes),
};
