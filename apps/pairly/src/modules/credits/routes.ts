// STUB (being written): the HTTP surface of credits.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerCreditRoutes(_app: PlatformServer, _context: PairlyContext): void {}
