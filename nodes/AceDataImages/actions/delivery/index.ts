import type { Delivery } from '../../models/defaults';
import { callback } from './callback';
import { poll } from './poll';
import { submit } from './submit';
import type { DeliveryPolicy } from './types';
import { wait } from './wait';

/** Every delivery's policy, by the Delivery parameter's value. */
export const DELIVERIES: Record<Delivery, DeliveryPolicy> = { wait, poll, submit, callback };

export type { DeliveryPolicy, RunEnding } from './types';
