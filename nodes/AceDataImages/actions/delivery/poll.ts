import { wait } from './wait';
import type { DeliveryPolicy } from './types';

/**
 * "Poll Until Done": submitted with `async: true`, then the task is looked up (free) until it is finished or Max Wait
 * passes; the images are emitted exactly as Wait for Images emits them.
 */
export const poll: DeliveryPolicy = { ...wait, sendsAsync: true };
