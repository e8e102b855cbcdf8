// STUB (being written): gifts.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';

export function registerGiftRoutes(_app: PlatformServer, _context: PairlyContext): void {}
