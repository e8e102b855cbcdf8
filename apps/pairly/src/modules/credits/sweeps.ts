// STUB (being written): scheduled credits work (expiry, forgotten holds, drift check).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerCreditSweeps(_app: PlatformServer, _context: PairlyContext): void {}
