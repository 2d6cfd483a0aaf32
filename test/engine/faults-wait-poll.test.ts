// The fault matrix for deliveries Wait and Poll (see faultMatrix.ts).
import { defineFaultMatrix } from './faultMatrix';

defineFaultMatrix(['wait', 'poll']);
