// The fault matrix for delivery "Wait for AceData's Callback": parked runs resumed by callbacks (see faultMatrix.ts).
import { defineFaultMatrix } from './faultMatrix';

defineFaultMatrix(['park']);
