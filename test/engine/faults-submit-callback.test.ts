// The fault matrix for deliveries Submit and Wait with a callback URL (see faultMatrix.ts).
import { defineFaultMatrix } from './faultMatrix';

defineFaultMatrix(['submit', 'callback']);
