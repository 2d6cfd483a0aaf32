import type { Delivery } from '../../models/defaults';
import { callback } from './callback';
import { poll } from './poll';
import { submit } from './submit';
import type { DeliveryModule } from './types';
import { wait } from './wait';

export const DELIVERY_MODULES: Record<Delivery, DeliveryModule> = { wait, poll, submit, callback };

export type { DeliveryModule } from './types';
